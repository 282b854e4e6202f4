// Prepares the test databases once per run. On PostgreSQL (TEST_DATABASE_URL or DATABASE_URL) it
// migrates a template database that each worker clones; with neither, workers use in-memory PGlite.
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrate } from '../../src/db/migrate.js';
import { databaseUrl, type TestDatabaseInfo } from './db.js';

declare module 'vitest' {
  export interface ProvidedContext {
    testDb: TestDatabaseInfo;
  }
}

export default async function setup(project: TestProject) {
  const server = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!server) {
    project.provide('testDb', { mode: 'embedded' });
    console.log('[test] no TEST_DATABASE_URL/DATABASE_URL: running on in-memory PGlite');
    return;
  }
  const runId = `${process.pid}_${Date.now().toString(36)}`;
  const template = `trackr_test_${runId}_template`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${template}"`);
  const pool = new pg.Pool({ connectionString: databaseUrl(server, template), max: 1 });
  try {
    await migrate(pool);
  } finally {
    await pool.end();
  }
  project.provide('testDb', { mode: 'postgres', server, template, runId });
  console.log(`[test] running on PostgreSQL ${new URL(server).host}, template ${template}`);

  return async () => {
    const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [
      `trackr_test_${runId}_%`,
    ]);
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    await admin.end();
  };
}
