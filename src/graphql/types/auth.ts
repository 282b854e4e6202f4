import { builder } from '../builder.js';
import { actAs, spendPasswordCheck, type GraphQLContext } from '../context.js';
import { UserRef } from './user.js';
import { rotateSession, endSession, type Session } from '../../services/sessions.js';
import { changePassword, deactivateAccount, logIn, logOutEverywhere, signUp, updateProfile, type AuthDeps } from '../../services/users.js';
import {
  ConflictError,
  InvalidCredentialsError,
  RateLimitedError,
  UnauthenticatedError,
  ValidationError,
} from '../../domain/errors.js';
import { idOf } from '../../domain/ids.js';
import type { User } from '../../generated/prisma/client.js';

const AuthPayload = builder.objectRef<Session>('AuthPayload').implement({
  description:
    'A logged-in session. Send `accessToken` as `Authorization: Bearer <token>`; before it expires, exchange `refreshToken` with `refreshSession` for new tokens (each refresh token works once).',
  fields: (t) => ({
    accessToken: t.string({ description: 'A JWT for the Authorization header; valid for 30 minutes.', resolve: (s) => s.accessToken.token }),
    accessTokenExpiresAt: t.field({ type: 'DateTime', resolve: (s) => s.accessToken.expiresAt }),
    refreshToken: t.string({ description: 'Single-use: exchange it with refreshSession for new tokens. Keep it secret.', resolve: (s) => s.refreshToken.token }),
    refreshTokenExpiresAt: t.field({ type: 'DateTime', resolve: (s) => s.refreshToken.expiresAt }),
    user: t.field({ type: UserRef, description: 'The logged-in user.', resolve: (s) => s.user }),
  }),
});

const LogOutPayload = builder.objectRef<{ loggedOut: boolean }>('LogOutPayload').implement({
  fields: (t) => ({ loggedOut: t.exposeBoolean('loggedOut') }),
});

const UpdateProfilePayload = builder.objectRef<{ user: User }>('UpdateProfilePayload').implement({
  fields: (t) => ({ user: t.field({ type: UserRef, resolve: (p) => p.user }) }),
});

const DeactivateAccountPayload = builder.objectRef<{ deactivated: boolean }>('DeactivateAccountPayload').implement({
  fields: (t) => ({ deactivated: t.exposeBoolean('deactivated') }),
});

const authDeps = (context: GraphQLContext): AuthDeps => ({
  prisma: context.prisma,
  tokens: context.tokens,
  throttle: context.throttle,
  config: context.config,
});

/** The rest of the payload is resolved as the user who now holds the session. */
function loggedIn(context: GraphQLContext, session: Session): Session {
  actAs(context, { id: idOf<'User'>(session.user.id), sessionId: session.sessionId });
  return session;
}

const SignUpInput = builder.inputType('SignUpInput', {
  fields: (t) => ({
    email: t.string({ required: true }),
    name: t.string({ required: true }),
    password: t.string({ required: true, description: 'At least 8 characters and at most 72 bytes (bcrypt ignores the rest).' }),
  }),
});

const LogInInput = builder.inputType('LogInInput', {
  fields: (t) => ({
    email: t.string({ required: true }),
    password: t.string({ required: true }),
  }),
});

const RefreshSessionInput = builder.inputType('RefreshSessionInput', {
  fields: (t) => ({ refreshToken: t.string({ required: true }) }),
});

const ChangePasswordInput = builder.inputType('ChangePasswordInput', {
  fields: (t) => ({
    currentPassword: t.string({ required: true }),
    newPassword: t.string({ required: true, description: 'At least 8 characters and at most 72 bytes.' }),
  }),
});

const UpdateProfileInput = builder.inputType('UpdateProfileInput', {
  fields: (t) => ({
    name: t.string(),
    email: t.string({ description: 'Changing the email needs `currentPassword`.' }),
    currentPassword: t.string(),
  }),
});

const DeactivateAccountInput = builder.inputType('DeactivateAccountInput', {
  fields: (t) => ({ password: t.string({ required: true }) }),
});

builder.mutationFields((t) => ({
  signUp: t.field({
    type: AuthPayload,
    description: 'Creates an account and logs it in.',
    errors: { types: [ValidationError, ConflictError, RateLimitedError] },
    args: { input: t.arg({ type: SignUpInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      spendPasswordCheck(context);
      return loggedIn(context, await signUp(authDeps(context), input, context.client));
    },
  }),
  logIn: t.field({
    type: AuthPayload,
    description:
      'Exchanges an email and password for tokens. Failed attempts are throttled per account and per client address (RateLimitedError says when to retry).',
    errors: { types: [ValidationError, InvalidCredentialsError, RateLimitedError] },
    args: { input: t.arg({ type: LogInInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      spendPasswordCheck(context);
      return loggedIn(context, await logIn(authDeps(context), input, context.client));
    },
  }),
  refreshSession: t.field({
    type: AuthPayload,
    description:
      'Exchanges a refresh token for new tokens; the old refresh token stops working. Presenting a used refresh token again revokes that whole session.',
    errors: { types: [UnauthenticatedError] },
    args: { input: t.arg({ type: RefreshSessionInput, required: true }) },
    resolve: async (_root, { input }, context) =>
      loggedIn(context, await rotateSession(context.prisma, authDeps(context), input.refreshToken, context.client)),
  }),
  logOut: t.field({
    type: LogOutPayload,
    description: 'Ends this session: its access and refresh tokens stop working at once.',
    authScopes: { authenticated: true },
    resolve: async (_root, _args, context) => {
      await endSession(context.prisma, context.viewer!.id, context.viewer!.sessionId);
      return { loggedOut: true };
    },
  }),
  logOutEverywhere: t.field({
    type: LogOutPayload,
    description: 'Ends every session of your account, on every device.',
    authScopes: { authenticated: true },
    resolve: async (_root, _args, context) => {
      await logOutEverywhere(context.prisma, context.viewer!);
      return { loggedOut: true };
    },
  }),
  changePassword: t.field({
    type: AuthPayload,
    description: 'Changes your password after checking the current one. Every other session ends; this one gets new tokens.',
    authScopes: { authenticated: true },
    errors: { types: [ValidationError, RateLimitedError] },
    args: { input: t.arg({ type: ChangePasswordInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      spendPasswordCheck(context);
      return loggedIn(context, await changePassword(authDeps(context), context.viewer!, input, context.client));
    },
  }),
  updateProfile: t.field({
    type: UpdateProfilePayload,
    description: 'Changes your name or email.',
    authScopes: { authenticated: true },
    errors: { types: [ValidationError, ConflictError, RateLimitedError] },
    args: { input: t.arg({ type: UpdateProfileInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      if (input.email != null) spendPasswordCheck(context);
      return { user: await updateProfile(authDeps(context), context.viewer!, input, context.client) };
    },
  }),
  deactivateAccount: t.field({
    type: DeactivateAccountPayload,
    description: 'Deactivates your account after checking your password; all its tokens stop working.',
    authScopes: { authenticated: true },
    errors: { types: [ValidationError, RateLimitedError] },
    args: { input: t.arg({ type: DeactivateAccountInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      spendPasswordCheck(context);
      await deactivateAccount(authDeps(context), context.viewer!, input, context.client);
      return { deactivated: true };
    },
  }),
}));
