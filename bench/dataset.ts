// The benchmark dataset: generated deterministically (seeded PRNG, ids derived from counters) and
// bulk-loaded with COPY into a dedicated database, after Trackr's own migrations.
// A size marker (bench_meta) lets a full run reuse the dataset loaded by the previous one.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import bcrypt from 'bcryptjs';
import { from as copyFrom } from 'pg-copy-streams';
import { migrate } from '../src/db/migrate.js';
import type { Ctx } from './operations.js';

export type DatasetSize = {
  users: number;
  projects: number;
  issues: number;
  /** Projects with bigIssues issues each (keys BIG1, BIG2, …); the rest share what is left. */
  bigProjects: number;
  bigIssues: number;
  labelsPerProject: number;
  /** Extra MEMBER rows per project besides its owner. */
  membersPerProject: number;
  /** Projects the bench viewer (user 0) is an extra member of, besides BIG1 and MUT. */
  viewerProjects: number;
  /** One issue in commentEvery gets comments. */
  commentEvery: number;
  /** Issues pre-created in the MUT project, which updateIssue cycles through. */
  mutIssues: number;
};

export const QUICK: DatasetSize = {
  users: 50,
  projects: 100,
  issues: 20_000,
  bigProjects: 1,
  bigIssues: 5_000,
  labelsPerProject: 5,
  membersPerProject: 3,
  viewerProjects: 12,
  commentEvery: 4,
  mutIssues: 200,
};
export const FULL: DatasetSize = {
  users: 1_000,
  projects: 10_000,
  issues: 1_000_000,
  bigProjects: 3,
  bigIssues: 50_000,
  labelsPerProject: 6,
  membersPerProject: 4,
  viewerProjects: 25,
  commentEvery: 4,
  mutIssues: 500,
};

/** Bump when the generated data changes shape, so stale datasets are rebuilt (4: search vectors filled). */
const GENERATOR_VERSION = 4;
export const BENCH_PASSWORD = 'bench-password-2026';
export const BCRYPT_COST = 10;
export const VIEWER_EMAIL = 'user0@bench.trackr.test';
export const BIG_KEY = 'BIG1';
export const MUT_KEY = 'MUT';
const STATUSES = ['BACKLOG', 'TODO', 'IN_PROGRESS', 'IN_REVIEW', 'DONE', 'CANCELED'] as const;
const PRIORITIES = ['NONE', 'LOW', 'MEDIUM', 'HIGH', 'URGENT'] as const;
const LABELS = ['bug', 'feature', 'docs', 'perf', 'ux', 'security', 'infra', 'design'];
const COLORS = ['#d73a4a', '#a2eeef', '#0075ca', '#fbca04', '#7057ff', '#b60205', '#0e8a16', '#c5def5'];
const BASE_TIME = Date.UTC(2025, 0, 1);

