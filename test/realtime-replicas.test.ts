// Two real server processes on one PostgreSQL database and one Redis: subscribers on one see,
// in commit order, exactly the events they may see of changes made through the other, over SSE
// and over WebSocket; losing access ends a stream with an error and no more data; a reconnect
// with the last event id replays what was missed; SIGTERM ends streams with a reason.
import { randomUUID } from 'node:crypto';
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { workerDatabaseUrl } from './helpers/db.js';
import { channelPrefix, gql, REDIS_URL, sse, startServer, until, ws, wsClient, type Server, type Stream } from './helpers/realtime.js';

const globalId = (typename: string, id: string) => Buffer.from(`${typename}:${id}`).toString('base64');

const ACTIVITY = `subscription($p: ID!, $s: ID) { projectActivity(projectId: $p, since: $s) {
  __typename
  ... on Activity { eventId actor { name } }
  ... on IssueCreated { issue { key status assignee { name } } }
  ... on IssueUpdated { changedFields issue { key status title assignee { name } } }
  ... on IssueArchived { issue { key } }
  ... on CommentAdded { comment { body } issue { key } }
  ... on MemberAdded { user { name } member { role } }
  ... on MemberRemoved { user { name } }
} }`;

type Event = {
  __typename: string;
  eventId: string;
  actor: { name: string } | null;
  issue?: { key: string; status?: string; title?: string; assignee?: { name: string } | null };
  changedFields?: string[];
  comment?: { body: string };
  user?: { name: string };
  member?: { role: string } | null;
};

/**
 * One line per event, with what does not change during the test: events carry the object as it is
 * when delivered (a later change may already show), so status and title are not compared.
 */
function summary(stream: Stream): string[] {
  return stream.results
    .filter((r) => r.data && 'projectActivity' in r.data)
    .map((r) => {
      const e = r.data.projectActivity as Event;
      const parts = [e.__typename, e.actor?.name, e.issue?.key, e.issue?.assignee?.name, e.changedFields?.join('+')];
      parts.push(e.comment?.body, e.user?.name, e.member?.role);
      return parts.filter(Boolean).join(' ');
    });
}
const eventIds = (stream: Stream) =>
  stream.results.filter((r) => r.data && 'projectActivity' in r.data).map((r) => (r.data.projectActivity as Event).eventId);
const errorCodes = (stream: Stream) => stream.results.flatMap((r) => r.errors ?? []).map((e) => e.extensions?.code);

let a: Server;
let b: Server;
const clients: Client[] = [];
type User = { id: string; token: string };
let owner: User, member: User, viewer: User, outsider: User;
let projectId: string;
let otherProjectId: string;

async function signUp(name: string): Promise<User> {
  const res = await gql<{ signUp: { accessToken: string; user: { id: string } } }>(
    b.url,
    'mutation($i: SignUpInput!) { signUp(input: $i) { ... on AuthPayload { accessToken user { id } } } }',
    { i: { email: `${name.toLowerCase()}-${randomUUID()}@example.com`, name, password: 'correct horse battery staple' } },
  );
  return { id: res.data.signUp.user.id, token: res.data.signUp.accessToken };
}

async function must<T>(result: Promise<{ data: T; errors?: unknown }>): Promise<T> {
  const res = await result;
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data;
}

async function createProject(token: string): Promise<string> {
  const key = `R${randomUUID().replace(/-/g, '').slice(0, 8).toUpperCase()}`;
  const data = await must(
    gql<{ createProject: { project: { id: string } } }>(
      b.url,
      'mutation($i: CreateProjectInput!) { createProject(input: $i) { ... on ProjectPayload { project { id } } } }',
      { i: { key, name: key } },
      token,
    ),
  );
  return data.createProject.project.id;
}

const mutate = (token: string, field: string, inputType: string, input: object, selection = '__typename') =>
  must(
    gql<Record<string, Record<string, unknown>>>(
      b.url,
      `mutation($i: ${inputType}!) { ${field}(input: $i) { ${selection} } }`,
      { i: input },
      token,
    ),
  );

// Replicas share one PostgreSQL server; the embedded database belongs to one process (README).
const onPostgres = inject('testDb').mode === 'postgres';

beforeAll(async () => {
  if (!onPostgres) return;
  const env = {
    DATABASE_URL: await workerDatabaseUrl(),
    REDIS_URL,
    REALTIME_CHANNEL_PREFIX: channelPrefix(),
    OUTBOX_POLL_MS: '200',
    SUBSCRIPTION_RECHECK_SECONDS: '1',
    DATABASE_POOL_SIZE: '4',
    // The replicas' counters live in the shared Redis under the default prefix and outlast a run:
    // every run signs up from 127.0.0.1, which the per-address limits would refuse after a few runs.
    EMAIL_LOOKUPS_PER_WINDOW: '100000',
    LOGIN_MAX_ATTEMPTS_PER_IP: '100000',
  };
  [a, b] = await Promise.all([startServer(env), startServer(env)]);
  [owner, member, viewer, outsider] = await Promise.all(['Owner', 'Member', 'Viewer', 'Outsider'].map(signUp));
  projectId = await createProject(owner.token);
  otherProjectId = await createProject(owner.token);
  await mutate(owner.token, 'addProjectMember', 'AddProjectMemberInput', { projectId, userId: member.id, role: 'MEMBER' });
  await mutate(owner.token, 'addProjectMember', 'AddProjectMemberInput', { projectId, userId: viewer.id, role: 'VIEWER' });
}, 180_000);

afterAll(async () => {
  // dispose() returns void or a promise, depending on the client's state.
  await Promise.all(clients.map((client) => Promise.resolve(client.dispose())));
  await Promise.all([a?.stop(), b?.stop()]);
}, 60_000);

