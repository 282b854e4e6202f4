// Accounts: sign-up and log-in. Emails are compared case-insensitively (stored lower-cased).
import { z } from 'zod';
import type { Config } from '../config.js';
import { hashPassword, passwordSchema, verifyAgainstDummy, verifyPassword } from '../auth/passwords.js';
import type { IssuedToken, TokenService } from '../auth/tokens.js';
import { uniqueOrConflict } from '../db/errors.js';
import { InvalidCredentialsError, parseInput } from '../domain/errors.js';
import type { User } from '../generated/prisma/client.js';
import type { Db } from './db.js';

export type AuthDeps = { db: Db; tokens: TokenService; config: Pick<Config, 'bcryptCost'> };
export type Session = { user: User; accessToken: IssuedToken };

const email = z.string().trim().toLowerCase().pipe(z.email('must be a valid email address').max(254));

const signUpInput = z.object({
  email,
  name: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  password: passwordSchema,
});

/** Creates an account and logs it in. ValidationError on bad input, ConflictError if the email is taken. */
export async function signUp(deps: AuthDeps, input: unknown): Promise<Session> {
  const data = parseInput(signUpInput, input);
  const passwordHash = await hashPassword(data.password, deps.config.bcryptCost);
  const user = await uniqueOrConflict(
    () => deps.db.user.create({ data: { email: data.email, name: data.name, passwordHash } }),
    'An account with this email already exists',
    'email',
  );
  return { user, accessToken: await deps.tokens.issue(user.id, user.tokenVersion) };
}

const logInInput = z.object({ email, password: z.string().max(1024) });

/**
 * Checks the password and issues an access token. Unknown email, wrong password and deactivated
 * account all give the same InvalidCredentialsError after the same amount of bcrypt work.
 */
export async function logIn(deps: AuthDeps, input: unknown): Promise<Session> {
  const data = parseInput(logInInput, input);
  const user = await deps.db.user.findUnique({ where: { email: data.email } });
  const ok = user
    ? await verifyPassword(data.password, user.passwordHash)
    : await verifyAgainstDummy(data.password, deps.config.bcryptCost);
  if (!user || !ok || !user.isActive) throw new InvalidCredentialsError();
  return { user, accessToken: await deps.tokens.issue(user.id, user.tokenVersion) };
}
