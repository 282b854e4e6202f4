// A cursor naming a row the viewer cannot see must page exactly like a cursor naming no row at all,
// on every connection: otherwise the page after it shows that the hidden row exists and where it
// sorts among the viewer's own rows. Hidden rows are interleaved (in time, name and sequence) with
// the viewer's, so a leak would return some of the viewer's rows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProjectAs, signUpUser, startTestApp, type SignedUp, type TestApp } from './helpers/app.js';
import { addComment, addMember, commentOf, createLabel, labelOf, newIssue, updateIssue } from './helpers/issues.js';

let t: TestApp;
let alice: SignedUp;
let bob: SignedUp;

const PAGE = 'edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }';

type Conn = {
  name: string;
  /** A query with $args spliced in at `ARGS`, returning the connection at `path`. */
  source: string;
  path: string[];
  /** Variables for the viewer's list, and for the owner of the hidden row's equivalent list. */
  aliceVars: Record<string, unknown>;
  bobVars: Record<string, unknown>;
  totalCount?: boolean;
};

let connections: Conn[] = [];

beforeAll(async () => {
  t = await startTestApp();
  [alice, bob] = await Promise.all([signUpUser(t, 'Alice'), signUpUser(t, 'Bob')]);
  const [carol, dave, erin] = await Promise.all([signUpUser(t, 'Carol'), signUpUser(t, 'Dave'), signUpUser(t, 'Erin')]);

  // Everything of Bob's is created between two of Alice's, so it sorts among hers.
  const pa1 = await createProjectAs(t, alice.token);
  const pb = await createProjectAs(t, bob.token);
  await createProjectAs(t, alice.token);
  await addMember(t, alice.token, pa1.id, carol.id, 'MEMBER');
  await addMember(t, bob.token, pb.id, dave.id, 'MEMBER');
  await addMember(t, alice.token, pa1.id, erin.id, 'MEMBER');

  labelOf(await createLabel(t, alice.token, { projectId: pa1.id, name: 'alpha' }));
  labelOf(await createLabel(t, bob.token, { projectId: pb.id, name: 'beta' }));
  labelOf(await createLabel(t, alice.token, { projectId: pa1.id, name: 'gamma' }));

  const ia1 = await newIssue(t, alice.token, { projectId: pa1.id, title: 'needle one' });
  const ib = await newIssue(t, bob.token, { projectId: pb.id, title: 'needle hidden' });
  await newIssue(t, alice.token, { projectId: pa1.id, title: 'needle two' });
  await newIssue(t, alice.token, { projectId: pa1.id, title: 'needle three' });

  await newIssue(t, alice.token, { projectId: pa1.id, title: 'child one', parentId: ia1.id });
  await newIssue(t, bob.token, { projectId: pb.id, title: 'child hidden', parentId: ib.id });
  await newIssue(t, alice.token, { projectId: pa1.id, title: 'child two', parentId: ia1.id });

  const c1 = commentOf(await addComment(t, alice.token, ia1.id, 'first'));
  const cb = commentOf(await addComment(t, bob.token, ib.id, 'hidden'));
  await addComment(t, alice.token, ia1.id, 'second');
  await addComment(t, alice.token, ia1.id, 'third');

  await addComment(t, alice.token, ia1.id, 'reply one', c1.id);
  await addComment(t, bob.token, ib.id, 'reply hidden', cb.id);
  await addComment(t, alice.token, ia1.id, 'reply two', c1.id);

  await updateIssue(t, alice.token, { id: ia1.id, title: 'needle one, edited' });
  await updateIssue(t, bob.token, { id: ib.id, title: 'needle hidden, edited' });
  await updateIssue(t, alice.token, { id: ia1.id, title: 'needle one, edited again' });

  const project = (field: string, totalCount = false) => ({
    source: `query($id: ID!, ARGS) { project(id: $id) { ${field}(ARGS_USE) { ${totalCount ? 'totalCount ' : ''}${PAGE} } } }`,
    path: ['project', field],
    aliceVars: { id: pa1.id },
    bobVars: { id: pb.id },
    totalCount,
  });
  const issue = (field: string, totalCount = false) => ({
    source: `query($id: ID!, ARGS) { issue(id: $id) { ${field}(ARGS_USE) { ${totalCount ? 'totalCount ' : ''}${PAGE} } } }`,
    path: ['issue', field],
    aliceVars: { id: ia1.id },
    bobVars: { id: ib.id },
    totalCount,
  });
  connections = [
    {
      name: 'viewer.projects',
      source: `query(ARGS) { viewer { projects(ARGS_USE) { ${PAGE} } } }`,
      path: ['viewer', 'projects'],
      aliceVars: {},
      bobVars: {},
    },
    { name: 'projects', source: `query(ARGS) { projects(ARGS_USE) { ${PAGE} } }`, path: ['projects'], aliceVars: {}, bobVars: {} },
    { name: 'Project.members', ...project('members') },
    { name: 'Project.labels', ...project('labels') },
    { name: 'Project.issues', ...project('issues', true) },
    { name: 'issues', source: `query(ARGS) { issues(ARGS_USE) { ${PAGE} } }`, path: ['issues'], aliceVars: {}, bobVars: {} },
    {
      name: 'searchIssues',
      source: `query(ARGS) { searchIssues(query: "needle", ARGS_USE) { ${PAGE} } }`,
      path: ['searchIssues'],
      aliceVars: {},
      bobVars: {},
    },
    { name: 'Issue.comments', ...issue('comments', true) },
    { name: 'Issue.history', ...issue('history') },
    { name: 'Issue.children', ...issue('children') },
    {
      name: 'Comment.replies',
      source: `query($id: ID!, ARGS) { node(id: $id) { ... on Comment { replies(ARGS_USE) { totalCount ${PAGE} } } } }`,
      path: ['node', 'replies'],
      aliceVars: { id: c1.id },
      bobVars: { id: cb.id },
    },
  ];
}, 120_000);

