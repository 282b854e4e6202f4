import { builder } from '../builder.js';
import { actAs, type GraphQLContext } from '../context.js';
import { UserRef } from './user.js';
import { logIn, signUp, type Session } from '../../services/users.js';
import { ConflictError, InvalidCredentialsError, ValidationError } from '../../domain/errors.js';

const AuthPayload = builder.objectRef<Session>('AuthPayload').implement({
  description: 'A logged-in session: send `accessToken` as `Authorization: Bearer <token>`.',
  fields: (t) => ({
    accessToken: t.string({ resolve: (s) => s.accessToken.token }),
    accessTokenExpiresAt: t.field({ type: 'DateTime', resolve: (s) => s.accessToken.expiresAt }),
    user: t.field({ type: UserRef, resolve: (s) => s.user }),
  }),
});

const authDeps = (context: GraphQLContext) => ({ db: context.prisma, tokens: context.tokens, config: context.config });

function loggedIn(context: GraphQLContext, session: Session): Session {
  actAs(context, { id: session.user.id });
  return session;
}

const SignUpInput = builder.inputType('SignUpInput', {
  fields: (t) => ({
    email: t.string({ required: true }),
    name: t.string({ required: true }),
    password: t.string({ required: true, description: '8 characters to 72 bytes.' }),
  }),
});

const LogInInput = builder.inputType('LogInInput', {
  fields: (t) => ({
    email: t.string({ required: true }),
    password: t.string({ required: true }),
  }),
});

builder.mutationField('signUp', (t) =>
  t.field({
    type: AuthPayload,
    description: 'Creates an account and logs it in.',
    errors: { types: [ValidationError, ConflictError] },
    args: { input: t.arg({ type: SignUpInput, required: true }) },
    resolve: async (_root, { input }, context) => loggedIn(context, await signUp(authDeps(context), input)),
  }),
);

builder.mutationField('logIn', (t) =>
  t.field({
    type: AuthPayload,
    description: 'Exchanges an email and password for an access token.',
    errors: { types: [ValidationError, InvalidCredentialsError] },
    args: { input: t.arg({ type: LogInInput, required: true }) },
    resolve: async (_root, { input }, context) => loggedIn(context, await logIn(authDeps(context), input)),
  }),
);
