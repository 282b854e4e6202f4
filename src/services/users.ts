// Accounts: sign-up, log-in, password and profile changes. Emails are compared case-insensitively
// (stored lower-cased). Every path that checks a password is throttled and costs the same bcrypt
// work whether or not the account exists.
import { z } from 'zod';
import type { Config } from '../config.js';
import type { LoginThrottle } from '../auth/login-throttle.js';
import { hashPassword, passwordSchema, verifyAgainstDummy, verifyPassword } from '../auth/passwords.js';
import type { TokenService } from '../auth/tokens.js';
import type { Viewer } from '../auth/viewer.js';
import type { PrismaClient } from '../db/client.js';
import { uniqueOrConflict } from '../db/errors.js';
import { InvalidCredentialsError, parseInput, unclearable, ValidationError } from '../domain/errors.js';
import type { UserId } from '../domain/ids.js';
import type { User } from '../generated/prisma/client.js';
import { withColumns } from './db.js';
import { keepActiveOwners } from './projects.js';
import { endAllSessions, startSession, type ClientInfo, type Session } from './sessions.js';

/** Who calls an account service: the logged-in viewer, and the client they call from (for throttling and the session record). */
export type Caller = { viewer: Viewer; client: ClientInfo };

export type AuthDeps = {
  prisma: PrismaClient;
  tokens: TokenService;
  throttle: LoginThrottle;
  config: Pick<Config, 'bcryptCost' | 'refreshTokenTtlDays'>;
};

const email = z.string().trim().toLowerCase().pipe(z.email('must be a valid email address').max(254));
const name = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');

const signUpInput = z.object({ email, name, password: passwordSchema });

/**
 * Creates an account and logs it in. ValidationError on bad input, ConflictError if the email is
 * taken (which tells that an account exists: so each attempt counts as an email lookup by the
 * address), RateLimitedError past the per-address limits.
 */
export async function signUp(deps: AuthDeps, input: z.input<typeof signUpInput>, client: ClientInfo): Promise<Session> {
  const data = parseInput(signUpInput, input);
  await deps.throttle.admitSignUp(client.ip);
  await deps.throttle.admitEmailLookup(`ip:${client.ip}`);
  const passwordHash = await hashPassword(data.password, deps.config.bcryptCost);
  const user = await uniqueOrConflict(
    () => deps.prisma.user.create({ data: { email: data.email, name: data.name, passwordHash } }),
    'An account with this email already exists',
    'email',
  );
  return startSession(deps.prisma, deps, { user, client });
}

const logInInput = z.object({ email, password: z.string().max(1024) });

/**
 * Checks the password and opens a session. Unknown email, wrong password and deactivated account
 * all give the same InvalidCredentialsError; RateLimitedError past the throttle's limits.
 */
export async function logIn(deps: AuthDeps, input: z.input<typeof logInInput>, client: ClientInfo): Promise<Session> {
  const data = parseInput(logInInput, input);
  await deps.throttle.admit(data.email, client.ip);
  const user = await deps.prisma.user.findUnique({ where: { email: data.email } });
  const ok = user
    ? await verifyPassword(data.password, user.passwordHash)
    : await verifyAgainstDummy(data.password, deps.config.bcryptCost);
  // The failure was counted by admit, before the check.
  if (!user || !ok || !user.isActive) throw new InvalidCredentialsError();
  await deps.throttle.succeeded(data.email, client.ip);
  return startSession(deps.prisma, deps, { user, client });
}

/** The viewer's account, after checking `password` against it (throttled like a login). */
async function requirePassword(
  deps: AuthDeps,
  { viewer, client }: Caller,
  { password, field }: { password: string; field: string },
): Promise<User> {
  const user = await deps.prisma.user.findUniqueOrThrow({ where: { id: viewer.id } });
  await deps.throttle.admit(user.email, client.ip);
  if (!(await verifyPassword(password, user.passwordHash))) throw ValidationError.field(field, 'is not your current password');
  await deps.throttle.succeeded(user.email, client.ip);
  return user;
}

const changePasswordInput = z.object({ currentPassword: z.string().max(1024), newPassword: passwordSchema });

/**
 * Replaces the password after checking the current one, ends every session (all other devices are
 * logged out at once) and opens a fresh one for this client.
 */