afterAll(() => t.close());

type Page = { edges: { cursor: string; node: { id: string } }[] };

async function page(conn: Conn, token: string, vars: Record<string, unknown>, args: Record<string, unknown>) {
  const declared = Object.keys(args)
    .map((name) => `$${name}: ${name === 'first' || name === 'last' ? 'Int' : 'String'}`)
    .join(', ');
  const used = Object.keys(args)
    .map((name) => `${name}: $${name}`)
    .join(', ');
  const source = conn.source
    .replace('ARGS_USE', used)
    .replace(/\(ARGS\)/, declared ? `(${declared})` : '')
    .replace('ARGS', declared);
  return t.gql(source, { ...vars, ...args }, token);
}

const at = (data: unknown, path: string[]) =>
  path.reduce<unknown>((value, key) => (value as Record<string, unknown> | null)?.[key], data) as Page;

/**
 * The same cursor naming a row that does not exist: its id's last digit changed, so the id sorts
 * where the hidden one does among every other id (a search cursor carries its sort values).
 */
function missingTwin(cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64').toString();
  const swapped = decoded.replace(
    /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{11})([0-9a-f])/,
    (_, head: string, last: string) => head + (last === '0' ? '1' : '0'),
  );
  expect(swapped).not.toBe(decoded);
  return Buffer.from(swapped).toString('base64');
}

describe('a cursor to a hidden row pages like a cursor to a missing row', () => {
  for (const direction of ['after', 'before'] as const) {
    it(`on every connection, paging ${direction} it`, async () => {
      const leaks: string[] = [];
      for (const conn of connections) {
        // Bob's own list gives a real cursor of a row Alice cannot see.
        const bobs = await page(conn, bob.token, conn.bobVars, { first: 50 });
        expect(bobs.errors, conn.name).toBeUndefined();
        const hiddenEdges = at(bobs.data, conn.path).edges;
        expect(hiddenEdges.length, conn.name).toBeGreaterThan(0);
        // Alice's own list must not be empty, or a leak could not show.
        const own = await page(conn, alice.token, conn.aliceVars, { first: 50 });
        expect(at(own.data, conn.path).edges.length, conn.name).toBeGreaterThan(0);
        const size = direction === 'after' ? 'first' : 'last';
        for (const { cursor } of hiddenEdges) {
          const hidden = await page(conn, alice.token, conn.aliceVars, { [size]: 10, [direction]: cursor });
          const missing = await page(conn, alice.token, conn.aliceVars, { [size]: 10, [direction]: missingTwin(cursor) });
          expect(hidden.errors, conn.name).toBeUndefined();
          const shape = (res: typeof hidden) => ({ data: res.data, errors: res.errors?.map((e) => e.extensions?.code) });
          if (JSON.stringify(shape(hidden)) !== JSON.stringify(shape(missing))) {
            leaks.push(`${conn.name}: ${JSON.stringify(shape(hidden))} vs ${JSON.stringify(shape(missing))}`);
            break;
          }
        }
      }
      expect(leaks).toEqual([]);
    }, 120_000);
  }
});

describe('a project key conflict', () => {
  it('says the same about a hidden project’s key as about one’s own, and nothing more', async () => {
    const create = async (key: string) => {
      const res = await t.gql<{ createProject: { __typename: string; code?: string; message?: string } }>(
        `mutation($input: CreateProjectInput!) { createProject(input: $input) { __typename ... on Error { code message } } }`,
        { input: { key, name: 'Taken?' } },
        alice.token,
      );
      return res.data.createProject;
    };
    const own = await createProjectAs(t, alice.token);
    const hidden = await createProjectAs(t, bob.token);
    const onOwn = await create(own.key);
    const onHidden = await create(hidden.key);
    expect(onHidden).toEqual({ ...onOwn, message: onOwn.message?.replace(own.key, hidden.key) });
    expect(onHidden.code).toBe('CONFLICT');
    expect(onHidden.message).not.toMatch(/Bob|owner|name/i);
  });
});
