// A subscription's life over a real listening server: every SSE event carries its event id in an
// `id:` line, so a client that reconnects with Last-Event-ID gets exactly what it missed; a stream
// ends with UNAUTHENTICATED (and no further event) when its user is deactivated or its token
// expires, over SSE and over WebSocket alike.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TokenService } from '../src/auth/tokens.js';
import { serveWebSockets } from '../src/graphql/websocket.js';
import { createProjectAs, signUpUser, startTestApp, type SignedUp, type TestApp } from './helpers/app.js';
import { addMember, newIssue } from './helpers/issues.js';
import { sse, until, ws, wsClient, type GqlResult, type Stream } from './helpers/realtime.js';

const ACTIVITY = `subscription($p: ID!) { projectActivity(projectId: $p) {
  __typename ... on Activity { eventId } ... on IssueCreated { issue { key } } } }`;

let t: TestApp;
let server: Server;
let url: string;
let webSockets: { close(reason: string): Promise<void> };
let owner: SignedUp;
let project: { id: string; key: string };

beforeAll(async () => {
  // Streams are re-checked every second, so a quiet stream ends soon after its token expires.
  t = await startTestApp({ OUTBOX_POLL_MS: '100', SUBSCRIPTION_RECHECK_SECONDS: '1' }, { realtime: true });
  server = createServer(t.app.requestListener);
  webSockets = serveWebSockets(server, t.app, t.realtime!);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  owner = await signUpUser(t, 'Owner');
  project = await createProjectAs(t, owner.token);
}, 60_000);

afterAll(async () => {
  await webSockets.close('test over');
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await t.close();
});

// Every test leaves nothing subscribed, so the next one can count its own listeners.
afterEach(async () => {
  await until(
    () => t.realtime!.stats().listeners === 0,
    () => `the cleanup: ${JSON.stringify(t.realtime!.stats())}`,
  );
});

type Activity = { __typename: string; eventId: string; issue?: { key: string } | null };
type SseEvent = { id?: string; result: GqlResult<{ projectActivity: Activity }> };

/** An SSE subscription with each event's `id:` line beside its result. */
function sseWithIds(query: string, variables: object, token: string, headers: Record<string, string> = {}) {
  const stream = sse(url, query, variables, token, headers);
  return {
    get events(): SseEvent[] {
      return stream.results.map((result, i) => ({ id: stream.ids[i], result: result as SseEvent['result'] }));
    },
    close: async () => {
      stream.close();
      await stream.ended;
    },
  };
}

const listeners = () => t.realtime!.stats().listeners;

