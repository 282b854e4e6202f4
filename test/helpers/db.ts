// Test databases: one per vitest worker, cloned from the migrated template (PostgreSQL) or an
// in-memory PGlite per test file (embedded mode). Also fresh empty databases for migration tests.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { startEmbedded } from '../../src/db/embedded.js';
import { migrate } from '../../src/db/migrate.js';

export type TestDatabaseInfo = { mode: 'embedded' } | { mode: 'postgres'; server: string; template: string; runId: string };

/** `server` with its database name replaced. */
export function databaseUrl(server: string, database: string): string {
  const url = new URL(server);
  url.pathname = `/${database}`;
  return url.toString();
}

let workerUrl: Promise<string> | undefined;

/** The migrated database this worker's tests share (tests keep to their own users and projects). */
export function workerDatabaseUrl(): Promise<string> {
  workerUrl ??= createWorkerDatabase();
  return workerUrl;
}

async function createWorkerDatabase(): Promise<string> {
  const info = inject('testDb');
  if (info.mode === 'embedded') {
    const embedded = await startEmbedded('memory://', 20);
    const pool = new pg.Pool({ connectionString: embedded.url, max: 1 });
    await migrate(pool);
    await pool.end();
    return embedded.url;
  }
  const name = `trackr_test_${info.runId}_w${process.env.VITEST_POOL_ID ?? '0'}`;
  await withAdmin(info.server, async (admin) => {
    // Cloning needs the template to itself; serialise clones across workers.
    await admin.query('SELECT pg_advisory_lock(hashtext($1))', [info.template]);
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${info.template}"`);
    await admin.query('SELECT pg_advisory_unlock(hashtext($1))', [info.template]);
  });
  return databaseUrl(info.server, name);
}

export type EmptyDatabase = { url: string; drop(): Promise<void> };

/** A brand-new database with nothing in it, not even migrations. */
export async function createEmptyDatabase(): Promise<EmptyDatabase> {
  const info = inject('testDb');
  if (info.mode === 'embedded') {
    const embedded = await startEmbedded('memory://', 20);
    return { url: embedded.url, drop: () => embedded.stop() };
  }
  const name = `trackr_test_${info.runId}_e${randomBytes(4).toString('hex')}`;
  await withAdmin(info.server, (admin) => admin.query(`CREATE DATABASE "${name}"`));
  return {
    url: databaseUrl(info.server, name),
    drop: async () => {
      await withAdmin(info.server, (admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

async function withAdmin<T>(server: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}
