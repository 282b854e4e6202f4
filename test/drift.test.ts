// The hand-written migrations must build exactly the database schema.prisma describes: otherwise
// Prisma Client would query columns that don't exist (or miss constraints we rely on).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../src/db/client.js';
import { migrate } from '../src/db/migrate.js';
import { catalogFromSchema, diffCatalogs, readCatalog, type Catalog } from './helpers/catalog.js';
import { createEmptyDatabase, type EmptyDatabase } from './helpers/db.js';

describe('migrations vs schema.prisma', () => {
  let db: EmptyDatabase;
  let migrated: Catalog;

  beforeAll(async () => {
    db = await createEmptyDatabase();
    const pool = createPool(db.url, { poolSize: 1, connectTimeoutMs: 10_000 });
    try {
      await migrate(pool);
      migrated = await readCatalog(pool);
    } finally {
      await pool.end();
    }
  });
  afterAll(() => db?.drop());

  it('a freshly migrated database has exactly the tables, columns, indexes and foreign keys of the schema', () => {
    const drift = diffCatalogs(catalogFromSchema(), migrated);
    expect(drift, `Migrations and prisma/schema.prisma disagree:\n  ${drift.join('\n  ')}\n`).toEqual([]);
  });

  // Guards the guard: a comparison that sees nothing would pass forever. Edits an in-memory copy.
  it('would fail for a schema change that has no migration', () => {
    const schema = readFileSync('prisma/schema.prisma', 'utf8');
    const edited = schema
      .replace(/(model Issue \{\n)/, '$1  driftProbe String? @map("drift_probe") @db.VarChar(3)\n')
      .replace('@@map("issues")', '@@index([driftProbe])\n  @@map("issues")');
    expect(diffCatalogs(catalogFromSchema(edited), migrated)).toEqual([
      'column issues.drift_probe: in schema.prisma (character varying(3)) but not in the migrated database',
      'index issues_drift_probe_idx: in schema.prisma (index issues(drift_probe)) but not in the migrated database',
    ]);
  });

  it('compares Unsupported columns and index access methods too', () => {
    const schema = readFileSync('prisma/schema.prisma', 'utf8');
    const edited = schema
      .replace('@@index([searchVector], type: Gin)', '@@index([searchVector])')
      .replace('searchVector Unsupported("tsvector")?', 'searchVector Unsupported("tsvector")');
    expect(diffCatalogs(catalogFromSchema(edited), migrated)).toEqual([
      'column issues.search_vector: schema.prisma says "tsvector NOT NULL", migrated database has "tsvector"',
      'index issues_search_vector_idx: schema.prisma says "index issues(search_vector)", migrated database has "index using gin issues(search_vector)"',
    ]);
  });
});