/** Deterministic UUIDs: a kind prefix and a counter, so runs and servers agree on ids. */
export const uid = (kind: number, n: number): string =>
  `${kind.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
export const KIND = { user: 1, project: 2, issue: 3, label: 4, comment: 5, member: 6 } as const;

/** mulberry32: small, fast, seedable. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ts = (ms: number) => new Date(ms).toISOString();

type ProjectPlan = { index: number; id: string; key: string; owner: number; members: number[]; issues: number; createdMs: number };

/** Who is in which project and how many issues each project gets; pure, so it can be recomputed. */
export function planProjects(size: DatasetSize): ProjectPlan[] {
  const rand = prng(7);
  const regular = size.projects - size.bigProjects - 1;
  const remaining = size.issues - size.bigProjects * size.bigIssues - size.mutIssues;
  if (regular < 1 || remaining < regular) throw new Error('dataset size: not enough issues for the projects');
  const plans: ProjectPlan[] = [];
  let given = 0;
  for (let i = 0; i < size.projects; i++) {
    // Project 0 is MUT (the oldest, so it never shows among the viewer's newest projects), then BIG*.
    const key = i === 0 ? MUT_KEY : i <= size.bigProjects ? `BIG${i}` : `P${i}`;
    const owner = i === 0 || i === 1 ? 0 : i % size.users;
    const members = new Set<number>([owner]);
    while (members.size < Math.min(size.users, size.membersPerProject + 1)) members.add(Math.floor(rand() * size.users));
    if (i <= size.viewerProjects + size.bigProjects) members.add(0);
    let issues: number;
    if (i === 0) issues = size.mutIssues;
    else if (i <= size.bigProjects) issues = size.bigIssues;
    else {
      const left = regular - (i - size.bigProjects - 1);
      const avg = (remaining - given) / left;
      issues = left === 1 ? remaining - given : Math.max(1, Math.round(avg * (0.5 + rand())));
      given += issues;
    }
    plans.push({ index: i, id: uid(KIND.project, i), key, owner, members: [...members], issues, createdMs: BASE_TIME + i * 60_000 });
  }
  return plans;
}

/** Streams rows as COPY text; each generator yields one line per row (tabs and newlines never appear in values). */
async function copy(client: pg.PoolClient, table: string, columns: string[], rows: Iterable<string>, progress: Progress): Promise<void> {
  const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  const batched = function* () {
    let chunk: string[] = [];
    for (const row of rows) {
      chunk.push(row);
      if (chunk.length === 5000) {
        progress.tick(table, chunk.length);
        yield chunk.join('\n') + '\n';
        chunk = [];
      }
    }
    if (chunk.length) {
      progress.tick(table, chunk.length);
      yield chunk.join('\n') + '\n';
    }
  };
  await pipeline(Readable.from(batched()), stream);
}

/** A one-line progress bar on stderr (plain lines when stderr is not a terminal). */
class Progress {
  private done = 0;
  private lastDraw = 0;
  private readonly started = Date.now();
  constructor(private readonly total: number) {}
  tick(label: string, rows: number): void {
    this.done += rows;
    const now = Date.now();
    if (now - this.lastDraw < (process.stderr.isTTY ? 100 : 3000) && this.done < this.total) return;
    this.lastDraw = now;
    const frac = Math.min(1, this.done / this.total);
    const bar = '#'.repeat(Math.round(frac * 30)).padEnd(30, '.');
    const line = `[${bar}] ${(frac * 100).toFixed(0).padStart(3)}% ${this.done.toLocaleString('en')} rows (${label}) ${((now - this.started) / 1000).toFixed(0)}s`;
    process.stderr.write(process.stderr.isTTY ? `\r${line}` : `${line}\n`);
  }
  end(): void {
    if (process.stderr.isTTY) process.stderr.write('\n');
  }
}

const sizeMarker = (size: DatasetSize) => JSON.stringify({ v: GENERATOR_VERSION, ...size });

/** Creates (or reuses) the dataset in the database at `url`; `adminUrl` is used to create/drop it. */
export async function prepareDataset(
  adminUrl: string,
  dbName: string,
  size: DatasetSize,
  log: (m: string) => void,
): Promise<'reused' | 'loaded'> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName]);
    if (exists.rowCount) {
      const probe = new pg.Client({ connectionString: withDb(adminUrl, dbName) });
      await probe.connect();
      try {
        const marker = await probe
          .query<{ value: string }>(`SELECT value FROM bench_meta WHERE key = 'size'`)
          .then((r) => r.rows[0]?.value)
          .catch(() => undefined);
        if (marker === sizeMarker(size)) {
          log(`dataset: reusing ${dbName} (size marker matches)`);
          return 'reused';
        }
      } finally {
        await probe.end();
      }
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [dbName]);
      await admin.query(`DROP DATABASE ${pg.escapeIdentifier(dbName)}`);
    }
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(dbName)}`);
  } finally {
    await admin.end();
  }
  const pool = new pg.Pool({ connectionString: withDb(adminUrl, dbName), max: 2 });
  try {
    await migrate(pool);
    await load(pool, size, log);
  } finally {
    await pool.end();
  }
  return 'loaded';
}

export const withDb = (url: string, db: string): string => {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
};

