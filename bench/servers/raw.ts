// Server A, the practical ceiling: node:http + pg with hand-written SQL, answering each benchmark
// operation with its canonical JSON directly. It does the same work as Trackr per request: verifies
// Trackr's access token (jose, key imported once) and checks the session in the database, filters by
// membership in SQL, checks passwords with bcryptjs in worker threads, records history rows.
// POST /<operation> with a JSON body. Env: DATABASE_URL, PORT, JWT_SECRET, JWT_ISSUER, JWT_AUDIENCE.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createSecretKey, randomBytes, randomUUID, createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import pg from 'pg';
import { jwtVerify, SignJWT } from 'jose';
import { Piscina } from 'piscina';

const env = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`raw server: ${name} is required`);
  return value;
};
const pool = new pg.Pool({
  connectionString: env('DATABASE_URL'),
  max: Number(env('DATABASE_POOL_SIZE', '10')),
  connectionTimeoutMillis: 5000,
});
pool.on('error', () => {});
const key = createSecretKey(new TextEncoder().encode(env('JWT_SECRET')));
const issuer = env('JWT_ISSUER', 'trackr');
const audience = env('JWT_AUDIENCE', 'trackr-api');
const bcryptPool = new Piscina<{ password: string; hash: string }, boolean>({
  filename: new URL('./bcrypt-worker.mjs', import.meta.url).href,
  maxThreads: availableParallelism(),
});

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Body = Record<string, unknown>;
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const str = (body: Body, name: string): string => {
  const v = body[name];
  if (typeof v !== 'string') throw new HttpError(400, `${name} must be a string`);
  return v;
};

/** Trackr's checks: signature, algorithm, issuer, audience, expiry, then user active + session live. */
/** Runs `work` in one transaction on one pooled connection; rolls back if it throws. */
async function inTransaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

async function viewerId(req: IncomingMessage): Promise<string> {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (!m) throw new HttpError(401, 'no token');
  let sub: string, sid: string, ver: number;
  try {
    const { payload } = await jwtVerify(m[1], key, {
      algorithms: ['HS256'],
      issuer,
      audience,
      requiredClaims: ['sub', 'exp', 'iat', 'jti', 'ver', 'sid'],
    });
    sub = String(payload.sub);
    sid = String(payload.sid);
    ver = Number(payload.ver);
  } catch {
    throw new HttpError(401, 'bad token');
  }
  const ok = await pool.query(
    `SELECT 1 FROM users u JOIN refresh_sessions s ON s.user_id = u.id AND s.id = $2 AND s.revoked_at IS NULL
     WHERE u.id = $1 AND u.is_active AND u.token_version = $3`,
    [sub, sid, ver],
  );
  if (!ok.rowCount) throw new HttpError(401, 'revoked');
  return sub;
}

// One issue as JSON, labels by name; `i`, `p` are in scope.
const ISSUE_JSON = `json_build_object('key', p.key || '-' || i.number, 'title', i.title, 'status', i.status, 'priority', i.priority,
  'assignee', (SELECT a.name FROM users a WHERE a.id = i.assignee_id),
  'reporter', (SELECT r.name FROM users r WHERE r.id = i.reporter_id),
  'labels', COALESCE((SELECT json_agg(l.name ORDER BY l.name) FROM issue_labels il JOIN labels l ON l.id = il.label_id WHERE il.issue_id = i.id), '[]'::json))`;
const MEMBER = `EXISTS (SELECT 1 FROM project_members m WHERE m.project_id = p.id AND m.user_id = $V)`;

const one = async (sql: string, params: unknown[]): Promise<Json> => (await pool.query<{ j: Json }>(sql, params)).rows[0]?.j ?? null;

