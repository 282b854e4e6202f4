// src/db/migrate.ts against real databases: bookkeeping Prisma's CLI can read, and the refusals
// that keep a production database from silently diverging from prisma/migrations.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createPool } from '../src/db/client.js';
import { MIGRATIONS_DIR, MigrationError, migrate, readMigrations, type Migration } from '../src/db/migrate.js';
import { createEmptyDatabase } from './helpers/db.js';

const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');
const migration = (name: string, sql: string): Migration => ({ name, sql, checksum: sha256(sql) });
/** Sorts after every real migration, like a migration added later would. */
const later = (name: string, sql: string) => migration(`29991231000000_${name}`, sql);

type Row = { migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null; applied_steps_count: number };
const bookkeeping = async (pool: pg.Pool) =>
  (
    await pool.query<Row>(`SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count
    FROM "_prisma_migrations" ORDER BY started_at, migration_name`)
  ).rows;
const tableExists = async (pool: pg.Pool, name: string) =>
  (await pool.query<{ oid: string | null }>('SELECT to_regclass($1)::text AS oid', [name])).rows[0].oid !== null;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A brand-new empty database and `count` independent pools on it, all dropped after the test. */
async function emptyDatabase(count = 1): Promise<pg.Pool[]> {
  const db = await createEmptyDatabase();
  cleanups.push(() => db.drop());
  const pools = Array.from({ length: count }, () => createPool(db.url, { poolSize: 2, connectTimeoutMs: 10_000 }));
  cleanups.push(async () => {
    await Promise.all(pools.map((p) => p.end()));
  });
  return pools;
}

describe('migrate', () => {
  const real = readMigrations();
  const names = real.map((m) => m.name);

  it('migrates a fresh database, records each migration like Prisma does, and is idempotent', async () => {
    const folders = readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    expect(names).toEqual(folders);
    const [pool] = await emptyDatabase();

    expect(await migrate(pool)).toEqual({ applied: names, alreadyApplied: 0 });
    const rows = await bookkeeping(pool);
    expect(rows).toEqual(
      folders.map((name) => ({
        migration_name: name,
        // Prisma's checksum: sha256 of the file's bytes, hex.
        checksum: sha256(readFileSync(join(MIGRATIONS_DIR, name, 'migration.sql'))),
        finished_at: expect.any(Date) as unknown,
        rolled_back_at: null,
        applied_steps_count: 1,
      })),
    );

    expect(await migrate(pool)).toEqual({ applied: [], alreadyApplied: names.length });
    expect(await bookkeeping(pool)).toEqual(rows);
  });

  it('refuses an applied migration whose SQL was edited afterwards', async () => {
    const [pool] = await emptyDatabase();
    await migrate(pool);
    const target = real.at(-1)!;
    const edited = real.map((m) => (m === target ? migration(m.name, `${m.sql}\n-- an afterthought\n`) : m));

    const run = migrate(pool, undefined, edited);
    await expect(run).rejects.toThrow(MigrationError);
    await expect(run).rejects.toThrow(`Migration ${target.name} was edited after it was applied`);
  });

  it('rolls a failing migration back whole and records nothing for it', async () => {
    const [pool] = await emptyDatabase();
    const broken = later(
      'broken',
      'CREATE TABLE partial_a (id int);\nCREATE TABLE partial_b (id int);\nSELECT no_such_column FROM partial_a;',
    );

    const run = migrate(pool, undefined, [...real, broken]);
    await expect(run).rejects.toThrow(MigrationError);
    await expect(run).rejects.toThrow(`Migration ${broken.name} failed and was rolled back`);
    expect(await tableExists(pool, 'partial_a')).toBe(false);
    expect(await tableExists(pool, 'partial_b')).toBe(false);
    expect((await bookkeeping(pool)).map((r) => r.migration_name)).toEqual(names);

    // Nothing is left behind to trip over: the fixed migration applies cleanly on the next start.
    const fixed = later('broken', 'CREATE TABLE partial_a (id int);\nCREATE TABLE partial_b (id int);');
    expect(await migrate(pool, undefined, [...real, fixed])).toEqual({ applied: [fixed.name], alreadyApplied: names.length });
  });

  it('applies each migration exactly once when two replicas start together', async () => {
    const pools = await emptyDatabase(2);
    await Promise.all(pools.map((p) => p.query('SELECT 1')));
    // A slow extra migration widens the window in which an unlocked second runner would collide.
    const slow = later('slow', 'CREATE TABLE concurrency_probe (id int);\nSELECT pg_sleep(0.3);');
    const all = [...real, slow];

    const results = await Promise.all(pools.map((pool) => migrate(pool, undefined, all)));
    expect(results.flatMap((r) => r.applied).sort()).toEqual(all.map((m) => m.name).sort());
    expect((await bookkeeping(pools[0])).map((r) => r.migration_name)).toEqual(all.map((m) => m.name));
  });

  it('refuses a database that has a migration this code does not know', async () => {
    const [pool] = await emptyDatabase();
    const newer = later('from_a_newer_release', 'CREATE TABLE from_the_future (id int);');
    await migrate(pool, undefined, [...real, newer]);

    const run = migrate(pool);
    await expect(run).rejects.toThrow(MigrationError);
    await expect(run).rejects.toThrow(`Migration ${newer.name} is applied to the database but missing from`);
  });

  it('refuses a database where an earlier migration run failed half-way (as Prisma records it)', async () => {
    const [pool] = await emptyDatabase();
    await migrate(pool);
    const half = later('half_done', 'SELECT 1;');
    await pool.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, logs) VALUES (gen_random_uuid()::text, $1, $2, 'boom')`,
      [half.checksum, half.name],
    );

    await expect(migrate(pool, undefined, [...real, half])).rejects.toThrow(`Migration ${half.name} failed earlier and was not resolved`);
  });
});