async function load(pool: pg.Pool, size: DatasetSize, log: (m: string) => void): Promise<void> {
  const started = Date.now();
  // One hash for everybody; $2a$ so that pgcrypto's crypt() (the PostGraphile peer) accepts it too.
  const hash = bcrypt.hashSync(BENCH_PASSWORD, BCRYPT_COST).replace(/^\$2b\$/, '$2a$');
  const plans = planProjects(size);
  const comments = Math.ceil(size.issues / size.commentEvery) * 1.5;
  const progress = new Progress(
    size.users + size.projects * (2 + size.membersPerProject + size.labelsPerProject) + size.issues * 2 + comments,
  );
  const client = await pool.connect();
  try {
    // Skip FK triggers while loading generated (consistent) data; indexes are maintained as usual.
    await client.query(`SET session_replication_role = replica`);
    await client.query('BEGIN');
    await copy(
      client,
      'users',
      ['id', 'email', 'name', 'password_hash', 'created_at', 'updated_at'],
      (function* () {
        for (let i = 0; i < size.users; i++) {
          const t = ts(BASE_TIME - 86_400_000 + i * 1000);
          yield `${uid(KIND.user, i)}\tuser${i}@bench.trackr.test\tUser ${i}\t${hash}\t${t}\t${t}`;
        }
      })(),
      progress,
    );
    await copy(
      client,
      'projects',
      ['id', 'key', 'name', 'description', 'owner_id', 'issue_counter', 'created_at', 'updated_at'],
      (function* () {
        for (const p of plans)
          yield `${p.id}\t${p.key}\tProject ${p.key}\tBenchmark project ${p.index}\t${uid(KIND.user, p.owner)}\t${p.issues}\t${ts(p.createdMs)}\t${ts(p.createdMs)}`;
      })(),
      progress,
    );
    let memberN = 0;
    await copy(
      client,
      'project_members',
      ['id', 'project_id', 'user_id', 'role', 'created_at', 'updated_at'],
      (function* () {
        for (const p of plans) {
          for (const m of p.members) {
            const t = ts(p.createdMs);
            yield `${uid(KIND.member, memberN++)}\t${p.id}\t${uid(KIND.user, m)}\t${m === p.owner ? 'OWNER' : 'MEMBER'}\t${t}\t${t}`;
          }
        }
      })(),
      progress,
    );
    await copy(
      client,
      'labels',
      ['id', 'project_id', 'name', 'color', 'created_at', 'updated_at'],
      (function* () {
        for (const p of plans) {
          for (let l = 0; l < size.labelsPerProject; l++) {
            const t = ts(p.createdMs);
            yield `${uid(KIND.label, p.index * size.labelsPerProject + l)}\t${p.id}\t${LABELS[l]}\t${COLORS[l]}\t${t}\t${t}`;
          }
        }
      })(),
      progress,
    );
    const rand = prng(42);
    // Issues, and per issue 0-2 labels: generated in one pass, labels buffered per project.
    let issueN = 0;
    const issueLabels: string[] = [];
    const commentRows: string[] = [];
    let commentN = 0;
    await copy(
      client,
      'issues',
      [
        'id',
        'project_id',
        'number',
        'title',
        'description',
        'status',
        'priority',
        'estimate',
        'assignee_id',
        'reporter_id',
        'created_at',
        'updated_at',
        'closed_at',
      ],
      (function* () {
        for (const p of plans) {
          for (let n = 1; n <= p.issues; n++) {
            const id = uid(KIND.issue, issueN++);
            const status = STATUSES[Math.floor(rand() * STATUSES.length)];
            const priority = PRIORITIES[Math.floor(rand() * PRIORITIES.length)];
            const assignee = rand() < 0.25 ? '\\N' : uid(KIND.user, p.members[Math.floor(rand() * p.members.length)]);
            const reporter = uid(KIND.user, p.members[Math.floor(rand() * p.members.length)]);
            const createdMs = p.createdMs + n * 1000;
            const created = ts(createdMs);
            const closed = status === 'DONE' || status === 'CANCELED' ? created : '\\N';
            const estimate = rand() < 0.5 ? String(1 + Math.floor(rand() * 8)) : '\\N';
            yield `${id}\t${p.id}\t${n}\tIssue ${n} of ${p.key}\tGenerated issue ${n}\t${status}\t${priority}\t${estimate}\t${assignee}\t${reporter}\t${created}\t${created}\t${closed}`;
            const labelCount = Math.floor(rand() * 3);
            const first = Math.floor(rand() * size.labelsPerProject);
            for (let l = 0; l < labelCount; l++) {
              const label = uid(KIND.label, p.index * size.labelsPerProject + ((first + l) % size.labelsPerProject));
              issueLabels.push(`${id}\t${label}\t${created}`);
            }
            if (issueN % size.commentEvery === 0) {
              const count = 1 + Math.floor(rand() * 2);
              for (let c = 0; c < count; c++) {
                const at = ts(createdMs + (c + 1) * 500);
                const author = uid(KIND.user, p.members[Math.floor(rand() * p.members.length)]);
                commentRows.push(`${uid(KIND.comment, commentN++)}\t${id}\t${author}\tComment ${c + 1} on ${p.key}-${n}\t${at}\t${at}`);
              }
            }
          }
        }
      })(),
      progress,
    );
    await copy(client, 'issue_labels', ['issue_id', 'label_id', 'created_at'], issueLabels, progress);
    await copy(client, 'comments', ['id', 'issue_id', 'author_id', 'body', 'created_at', 'updated_at'], commentRows, progress);
    // Replica mode also silenced the search triggers (migration 20261202100000_issue_search): fill
    // the search vectors the way they would have, in the same transaction.
    await client.query(`UPDATE issues SET search_vector = issue_search_document(title, description, id)`);
    await client.query(`CREATE TABLE bench_meta (key text PRIMARY KEY, value text NOT NULL)`);
    await client.query(`INSERT INTO bench_meta VALUES ('size', $1), ('loaded_at', now()::text)`, [sizeMarker(size)]);
    await client.query('COMMIT');
    await client.query(`SET session_replication_role = DEFAULT`);
    progress.end();
    log(
      `dataset: loaded ${size.issues.toLocaleString('en')} issues, ${issueLabels.length.toLocaleString('en')} issue labels, ${commentRows.length.toLocaleString('en')} comments in ${((Date.now() - started) / 1000).toFixed(1)} s; analyzing`,
    );
    await client.query('VACUUM ANALYZE');
  } finally {
    client.release();
  }
}