describe('SSE event ids', () => {
  it('puts each event id in an id: line, and a reconnect with Last-Event-ID gets exactly the later events, then live ones', async () => {
    const first = sseWithIds(ACTIVITY, { p: project.id }, owner.token);
    await until(() => listeners() === 1, 'the subscription');
    const issues = [];
    for (const title of ['One', 'Two', 'Three']) issues.push(await newIssue(t, owner.token, { projectId: project.id, title }));
    await until(() => first.events.length === 3, 'three events');
    await first.close();

    const ids = first.events.map((e) => e.id);
    // The id line is the event's id, whether or not the client selected eventId.
    expect(ids).toEqual(first.events.map((e) => e.result.data.projectActivity.eventId));
    expect(ids.every((id) => id && /^\d+$/.test(id))).toBe(true);
    expect(BigInt(ids[1]!)).toBeGreaterThan(BigInt(ids[0]!));
    expect(BigInt(ids[2]!)).toBeGreaterThan(BigInt(ids[1]!));

    // What a browser's EventSource does after a dropped connection.
    await until(() => listeners() === 0, 'the first stream to end');
    const resumed = sseWithIds(ACTIVITY, { p: project.id }, owner.token, { 'last-event-id': ids[0]! });
    await until(() => resumed.events.length === 2, 'the missed events');
    const fourth = await newIssue(t, owner.token, { projectId: project.id, title: 'Four' });
    await until(() => resumed.events.length === 3, 'the live event');
    // A moment for anything extra (a duplicate, a stray replay) to show up.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await resumed.close();
    expect(resumed.events.map((e) => e.result.data.projectActivity.issue?.key)).toEqual([issues[1].key, issues[2].key, fourth.key]);
    expect(resumed.events.slice(0, 2).map((e) => e.id)).toEqual(ids.slice(1));
    expect(BigInt(resumed.events[2].id!)).toBeGreaterThan(BigInt(ids[2]!));
  });

  it('leaves queries over SSE without id lines', async () => {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${owner.token}` },
      body: JSON.stringify({ query: '{ viewer { name } }' }),
    });
    const body = await res.text();
    expect(body).toContain('"name":"Owner"');
    expect(body).not.toMatch(/^id:/m);
  });
});

type Transport = 'SSE' | 'WebSocket';

/** Subscribes to the project's activity over `transport`; returns the stream and how to close it. */
function subscribe(transport: Transport, token: string): { stream: Stream; dispose: () => Promise<void> } {
  if (transport === 'SSE') {
    const stream = sse(url, ACTIVITY, { p: project.id }, token);
    return {
      stream,
      dispose: async () => {
        stream.close();
      },
    };
  }
  const client = wsClient(url, token);
  return {
    stream: ws(client, ACTIVITY, { p: project.id }),
    dispose: async () => {
      await client.dispose();
    },
  };
}

/** The issues a stream was told about (its own MemberAdded event may arrive first, or not). */
const issuesSeen = (stream: Stream) =>
  stream.results.flatMap((r) => {
    const activity = r.data?.projectActivity as Activity | undefined;
    return activity?.__typename === 'IssueCreated' ? [activity.issue?.key] : [];
  });
const codesOf = (stream: Stream) => stream.results.flatMap((r) => r.errors ?? []).map((e) => e.extensions?.code);

describe.each<Transport>(['SSE', 'WebSocket'])('a stream over %s', (transport) => {
  it('ends with UNAUTHENTICATED, and no further event, when its user is deactivated', async () => {
    const member: SignedUp = await signUpUser(t, 'Member');
    await addMember(t, owner.token, project.id, member.id, 'MEMBER');
    const { stream, dispose } = subscribe(transport, member.token);
    await until(() => listeners() === 1, 'the subscription');
    const seen = await newIssue(t, owner.token, { projectId: project.id, title: 'Seen' });
    await until(() => issuesSeen(stream).length === 1, 'the first event');

    const res = await t.gql<{ deactivateAccount: { __typename: string } }>(
      `mutation($input: DeactivateAccountInput!) { deactivateAccount(input: $input) { __typename } }`,
      { input: { password: member.password } },
      member.token,
    );
    expect(res.data.deactivateAccount.__typename).toBe('DeactivateAccountPayload');
    await newIssue(t, owner.token, { projectId: project.id, title: 'Not for a deactivated account' });
    await stream.ended;
    expect(codesOf(stream), JSON.stringify(stream.results)).toEqual(['UNAUTHENTICATED']);
    expect(issuesSeen(stream)).toEqual([seen.key]);
    expect(stream.results.at(-1)?.errors?.[0].message).toMatch(/revoked/);
    await dispose();
  });

  it('ends with UNAUTHENTICATED when its access token expires, with no event to wake it', async () => {
    const member: SignedUp = await signUpUser(t, 'Member');
    await addMember(t, owner.token, project.id, member.id, 'MEMBER');
    // The same session and secret, only a shorter life than the configured minimum of a minute.
    const claims = await t.tokens.verify(member.token);
    const { token, expiresAt } = await new TokenService({ ...t.config.jwt, accessTtlSeconds: 4 }).issue(claims);
    const { stream, dispose } = subscribe(transport, token);
    // Subscribed while the token was valid: the stream is ended later, not refused.
    await until(() => listeners() === 1, 'the subscription');
    expect(Date.now()).toBeLessThan(expiresAt.getTime());
    await stream.ended;
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAt.getTime());
    expect(codesOf(stream)).toEqual(['UNAUTHENTICATED']);
    expect(stream.results.at(-1)?.errors?.[0].message, JSON.stringify(stream.results)).toMatch(/expired/);
    await dispose();
  });
});
