// Applies prisma/migrations/<name>/migration.sql in order: one transaction per migration, under
// Prisma's own advisory lock so replicas (and `prisma migrate deploy`) never race, with Prisma's
// `_prisma_migrations` bookkeeping so Prisma's CLI agrees with what we did.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type pg from 'pg';

/** The advisory lock key Prisma Migrate itself takes. */
const PRISMA_MIGRATE_LOCK = 72707369;
export const MIGRATIONS_DIR = resolve('prisma/migrations');

export type Migration = { name: string; sql: string; checksum: string };
export type MigrateResult = { applied: string[]; alreadyApplied: number };

export class MigrationError extends Error {}

/** Reads the migration folders in name order (their timestamp prefixes sort chronologically). */
export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  if (!existsSync(dir)) throw new MigrationError(`No migrations folder at ${dir}`);
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: sha256(sql) };
    });
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Like Prisma, accept a migration whose line endings a checkout converted (LF <-> CRLF). */
const checksums = (sql: string) => [sha256(sql), sha256(sql.replace(/\r\n/g, '\n')), sha256(sql.replace(/\r?\n/g, '\r\n'))];

/**
 * Brings the database up to date. Refuses (MigrationError) when an applied migration was edited
 * or deleted, or an earlier run failed half-way; a failing migration is rolled back whole.
 */
export async function migrate(
  pool: pg.Pool,
  log: (message: string) => void = () => {},
  migrations = readMigrations(),
): Promise<MigrateResult> {
  const client = await pool.connect();
  let failure: Error | undefined;
  try {
    // Waiting for another replica's migrations, or building an index over a large table, may take
    // longer than any request may: no statement timeout while migrating (RESET restores the
    // session's own before the connection goes back to the pool).
    await client.query('SET statement_timeout = 0');
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK]);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
        "id" VARCHAR(36) PRIMARY KEY NOT NULL,
        "checksum" VARCHAR(64) NOT NULL,
        "finished_at" TIMESTAMPTZ,
        "migration_name" VARCHAR(255) NOT NULL,
        "logs" TEXT,
        "rolled_back_at" TIMESTAMPTZ,
        "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
        "applied_steps_count" INTEGER NOT NULL DEFAULT 0
      )`);
      const { rows } = await client.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
        `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
      );
      const applied = new Map(rows.map((r) => [r.migration_name, r]));
      const known = new Set(migrations.map((m) => m.name));
      for (const row of rows) {
        if (!row.finished_at) {
          throw new MigrationError(
            `Migration ${row.migration_name} failed earlier and was not resolved; fix the database, then mark it rolled back in _prisma_migrations.`,
          );
        }
        if (!known.has(row.migration_name)) {
          throw new MigrationError(`Migration ${row.migration_name} is applied to the database but missing from ${MIGRATIONS_DIR}.`);
        }
      }
      const done: string[] = [];
      for (const m of migrations) {
        const row = applied.get(m.name);
        if (row) {
          if (!checksums(m.sql).includes(row.checksum)) {
            throw new MigrationError(
              `Migration ${m.name} was edited after it was applied (checksum differs). Add a new migration instead.`,
            );
          }
          continue;
        }
        await client.query('BEGIN');
        try {
          // PGlite serves every connection from one session, so there the advisory lock excludes
          // nothing; pglite-socket does run one transaction at a time, so look again inside it.
          const again = await client.query(`SELECT 1 FROM "_prisma_migrations" WHERE migration_name = $1 AND rolled_back_at IS NULL`, [
            m.name,
          ]);
          if (again.rowCount) {
            await client.query('COMMIT');
            continue;
          }
          log(`applying migration ${m.name}`);
          await client.query(m.sql);
          await client.query(
            `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, finished_at, applied_steps_count) VALUES ($1, $2, $3, now(), 1)`,
            [randomUUID(), m.checksum, m.name],
          );
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw new MigrationError(`Migration ${m.name} failed and was rolled back: ${(error as Error).message}`);
        }
        done.push(m.name);
      }
      return { applied: done, alreadyApplied: migrations.length - done.length };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_LOCK]);
      await client.query('RESET statement_timeout');
    }
  } catch (error) {
    failure = error as Error;
    throw error;
  } finally {
    // A connection that failed mid-way is discarded rather than returned to the pool.
    client.release(failure);
  }
}