export async function changePassword(deps: AuthDeps, caller: Caller, input: z.input<typeof changePasswordInput>): Promise<Session> {
  const { viewer, client } = caller;
  const data = parseInput(changePasswordInput, input);
  if (data.currentPassword === data.newPassword) throw ValidationError.field('newPassword', 'must differ from the current password');
  await requirePassword(deps, caller, { password: data.currentPassword, field: 'currentPassword' });
  const passwordHash = await hashPassword(data.newPassword, deps.config.bcryptCost);
  return deps.prisma.$transaction(async (tx) => {
    const user = await tx.user.update({ where: { id: viewer.id }, data: { passwordHash, tokenVersion: { increment: 1 } } });
    await endAllSessions(tx, viewer.id);
    return startSession(tx, deps, { user, client });
  });
}

const updateProfileInput = z
  .object({ name: unclearable(name), email: unclearable(email), currentPassword: unclearable(z.string().max(1024)) })
  .refine((d) => d.name !== undefined || d.email !== undefined, { error: 'give a name or an email to change', path: ['name'] })
  .refine((d) => d.email === undefined || d.currentPassword !== undefined, {
    error: 'is required to change the email',
    path: ['currentPassword'],
  });

/**
 * Changes the viewer's name and/or email; an email change needs the current password and a free
 * address (ConflictError otherwise, so it counts as an email lookup: RateLimitedError past the limit).
 */
export async function updateProfile(deps: AuthDeps, caller: Caller, input: z.input<typeof updateProfileInput>): Promise<User> {
  const data = parseInput(updateProfileInput, input);
  if (data.email !== undefined) {
    await requirePassword(deps, caller, { password: data.currentPassword!, field: 'currentPassword' });
    await deps.throttle.admitEmailLookup(`user:${caller.viewer.id}`);
  }
  return uniqueOrConflict(
    () => deps.prisma.user.update({ where: { id: caller.viewer.id }, data: { name: data.name, email: data.email } }),
    'An account with this email already exists',
    'email',
  );
}

/** Bumps the token version and ends every session: all of the user's tokens stop working at once. */
export async function logOutEverywhere(prisma: PrismaClient, viewer: Viewer): Promise<void> {
  await prisma.$transaction(async (tx) => {
    await tx.user.update({ where: { id: viewer.id }, data: { tokenVersion: { increment: 1 } } });
    await endAllSessions(tx, viewer.id);
  });
}

const deactivateAccountInput = z.object({ password: z.string().max(1024) });

/**
 * Deactivates the viewer's own account after checking the password; its tokens stop working at
 * once. ConflictError if it is the only active owner of a project (ownership must pass first).
 */
export async function deactivateAccount(deps: AuthDeps, caller: Caller, input: z.input<typeof deactivateAccountInput>): Promise<void> {
  const { viewer } = caller;
  const data = parseInput(deactivateAccountInput, input);
  await requirePassword(deps, caller, { password: data.password, field: 'password' });
  await deps.prisma.$transaction(async (tx) => {
    // The account row first: a transfer of ownership to it finishes before, and is seen below.
    await tx.user.update({ where: { id: viewer.id }, data: { isActive: false, tokenVersion: { increment: 1 } } });
    await keepActiveOwners(tx, viewer.id);
    await endAllSessions(tx, viewer.id);
  });
}

/**
 * The users with these ids, in the order asked, with the caller's selection; null for each missing
 * one. Any logged-in user may see any user's public fields (User.email hides itself). One statement.
 */
export async function findUsers(prisma: PrismaClient, ids: readonly UserId[], query: object): Promise<(User | null)[]> {
  const rows = await prisma.user.findMany({ ...withColumns(query, { id: true }), where: { id: { in: [...new Set(ids)] } } });
  const found = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => found.get(id) ?? null);
}

/**
 * The logged-in user's row with the caller's selection; null when anonymous. A selection of the id
 * alone needs no query: the request's session check has just proven the user exists and is active.
 */
export async function findViewer(prisma: PrismaClient, viewer: Viewer | null, query: { select?: object }): Promise<User | null> {
  if (!viewer) return null;
  if (query.select && Object.keys(query.select).every((field) => field === 'id')) {
    const id: string = viewer.id;
    // Typed as the full row like every selection-shaped result; only the selected id is read.
    return { id } as User;
  }
  return prisma.user.findUnique({ ...query, where: { id: viewer.id } });
}