type Handler = (body: Body, req: IncomingMessage) => Promise<Json>;
const handlers: Record<string, Handler> = {
  async logIn(body): Promise<Json> {
    const email = str(body, 'email').toLowerCase();
    const { rows } = await pool.query<{ id: string; email: string; password_hash: string; token_version: number }>(
      `SELECT id, email, password_hash, token_version FROM users WHERE email = $1 AND is_active`,
      [email],
    );
    const user = rows[0];
    if (!user || !(await bcryptPool.run({ password: str(body, 'password'), hash: user.password_hash }))) return { ok: false, email: null };
    const refresh = randomBytes(32).toString('base64url');
    const session = await pool.query<{ id: string }>(
      `INSERT INTO refresh_sessions (user_id, family_id, token_hash, expires_at) VALUES ($1, $2, $3, now() + interval '30 days') RETURNING id`,
      [user.id, randomUUID(), createHash('sha256').update(refresh).digest('hex')],
    );
    const accessToken = await new SignJWT({ ver: user.token_version, sid: session.rows[0].id })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(user.id)
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime('30m')
      .setJti(randomUUID())
      .sign(key);
    return { ok: true, email: user.email, accessToken, refreshToken: refresh };
  },

  async viewer(_body, req) {
    const id = await viewerId(req);
    return one(`SELECT json_build_object('email', email, 'name', name) AS j FROM users WHERE id = $1`, [id]);
  },

  async issue(body, req) {
    const v = await viewerId(req);
    return one(
      `SELECT ${ISSUE_JSON} AS j FROM issues i JOIN projects p ON p.id = i.project_id
       WHERE i.id = $1 AND i.deleted_at IS NULL AND p.deleted_at IS NULL AND ${MEMBER.replace('$V', '$2')}`,
      [str(body, 'id'), v],
    );
  },

  async issueByKey(body, req) {
    const v = await viewerId(req);
    const m = /^([A-Z][A-Z0-9]{1,9})-(\d{1,9})$/.exec(str(body, 'key'));
    if (!m) return null;
    return one(
      `SELECT ${ISSUE_JSON} AS j FROM projects p JOIN issues i ON i.project_id = p.id AND i.number = $2
       WHERE p.key = $1 AND i.deleted_at IS NULL AND p.deleted_at IS NULL AND ${MEMBER.replace('$V', '$3')}`,
      [m[1], Number(m[2]), v],
    );
  },

  async projectPage(body, req) {
    const v = await viewerId(req);
    return one(
      `SELECT json_build_object('key', p.key, 'name', p.name, 'owner', o.name, 'issues', COALESCE((
         SELECT json_agg(x.j ORDER BY x.created_at DESC, x.id DESC) FROM (
           SELECT ${ISSUE_JSON} AS j, i.created_at, i.id FROM issues i
           WHERE i.project_id = p.id AND i.archived_at IS NULL AND i.deleted_at IS NULL
           ORDER BY i.created_at DESC, i.id DESC LIMIT 20) x), '[]'::json)) AS j
       FROM projects p JOIN users o ON o.id = p.owner_id
       WHERE p.key = $1 AND p.deleted_at IS NULL AND ${MEMBER.replace('$V', '$2')}`,
      [str(body, 'key'), v],
    );
  },

  async viewerProjects(body, req) {
    const v = await viewerId(req);
    const projects = Number(body.projects ?? 10);
    const issues = Number(body.issues ?? 5);
    return one(
      `SELECT json_build_object('projects', COALESCE(json_agg(json_build_object('key', p.key, 'name', p.name, 'issues', COALESCE((
         SELECT json_agg(json_build_object('key', p.key || '-' || i.number, 'title', i.title, 'status', i.status,
                  'assignee', (SELECT a.name FROM users a WHERE a.id = i.assignee_id)) ORDER BY i.created_at DESC, i.id DESC)
         FROM (SELECT * FROM issues i WHERE i.project_id = p.id AND i.archived_at IS NULL AND i.deleted_at IS NULL
               ORDER BY i.created_at DESC, i.id DESC LIMIT $3) i), '[]'::json)) ORDER BY p.created_at DESC, p.id DESC), '[]'::json)) AS j
       FROM (SELECT p.* FROM projects p JOIN project_members m ON m.project_id = p.id AND m.user_id = $1
             WHERE p.deleted_at IS NULL AND p.archived_at IS NULL ORDER BY p.created_at DESC, p.id DESC LIMIT $2) p`,
      [v, projects, issues],
    );
  },

  /**
   * The first page of issues across all of the viewer's projects, newest first, optionally only
   * those assigned to the viewer: each project's newest 21 through its index, merged.
   */
  async crossIssues(body, req) {
    const v = await viewerId(req);
    const { rows } = await pool.query<{ j: Json }>(
      `SELECT json_build_object('key', p.key || '-' || x.number, 'title', x.title, 'status', x.status, 'priority', x.priority,
                'assignee', (SELECT a.name FROM users a WHERE a.id = x.assignee_id)) AS j
       FROM project_members m JOIN projects p ON p.id = m.project_id
       CROSS JOIN LATERAL (SELECT i.* FROM issues i
         WHERE i.project_id = m.project_id AND i.archived_at IS NULL AND i.deleted_at IS NULL AND p.deleted_at IS NULL
           AND ($2::uuid IS NULL OR i.assignee_id = $2::uuid)
         ORDER BY i.created_at DESC, i.id DESC LIMIT 21) x
       WHERE m.user_id = $1
       ORDER BY x.created_at DESC, x.id DESC LIMIT 21`,
      [v, body.mine === true ? v : null],
    );
    return { hasNextPage: rows.length > 20, issues: rows.slice(0, 20).map((r) => r.j) };
  },

  /** Keyset paging over (priority DESC, created_at DESC, id DESC); the cursor is that triple. */
  async filteredIssues(body, req) {
    const v = await viewerId(req);
    const after =
      typeof body.after === 'string' ? (JSON.parse(Buffer.from(body.after, 'base64url').toString()) as [string, string, string]) : null;
    const { rows } = await pool.query<{
      j: { key: string; title: string; status: string; priority: string; assignee: string | null };
      priority: string;
      created_at: string;
      id: string;
    }>(
      `SELECT json_build_object('key', p.key || '-' || i.number, 'title', i.title, 'status', i.status, 'priority', i.priority,
                'assignee', (SELECT a.name FROM users a WHERE a.id = i.assignee_id)) AS j,
              i.priority, to_char(i.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at, i.id
       FROM issues i JOIN projects p ON p.id = i.project_id
       WHERE i.project_id = $1 AND i.status = ANY($2::"IssueStatus"[]) AND i.archived_at IS NULL AND i.deleted_at IS NULL
         AND p.deleted_at IS NULL AND ${MEMBER.replace('$V', '$3')}
         AND ($4::"IssuePriority" IS NULL OR (i.priority, i.created_at, i.id) < ($4::"IssuePriority", $5::timestamptz, $6::uuid))
       ORDER BY i.priority DESC, i.created_at DESC, i.id DESC LIMIT 21`,
      [str(body, 'projectId'), ['TODO', 'IN_PROGRESS'], v, after?.[0] ?? null, after?.[1] ?? null, after?.[2] ?? null],
    );
    const page = rows.slice(0, 20);
    const last = page[page.length - 1];
    return {
      hasNextPage: rows.length > 20,
      endCursor: last ? Buffer.from(JSON.stringify([last.priority, last.created_at, last.id])).toString('base64url') : null,
      issues: page.map((r) => r.j),
    };
  },

  async createIssue(body, req) {
    const v = await viewerId(req);
    return inTransaction(async (client) => {
      const member = await client.query(`SELECT 1 FROM project_members WHERE project_id = $1 AND user_id = $2 AND role <> 'VIEWER'`, [
        str(body, 'projectId'),
        v,
      ]);
      if (!member.rowCount) throw new HttpError(404, 'project not found');
      const { rows } = await client.query<{ j: Json; id: string }>(
        `WITH c AS (UPDATE projects SET issue_counter = issue_counter + 1 WHERE id = $1 RETURNING key, issue_counter),
              i AS (INSERT INTO issues (project_id, number, title, priority, reporter_id, updated_at)
                    SELECT $1, c.issue_counter, $2, $3, $4, now() FROM c RETURNING *)
         SELECT i.id, json_build_object('project', c.key, 'title', i.title, 'status', i.status, 'priority', i.priority) AS j FROM i, c`,
        [str(body, 'projectId'), str(body, 'title'), str(body, 'priority'), v],
      );
      await client.query(`INSERT INTO issue_events (issue_id, actor_id, type) VALUES ($1, $2, 'CREATED')`, [rows[0].id, v]);
      return rows[0].j;
    });
  },

  async updateIssue(body, req) {
    const v = await viewerId(req);
    const id = str(body, 'id');
    const title = str(body, 'title');
    return inTransaction(async (client) => {
      const cur = await client.query<{ title: string }>(
        `SELECT i.title FROM issues i JOIN projects p ON p.id = i.project_id
         WHERE i.id = $1 AND i.deleted_at IS NULL AND EXISTS (SELECT 1 FROM project_members m WHERE m.project_id = p.id AND m.user_id = $2 AND m.role <> 'VIEWER')
         FOR UPDATE OF i`,
        [id, v],
      );
      if (!cur.rowCount) throw new HttpError(404, 'issue not found');
      if (cur.rows[0].title !== title) {
        await client.query(
          `INSERT INTO issue_events (issue_id, actor_id, type, field, from_value, to_value) VALUES ($1, $2, 'UPDATED', 'title', $3, $4)`,
          [id, v, cur.rows[0].title, title],
        );
        await client.query(`UPDATE issues SET title = $2, version = version + 1, updated_at = now() WHERE id = $1`, [id, title]);
      }
      const { rows } = await client.query<{ j: Json }>(
        `SELECT json_build_object('key', p.key || '-' || i.number, 'title', i.title, 'status', i.status, 'priority', i.priority) AS j
         FROM issues i JOIN projects p ON p.id = i.project_id WHERE i.id = $1`,
        [id],
      );
      return rows[0].j;
    });
  },
};

const MAX_BODY = 1_000_000;
function readBody(req: IncomingMessage): Promise<Body> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) reject(new HttpError(413, 'too large'));
      else chunks.push(c);
    });
    req.on('end', () => {
      try {
        resolve(size ? (JSON.parse(Buffer.concat(chunks).toString()) as Body) : {});
      } catch {
        reject(new HttpError(400, 'bad json'));
      }
    });
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, value: Json): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const handler = req.method === 'POST' ? handlers[(req.url ?? '/').slice(1)] : undefined;
    if (!handler) return send(res, 404, { error: 'not found' });
    send(res, 200, await handler(await readBody(req), req));
  } catch (error) {
    if (error instanceof HttpError) send(res, error.status, { error: error.message });
    else {
      console.error(error);
      send(res, 500, { error: 'internal' });
    }
  }
}

const server = createServer((req, res) => void serve(req, res));
server.keepAliveTimeout = 65_000;
server.listen(Number(env('PORT', '4100')), '127.0.0.1', () => console.log(`raw server listening on ${env('PORT', '4100')}`));
const stop = () =>
  server.close(
    () =>
      void pool
        .end()
        .then(() => bcryptPool.destroy())
        .then(() => process.exit(0)),
  );
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