describe.runIf(onPostgres)('subscriptions across two server processes', () => {
  let memberStream: Stream;
  let viewerStream: Stream;
  let issueId: string;
  const EXPECTED = [
    'MemberAdded Owner Member MEMBER',
    'MemberAdded Owner Viewer VIEWER',
    'IssueCreated Owner K-1 Member',
    'IssueUpdated Member K-1 Member status',
    'CommentAdded Member K-1 On it',
    'IssueArchived Owner K-1',
    'IssueUpdated Owner K-1 Member title',
  ];
  const withKey = (lines: string[], key: string) => lines.map((line) => line.replace(/K-1/, key));
  let issueKey: string;

  it('delivers exactly the permitted events, in commit order, over SSE and WebSocket on the other replica', async () => {
    // since 0: the whole (short) history, then live, so nothing depends on when the subscription starts.
    memberStream = sse(a.url, ACTIVITY, { p: projectId, s: '0' }, member.token);
    const viewerClient = wsClient(a.url, viewer.token);
    clients.push(viewerClient);
    viewerStream = ws(viewerClient, ACTIVITY, { p: projectId, s: '0' });

    const created = await mutate(
      owner.token,
      'createIssue',
      'CreateIssueInput',
      { projectId, title: 'Live board', assigneeId: member.id },
      '... on IssuePayload { issue { id key } }',
    );
    ({ id: issueId, key: issueKey } = created.createIssue.issue as { id: string; key: string });
    await mutate(member.token, 'updateIssue', 'UpdateIssueInput', { id: issueId, status: 'IN_PROGRESS' });
    await mutate(member.token, 'addComment', 'AddCommentInput', { issueId, body: 'On it' });
    // Another project's change: nobody here may see it.
    await mutate(owner.token, 'createIssue', 'CreateIssueInput', { projectId: otherProjectId, title: 'Elsewhere' });
    await mutate(owner.token, 'archiveIssue', 'IssueIdInput', { id: issueId });
    // Rolled back (stale version): publishes nothing.
    const stale = await mutate(owner.token, 'updateIssue', 'UpdateIssueInput', { id: issueId, title: 'Never', expectedVersion: 1 });
    expect(stale.updateIssue.__typename).toBe('ConflictError');
    await mutate(owner.token, 'updateIssue', 'UpdateIssueInput', { id: issueId, title: 'Renamed' });

    await until(() => summary(memberStream).length >= EXPECTED.length && summary(viewerStream).length >= EXPECTED.length, 'the events');
    expect(summary(memberStream)).toEqual(withKey(EXPECTED, issueKey));
    expect(summary(viewerStream)).toEqual(withKey(EXPECTED, issueKey));
    const ids = eventIds(memberStream).map(BigInt);
    expect([...ids].sort((x, y) => (x < y ? -1 : 1))).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(eventIds(viewerStream)).toEqual(eventIds(memberStream));
  });

  it('refuses a hidden project exactly as a missing one', async () => {
    const hidden = sse(a.url, ACTIVITY, { p: projectId }, outsider.token);
    const missing = sse(a.url, ACTIVITY, { p: globalId('Project', randomUUID()) }, outsider.token);
    await Promise.all([hidden.ended, missing.ended]);
    expect(hidden.results).toEqual(missing.results);
    expect(errorCodes(hidden)).toEqual(['NOT_FOUND']);
  });

  it('replays what was missed after the last event id (SSE Last-Event-ID and `since` over WebSocket)', async () => {
    const seen = eventIds(memberStream);
    const resumed = sse(a.url, ACTIVITY, { p: projectId }, member.token, { 'last-event-id': seen[3] });
    const client = wsClient(b.url, member.token);
    clients.push(client);
    const resumedWs = ws(client, ACTIVITY, { p: projectId, s: seen[3] });
    await until(() => summary(resumed).length >= 3 && summary(resumedWs).length >= 3, 'the replay');
    expect(summary(resumed)).toEqual(withKey(EXPECTED.slice(4), issueKey));
    expect(summary(resumedWs)).toEqual(withKey(EXPECTED.slice(4), issueKey));
    resumed.close();
    resumedWs.close();
  });

  it("ends a removed member's stream with NOT_FOUND and sends them nothing more; the others see the removal", async () => {
    await mutate(owner.token, 'removeProjectMember', 'RemoveProjectMemberInput', { projectId, userId: member.id });
    await memberStream.ended;
    expect(summary(memberStream)).toEqual(withKey(EXPECTED, issueKey));
    expect(errorCodes(memberStream)).toEqual(['NOT_FOUND']);
    await until(() => summary(viewerStream).length >= EXPECTED.length + 2, 'the removal');
    expect(summary(viewerStream).slice(EXPECTED.length)).toEqual([`IssueUpdated Owner ${issueKey} assignee`, 'MemberRemoved Owner Member']);
  });

  it('ends the stream of a session that logs out with UNAUTHENTICATED', async () => {
    await must(gql(b.url, 'mutation { logOut { loggedOut } }', {}, viewer.token));
    await viewerStream.ended;
    expect(errorCodes(viewerStream)).toEqual(['UNAUTHENTICATED']);
  });

  it('on SIGTERM ends open streams with SHUTTING_DOWN and exits cleanly', async () => {
    const stream = sse(a.url, ACTIVITY, { p: projectId, s: '0' }, owner.token);
    await until(() => summary(stream).length > 0, 'the subscription');
    a.child.kill('SIGTERM');
    await stream.ended;
    expect(errorCodes(stream)).toEqual(['SHUTTING_DOWN']);
    expect(await a.exited).toBe(0);
  });
});
