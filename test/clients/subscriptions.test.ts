// Subscriptions through the example clients against a running server: Apollo Client over graphql-ws
// (its split link; the rest stays on HTTP) and urql over SSE (fetchSubscriptions). Each subscribes
// with the typed ProjectActivity document, a mutation through the other path commits a change,
// and the typed event arrives; Apollo's followProject resumes with `since` after a disconnect.
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApolloClient } from '../../examples/web-client/src/apollo.js';
import { createIssue, createProject, followProject, signUp, updateIssue, type ActivityEvent } from '../../examples/web-client/src/app.js';
import type { ProjectActivitySubscription } from '../../examples/web-client/src/gql/graphql.js';
import { CreateIssue, CreateProject, LogIn, ProjectActivity, SignUp } from '../../examples/web-client/src/operations.js';
import { TokenStore } from '../../examples/web-client/src/session.js';
import { createUrqlClient } from '../../examples/web-client/src/urql.js';
import { uniqueKey } from '../helpers/app.js';
import { until } from '../helpers/realtime.js';
import { PASSWORD, recordingFetch, serve, uniqueEmail, type Served } from './harness.js';

let s: Served;
beforeAll(async () => {
  s = await serve({ OUTBOX_POLL_MS: '100' }, { realtime: true });
}, 60_000);
afterAll(async () => {
  await s?.close();
});

const listeners = () => s.t.realtime!.stats().listeners;
const issueKey = (event: ActivityEvent) => ('issue' in event ? event.issue?.key : undefined);

describe('Apollo Client subscriptions over graphql-ws', () => {
  it('receives typed events through the split link, and resumes with since after a disconnect', async () => {
    const tokens = new TokenStore();
    const rec = recordingFetch();
    const client = createApolloClient({ uri: s.url, tokens, fetch: rec.fetch, webSocketImpl: WebSocket });
    await signUp(client, tokens, { email: uniqueEmail(), name: 'Ada', password: PASSWORD });
    const project = await createProject(client, uniqueKey(), 'Live');
    if (!project.ok) throw new Error(project.problem.message);

    const events: ActivityEvent[] = [];
    const ends: (Error | undefined)[] = [];
    const follow = followProject(
      client,
      project.value.id,
      (event) => events.push(event),
      (error) => ends.push(error),
    );
    await until(() => listeners() === 1, 'the subscription');
    // Subscriptions went over the WebSocket, not HTTP.
    expect(rec.named('ProjectActivity')).toHaveLength(0);

    const created = await createIssue(client, { projectId: project.value.id, title: 'Live one' });
    if (!created.ok) throw new Error(created.problem.message);
    await until(() => events.length === 1, 'the IssueCreated event');
    const first = events[0];
    if (first.__typename !== 'IssueCreated') throw new Error(`got ${first.__typename}`);
    // Typed: the union member's fields, the IssueCard fragment and the Activity fields.
    expect(first.issue).toMatchObject({ key: created.value.key, title: 'Live one', status: 'TODO' });
    expect(first.actor?.name).toBe('Ada');
    expect(first.eventId).toMatch(/^\d+$/);

    await updateIssue(client, created.value, { status: 'IN_PROGRESS' });
    await until(() => events.length === 2, 'the IssueUpdated event');
    expect(events[1]).toMatchObject({ __typename: 'IssueUpdated', changedFields: ['status'], issue: { status: 'IN_PROGRESS' } });

    // Disconnected: a change happens meanwhile; resuming with the last eventId gets it, then live ones.
    follow.stop();
    await until(() => listeners() === 0, 'the unsubscribe');
    const missed = await createIssue(client, { projectId: project.value.id, title: 'While away' });
    if (!missed.ok) throw new Error(missed.problem.message);
    follow.resume();
    await until(() => events.length === 3, 'the missed event');
    const live = await createIssue(client, { projectId: project.value.id, title: 'After' });
    if (!live.ok) throw new Error(live.problem.message);
    await until(() => events.length === 4, 'the live event');
    expect(events.slice(2).map(issueKey)).toEqual([missed.value.key, live.value.key]);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(4);
    expect(ends).toEqual([]);
    follow.stop();
    await until(() => listeners() === 0, 'the cleanup');
    client.stop();
  });
});

describe('urql subscriptions over SSE', () => {
  it('receives typed events through the fetch exchange with the auth header', async () => {
    const tokens = new TokenStore();
    const rec = recordingFetch();
    const client = createUrqlClient({ url: s.url, tokens, fetch: rec.fetch });
    const email = uniqueEmail();
    await client.mutation(SignUp, { input: { email, name: 'Ken', password: PASSWORD } }).toPromise();
    const loggedIn = (await client.mutation(LogIn, { input: { email, password: PASSWORD } }).toPromise()).data!.logIn;
    if (loggedIn.__typename !== 'AuthPayload') throw new Error(`logIn: ${loggedIn.__typename}`);
    tokens.save(loggedIn);
    const created = (await client.mutation(CreateProject, { input: { key: uniqueKey(), name: 'urql live' } }).toPromise()).data!
      .createProject;
    if (created.__typename !== 'ProjectPayload') throw new Error(`createProject: ${created.__typename}`);
    const projectId = created.project.id;

    const events: ProjectActivitySubscription['projectActivity'][] = [];
    const errors: unknown[] = [];
    const subscription = client.subscription(ProjectActivity, { projectId }).subscribe((result) => {
      if (result.error) errors.push(result.error);
      if (result.data) events.push(result.data.projectActivity);
    });
    await until(
      () => listeners() === 1,
      () => `the subscription (errors: ${JSON.stringify(errors)})`,
    );
    // Over HTTP (SSE), carrying the bearer token: the server accepted it as this user's subscription.
    await until(() => rec.named('ProjectActivity').length === 1, 'the response headers');
    expect(rec.named('ProjectActivity').map((r) => r.status)).toEqual([200]);

    for (const title of ['First', 'Second']) {
      const result = (await client.mutation(CreateIssue, { input: { projectId, title, idempotencyKey: crypto.randomUUID() } }).toPromise())
        .data!.createIssue;
      if (result.__typename !== 'IssuePayload') throw new Error(`createIssue: ${result.__typename}`);
    }
    await until(() => events.length === 2, 'two events');
    const titles = events.map((e) => (e.__typename === 'IssueCreated' ? e.issue?.title : e.__typename));
    expect(titles).toEqual(['First', 'Second']);
    expect(events.every((e) => e.actor?.name === 'Ken')).toBe(true);
    expect(BigInt(events[1].eventId)).toBeGreaterThan(BigInt(events[0].eventId));
    expect(errors).toEqual([]);
    subscription.unsubscribe();
    await until(() => listeners() === 0, 'the cleanup');
  });
});