/**
 * The ids and keys the operations need, found in a prepared dataset (the same for every server): an
 * issue of one of the viewer's regular projects with an assignee and the most labels, a labelled and
 * assigned issue of the big project for lookups by key, and the first `mutIssues` issues of MUT,
 * which the mutations change. The token is filled in by logging in.
 */
export async function discoverContext(db: pg.Pool | pg.Client, mutIssues: number): Promise<Ctx> {
  const q = async <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => (await db.query<T>(sql, params)).rows;
  const [issue] = await q<{ id: string }>(
    `SELECT i.id FROM issues i JOIN projects p ON p.id = i.project_id
     WHERE p.key = 'P5' AND i.assignee_id IS NOT NULL
     ORDER BY (SELECT count(*) FROM issue_labels il WHERE il.issue_id = i.id) DESC, i.number LIMIT 1`,
  );
  const [keyed] = await q<{ key: string }>(
    `SELECT p.key || '-' || i.number AS key FROM issues i JOIN projects p ON p.id = i.project_id
     WHERE p.key = $1 AND i.number >= 777 AND i.assignee_id IS NOT NULL AND EXISTS (SELECT 1 FROM issue_labels il WHERE il.issue_id = i.id)
     ORDER BY i.number LIMIT 1`,
    [BIG_KEY],
  );
  const mut = await q<{ id: string }>(`SELECT id FROM issues WHERE project_id = $1 AND number <= $2 ORDER BY number`, [
    uid(KIND.project, 0),
    mutIssues,
  ]);
  if (!issue || !keyed || mut.length === 0) throw new Error('dataset: expected rows missing (rebuild with a fresh database)');
  return {
    token: '',
    viewerId: uid(KIND.user, 0),
    viewerEmail: VIEWER_EMAIL,
    password: BENCH_PASSWORD,
    bigProjectId: uid(KIND.project, 1),
    bigKey: BIG_KEY,
    mutProjectId: uid(KIND.project, 0),
    issueId: issue.id,
    issueKey: keyed.key,
    mutIssueIds: mut.map((r) => r.id),
    page50After: {},
  };
}
