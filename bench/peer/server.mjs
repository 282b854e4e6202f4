// Server C, the peer: PostGraphile V5 with its amber preset over schema public, served by
// grafserv on node:http. Run with the Node 22 from bench/peer/node_modules (PostGraphile 5 needs it).
// Env: DATABASE_URL, PORT; PEER_AUTH_SECRET (optional, for a side measurement in NOTES.md): then the
// peer does Trackr's per-request auth work too (HS256 access token, then the session check in SQL).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import pg from 'pg';
import { postgraphile } from 'postgraphile';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';

const authSecret = process.env.PEER_AUTH_SECRET;
const authPool = authSecret ? new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 }) : undefined;
// An idle connection's error (PostgreSQL restarting) would otherwise end the process.
authPool?.on('error', () => {});
const LIVE_SESSION_SQL = `SELECT 1 FROM refresh_sessions s JOIN users u ON u.id = s.user_id
  WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND u.is_active AND u.token_version = $3`;

/** Trackr's checks on a bearer token: HS256 signature, expiry, then the session row, as Trackr does per request. */
async function authenticate(authorization) {
  if (!authorization) return {}; // anonymous, as Trackr's logIn
  const [header, payload, signature] = /^Bearer (\S+)$/.exec(authorization)?.[1].split('.') ?? [];
  const expected = createHmac('sha256', authSecret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature ?? '', 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Error('invalid token');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
  if (!(claims.exp * 1000 > Date.now())) throw new Error('expired token');
  const live = await authPool.query({ name: 'peer_live_session', text: LIVE_SESSION_SQL, values: [claims.sid, claims.sub, claims.ver] });
  if (live.rowCount !== 1) throw new Error('revoked token');
  return {};
}

const preset = {
  extends: [PostGraphileAmberPreset],
  pgServices: [makePgService({ connectionString: process.env.DATABASE_URL, schemas: ['public'] })],
  grafserv: { graphiql: false, watch: false, maskError: (e) => e },
  grafast: {
    explain: false,
    ...(authSecret && { context: (requestContext) => authenticate(requestContext.node?.req?.headers.authorization) }),
  },
};
const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
server.keepAliveTimeout = 65_000;
serv.addTo(server).then(() => {
  const port = Number(process.env.PORT ?? 4200);
  server.listen(port, '127.0.0.1', () => console.log(`postgraphile listening on ${port}`));
});
const stop = () => server.close(() => void pgl.release().then(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
