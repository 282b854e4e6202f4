// Server E, the stack's own ceiling: graphql-yoga + Pothos + plugin-prisma + Prisma 7 (adapter-pg)
// over the same database and the same generated Prisma client as Trackr, with none of Trackr's
// rules (schema.ts). B/E is what Trackr's own code costs on top of its stack, as B/A is what the
// stack costs on top of the database. The pool is Trackr's (createPool: same size, statement
// timeout and generic plans) and statements are named as Trackr names them, so that connection
// tuning is not counted as "Trackr's code". Reads only. It takes Trackr's very requests: the viewer
// is the subject of the bearer token, read WITHOUT verifying it (no signature, expiry or session
// check: that is auth work, one of the rules E leaves out).
// Env: DATABASE_URL, PORT, DATABASE_POOL_SIZE.
import { createServer } from 'node:http';
import { createHash } from 'node:crypto';
import { createYoga } from 'graphql-yoga';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../../src/generated/prisma/client.js';
import { createPool } from '../../../src/db/client.js';
import { schema, type CeilingContext } from './schema.js';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) throw new Error('ceiling server: DATABASE_URL is required');
const pool = createPool(
  databaseUrl,
  { poolSize: Number(process.env.DATABASE_POOL_SIZE ?? 10), connectTimeoutMs: 5000, statementTimeoutMs: 5000 },
  { genericPlans: true },
);
// An idle connection's error (PostgreSQL restarting) would otherwise end the process.
pool.on('error', () => {});
const names = new Map<string, string>();
const prisma = new PrismaClient({
  adapter: new PrismaPg(pool, {
    statementNameGenerator: ({ sql }) => {
      let name = names.get(sql);
      if (name === undefined) names.set(sql, (name = `ceiling_${createHash('sha1').update(sql).digest('base64url')}`));
      return name;
    },
  }),
});

const yoga = createYoga<Record<string, unknown>, CeilingContext>({
  schema,
  graphqlEndpoint: '/graphql',
  landingPage: false,
  graphiql: false,
  logging: false,
  context: ({ request }) => ({ prisma, viewerId: tokenSubject(request.headers.get('authorization')) }),
});

/** The `sub` claim of a bearer JWT, unverified; null when absent or unreadable. */
function tokenSubject(authorization: string | null): string | null {
  const payload = authorization?.match(/^Bearer [^.]+\.([^.]+)\./)?.[1];
  if (!payload) return null;
  try {
    const { sub } = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { sub?: unknown };
    return typeof sub === 'string' ? sub : null;
  } catch {
    return null;
  }
}

// Yoga is a request listener; wrapped so that the promise it returns is handled.
const server = createServer((req, res) => void yoga(req, res));
server.listen(Number(process.env.PORT ?? 4715), '127.0.0.1');
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void prisma.$disconnect().finally(() => pool.end().finally(() => process.exit(0)));
});
