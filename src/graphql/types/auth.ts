import { builder } from '../builder.js';
import { actAs, spendPasswordCheck, type AuthenticatedContext, type GraphQLContext } from '../context.js';
import { mutation, publicMutation } from '../mutations.js';
import { UserRef } from './user.js';
import { rotateSession, endSession, type Session } from '../../services/sessions.js';
import {
  changePassword,
  deactivateAccount,
  logIn,
  logOutEverywhere,
  signUp,
  updateProfile,
  type AuthDeps,
  type Caller,
} from '../../services/users.js';
import { ConflictError, InvalidCredentialsError, RateLimitedError, UnauthenticatedError, ValidationError } from '../../domain/errors.js';
import { idOf } from '../../domain/ids.js';
import type { User } from '../../generated/prisma/client.js';

const AuthPayload = builder.objectRef<Session>('AuthPayload').implement({
  description:
    'A logged-in session. Send `accessToken` as `Authorization: Bearer <token>`; before it expires, exchange `refreshToken` with `refreshSession` for new tokens (each refresh token works once).',
  fields: (t) => ({
    accessToken: t.string({
      description: 'A JWT for the Authorization header; valid for 30 minutes.',
      resolve: (s) => s.accessToken.token,
    }),
    accessTokenExpiresAt: t.field({ type: 'DateTime', resolve: (s) => s.accessToken.expiresAt }),
    refreshToken: t.string({
      description: 'Single-use: exchange it with refreshSession for new tokens. Keep it secret.',
      resolve: (s) => s.refreshToken.token,
    }),
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

/** Who calls an account mutation: the viewer and the client they call from. */
const caller = (context: AuthenticatedContext): Caller => ({ viewer: context.viewer, client: context.client });

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
  signUp: publicMutation(t, {
    payload: AuthPayload,
    description: 'Creates an account and logs it in.',
    errors: [ValidationError, ConflictError, RateLimitedError],
    input: SignUpInput,
    resolve: async (input, context) => {
      spendPasswordCheck(context);
      return loggedIn(context, await signUp(authDeps(context), input, context.client));
    },
  }),
  logIn: publicMutation(t, {
    payload: AuthPayload,
    description:
      'Exchanges an email and password for tokens. Failed attempts are throttled per account and per client address (RateLimitedError says when to retry).',
    errors: [ValidationError, InvalidCredentialsError, RateLimitedError],
    input: LogInInput,
    resolve: async (input, context) => {
      spendPasswordCheck(context);
      return loggedIn(context, await logIn(authDeps(context), input, context.client));
    },
  }),
  refreshSession: publicMutation(t, {
    payload: AuthPayload,
    description:
      'Exchanges a refresh token for new tokens; the old refresh token stops working. Presenting a used refresh token again revokes that whole session.',
    errors: [UnauthenticatedError],
    input: RefreshSessionInput,
    resolve: async (input, context) => loggedIn(context, await rotateSession(authDeps(context), input.refreshToken, context.client)),
  }),
  // No input: these two act on the token they are called with.
  logOut: t.withAuth({ authenticated: true }).field({
    type: LogOutPayload,
    description: 'Ends this session: its access and refresh tokens stop working at once.',
    resolve: async (_root, _args, context) => {
      await endSession(context.prisma, context.viewer.id, context.viewer.sessionId);
      return { loggedOut: true };
    },
  }),
  logOutEverywhere: t.withAuth({ authenticated: true }).field({
    type: LogOutPayload,
    description: 'Ends every session of your account, on every device.',
    resolve: async (_root, _args, context) => {
      await logOutEverywhere(context.prisma, context.viewer);
      return { loggedOut: true };
    },
  }),
  changePassword: mutation(t, {
    payload: AuthPayload,
    description: 'Changes your password after checking the current one. Every other session ends; this one gets new tokens.',
    errors: [ValidationError, RateLimitedError],
    input: ChangePasswordInput,
    resolve: async (input, context) => {
      spendPasswordCheck(context);
      return loggedIn(context, await changePassword(authDeps(context), caller(context), input));
    },
  }),
  updateProfile: mutation(t, {
    payload: UpdateProfilePayload,
    description: 'Changes your name or email.',
    errors: [ValidationError, ConflictError, RateLimitedError],
    input: UpdateProfileInput,
    resolve: async (input, context) => {
      if (input.email != null) spendPasswordCheck(context);
      return { user: await updateProfile(authDeps(context), caller(context), input) };
    },
  }),
  deactivateAccount: mutation(t, {
    payload: DeactivateAccountPayload,
    description:
      'Deactivates your account after checking your password; all its tokens stop working. ConflictError while you are the only active owner of a project: make someone else owner first.',
    errors: [ValidationError, RateLimitedError, ConflictError],
    input: DeactivateAccountInput,
    resolve: async (input, context) => {
      spendPasswordCheck(context);
      await deactivateAccount(authDeps(context), caller(context), input);
      return { deactivated: true };
    },
  }),
}));
