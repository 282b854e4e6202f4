// Server E, the stack's own ceiling: graphql-yoga + Pothos + plugin-prisma + Prisma 7 (adapter-pg)
// over the same database and the same generated Prisma client as Trackr, with none of Trackr's
// rules (schema.ts). B/E is what Trackr's own code costs on top of its stack, as B/A is what the
// stack costs on top of the database. The pool is Trackr's (createPool: same size, statement
// timeout and generic plans) and statements are named as Trackr names them, so that connection
// tuning is not counted as "Trackr's code". Reads only. It takes Trackr's very requests: the viewer
// is the subject of the bearer token, read WITHOUT verifying it (no signature, expiry or session
// check: that is auth work, one of the rules E leaves out). The yoga instance is built in app.ts.
// Env: DATABASE_URL, PORT, DATABASE_POOL_SIZE.
import { createServer } from 'node:http';
import { createCeiling } from './app.js';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) throw new Error('ceiling server: DATABASE_URL is required');
const { yoga, close } = createCeiling(databaseUrl, Number(process.env.DATABASE_POOL_SIZE ?? 10));

// Yoga is a request listener; wrapped so that the promise it returns is handled.
const server = createServer((req, res) => void yoga(req, res));
server.listen(Number(process.env.PORT ?? 4715), '127.0.0.1');
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void close().finally(() => process.exit(0));
});
