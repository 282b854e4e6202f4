// Measures the per-request session check three ways in one process, on PostgreSQL: through
// Prisma's query builder (what Trackr did), Prisma's $queryRaw, and a plain prepared pg statement
// (what src/auth/viewer.ts does now). 8 concurrent callers, CPU time of this process per check.
// usage: npx tsx bench/session-check.ts   (PG at BENCH_PG_URL or postgresql://postgres@127.0.0.1:5432/postgres)
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { sessionCheck } from '../src/auth/viewer.js';
import { openDatabase } from '../src/db/client.js';
import { migrate } from '../src/db/migrate.js';
import { idOf } from '../src/domain/ids.js';
import { createLogger } from '../src/logger.js';

const admin = process.env.BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const name = `trackr_session_check_${process.pid}`;
const withAdmin = async (sql: string) => {
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
};
await withAdmin(`CREATE DATABASE "${name}"`);
const url = new URL(admin);
url.pathname = `/${name}`;
const db = await openDatabase(
  { databaseUrl: url.toString(), dataDir: '.data', poolSize: 10, connectTimeoutMs: 5000 },
  createLogger('warn'),
);
try {
  await migrate(db.pool, () => {});
  const user = await db.prisma.user.create({ data: { email: `${randomUUID()}@bench.test`, name: 'Bench', passwordHash: 'x' } });
  const session = await db.prisma.refreshSession.create({
    data: {
      userId: user.id,
      familyId: randomUUID(),
      tokenHash: randomUUID(),
      expiresAt: new Date(Date.now() + 86_400_000),
      ip: '127.0.0.1',
    },
  });
  const claims = { userId: idOf<'User'>(user.id), sessionId: session.id, tokenVersion: user.tokenVersion };
  const isLive = sessionCheck(db);
  const variants: [string, () => Promise<unknown>][] = [
    [
      'prisma findFirst',
      () =>
        db.prisma.refreshSession.findFirst({
          where: {
            id: claims.sessionId,
            userId: claims.userId,
            revokedAt: null,
            user: { isActive: true, tokenVersion: claims.tokenVersion },
          },
          select: { id: true },
        }),
    ],
    [
      'prisma $queryRaw',
      () => db.prisma.$queryRaw`SELECT 1 FROM refresh_sessions s JOIN users u ON u.id = s.user_id
      WHERE s.id = ${claims.sessionId}::uuid AND s.user_id = ${claims.userId}::uuid AND s.revoked_at IS NULL AND u.is_active AND u.token_version = ${claims.tokenVersion}`,
    ],
    ['pg prepared (Trackr)', () => isLive(claims)],
  ];
  const checks = 4000;
  const callers = 8;
  for (let round = 1; round <= 3; round++) {
    for (const [label, check] of variants) {
      for (let i = 0; i < 300; i++) await check();
      const cpu = process.cpuUsage();
      const started = performance.now();
      await Promise.all(
        Array.from({ length: callers }, async () => {
          for (let i = 0; i < checks / callers; i++) await check();
        }),
      );
      const used = process.cpuUsage(cpu);
      console.log(
        `round ${round}  ${label.padEnd(22)} ${((used.user + used.system) / checks).toFixed(0).padStart(4)} µs CPU/check  ${(((performance.now() - started) * 1000) / checks).toFixed(0).padStart(4)} µs wall/check`,
      );
    }
  }
} finally {
  await db.close();
  await withAdmin(`DROP DATABASE "${name}"`);
}
