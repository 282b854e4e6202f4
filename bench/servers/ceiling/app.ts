// Server E's yoga instance and its Prisma client (see server.ts, which serves it over HTTP); also
// called in-process by bench/overhead.ts, which compares its CPU per request with Trackr's.
import { createHash } from 'node:crypto';
import { createYoga } from 'graphql-yoga';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../../src/generated/prisma/client.js';
import { createPool } from '../../../src/db/client.js';
import { schema, type CeilingContext } from './schema.js';

export type Ceiling = { yoga: ReturnType<typeof createYoga<Record<string, unknown>, CeilingContext>>; close: () => Promise<void> };

/** E over `databaseUrl`: Trackr's pool settings and statement names, yoga's defaults, no rules. */
export function createCeiling(databaseUrl: string, poolSize: number): Ceiling {
  const pool = createPool(databaseUrl, { poolSize, connectTimeoutMs: 5000, statementTimeoutMs: 5000 }, { genericPlans: true });
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
  return { yoga, close: () => prisma.$disconnect().finally(() => pool.end()) };
}

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
