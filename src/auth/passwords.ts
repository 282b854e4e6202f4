// Password hashing off the event loop: a worker pool sized to the cores runs bcryptjs, so a burst
// of logins never stalls other requests.
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { z } from 'zod';

/** NIST 800-63B: at least 8 characters; bcrypt ignores bytes past 72, so refuse rather than truncate. */
export const passwordSchema = z
  .string()
  .min(8, 'must be at least 8 characters')
  .refine((p) => Buffer.byteLength(p, 'utf8') <= 72, 'must be at most 72 bytes (bcrypt ignores the rest)');

type Task = { op: 'hash'; password: string; cost: number } | { op: 'compare'; password: string; hash: string };

let pool: Piscina<Task, string | boolean> | undefined;
const workers = () =>
  (pool ??= new Piscina({
    filename: new URL('./password-worker.mjs', import.meta.url).href,
    maxThreads: availableParallelism(),
    idleTimeout: 60_000,
  }));

export async function hashPassword(password: string, cost: number): Promise<string> {
  return (await workers().run({ op: 'hash', password, cost })) as string;
}

export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  return (await workers().run({ op: 'compare', password, hash })) as boolean;
}

const dummyHashes = new Map<number, Promise<string>>();
const dummyHash = (cost: number) => {
  if (!dummyHashes.has(cost)) dummyHashes.set(cost, hashPassword('trackr-dummy-password', cost));
  return dummyHashes.get(cost)!;
};

/**
 * Builds the dummy hash for `cost` ahead of the first login (createApp awaits it): built on demand,
 * it would make the first unknown-email login a hash slower than a wrong password, and so tell.
 */
export async function prepareDummyHash(cost: number): Promise<void> {
  await dummyHash(cost);
}

/**
 * Spends the same time as a real check when the account does not exist, so response time does
 * not tell an attacker which emails are registered. Still correct if called before prepareDummyHash.
 */
export async function verifyAgainstDummy(password: string, cost: number): Promise<false> {
  await verifyPassword(password, await dummyHash(cost));
  return false;
}

export async function closePasswordWorkers(): Promise<void> {
  await pool?.destroy();
  pool = undefined;
}
