// Retry-safe creates. A client that sends an idempotency key with a create (createIssue,
// addComment, createProject) may retry it after a timeout or a dropped connection: the same key with
// the same input gives back what the first request created, however many requests arrive and
// however close together, and the same key with another input is refused.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ConflictError } from '../domain/errors.js';
import type { Prisma } from '../generated/prisma/client.js';

/** How long a key is remembered: a retry within this window replays, a later reuse creates anew. */
export const IDEMPOTENCY_WINDOW_HOURS = 24;

/** The optional `idempotencyKey` of a create's input: any string a client generates per user action (a UUID is ideal). */
export const idempotencyKeyField = z.string().trim().min(1, 'must not be empty').max(255, 'must be at most 255 characters');

export type IdempotentRequest = {
  /** The client's key; without one the create simply runs. */
  key: string | undefined;
  /** The mutation, so one key cannot be replayed as another operation. */
  operation: string;
  /** The parsed input (the key itself left out), compared by hash with the first request's. */
  input: unknown;
};

const hashOf = (operation: string, input: unknown) =>
  createHash('sha256')
    .update(JSON.stringify([operation, input]))
    .digest('hex');

/** How to make the object, and how to read back the one a first request made. */
export type Creation<T> = { create: () => Promise<T>; replay: (id: string) => Promise<T> };

/**
 * Runs `create` at most once per viewer and key, inside the caller's transaction `tx`: returns what
 * it created, or (`replay`) what the first request with this key created. The key is claimed by
 * inserting it: a second request with the same key waits on that insert until the first commits
 * (then replays) or rolls back (then creates). ConflictError if the key was used with another
 * operation or input.
 */
export async function createOnce<T extends { id: string }>(
  tx: Prisma.TransactionClient,
  request: IdempotentRequest & { userId: string },
  { create, replay }: Creation<T>,
): Promise<T> {
  const { userId } = request;
  if (request.key === undefined) return create();
  const { key, operation } = request;
  const requestHash = hashOf(operation, request.input);
  await tx.$executeRaw`DELETE FROM idempotency_keys
    WHERE user_id = ${userId}::uuid AND created_at < now() - make_interval(hours => ${IDEMPOTENCY_WINDOW_HOURS})`;
  const claimed = await tx.$executeRaw`INSERT INTO idempotency_keys (user_id, key, operation, request_hash)
    VALUES (${userId}::uuid, ${key}, ${operation}, ${requestHash}) ON CONFLICT DO NOTHING`;
  if (claimed === 1) {
    const created = await create();
    await tx.idempotencyKey.update({ where: { userId_key: { userId, key } }, data: { resultId: created.id } });
    return created;
  }
  const first = await tx.idempotencyKey.findUniqueOrThrow({ where: { userId_key: { userId, key } } });
  if (first.operation !== operation || first.requestHash !== requestHash || first.resultId === null) {
    throw new ConflictError(
      `The idempotency key "${key}" was already used for a different ${first.operation === operation ? 'input' : 'operation'}`,
    );
  }
  return replay(first.resultId);
}
