// urql (@urql/core with @urql/exchange-auth) against a running server, with the example client's
// factory and typed documents: the same code README shows.
import type { OperationResult } from '@urql/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BoardQuery } from '../../examples/web-client/src/gql/graphql.js';
import { Board, CreateIssue, CreateProject, LogIn, MyProjects, SignUp, UpdateIssue } from '../../examples/web-client/src/operations.js';
import { TokenStore } from '../../examples/web-client/src/session.js';
import { createUrqlClient } from '../../examples/web-client/src/urql.js';
import { uniqueKey } from '../helpers/app.js';
import { expiredCopyOf, PASSWORD, recordingFetch, serve, uniqueEmail, type Served } from './harness.js';

describe('urql over HTTP', () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve();
  });
  afterAll(async () => {
    await s?.close();
  });

  it('logs in, refreshes an expired token through the auth exchange, pages with cursors and handles union members', async () => {
    const rec = recordingFetch();
    const tokens = new TokenStore();
    const client = createUrqlClient({ url: s.url, tokens, fetch: rec.fetch });
    const email = uniqueEmail();

    const signedUp = await client.mutation(SignUp, { input: { email, name: 'Ken', password: PASSWORD } }).toPromise();
    expect(signedUp.data?.signUp.__typename).toBe('AuthPayload');
    const loggedIn = (await client.mutation(LogIn, { input: { email, password: PASSWORD } }).toPromise()).data!.logIn;
    if (loggedIn.__typename !== 'AuthPayload') throw new Error(`logIn: ${loggedIn.__typename}`);
    tokens.save(loggedIn);

    const created = (await client.mutation(CreateProject, { input: { key: uniqueKey(), name: 'urql' } }).toPromise()).data!.createProject;
    if (created.__typename !== 'ProjectPayload') throw new Error(`createProject: ${created.__typename}`);
    const projectId = created.project.id;
    const issueIds: string[] = [];
    for (const title of ['A', 'B', 'C']) {
      const result = (await client.mutation(CreateIssue, { input: { projectId, title, idempotencyKey: crypto.randomUUID() } }).toPromise())
        .data!.createIssue;
      if (result.__typename !== 'IssuePayload') throw new Error(`createIssue: ${result.__typename}`);
      issueIds.push(result.issue.id);
    }

    // Expired access token: the auth exchange refreshes once and sends the query again.
    const { accessToken, refreshToken } = tokens.current!;
    tokens.save({ accessToken: await expiredCopyOf(accessToken), refreshToken });
    const projects = await client.query(MyProjects, { first: 10 }, { requestPolicy: 'network-only' }).toPromise();
    expect(projects.error).toBeUndefined();
    expect(projects.data?.viewer?.projects.edges.map((e) => e.node.id)).toEqual([projectId]);
    expect(rec.named('MyProjects').map((r) => r.status)).toEqual([401, 200]);
    expect(rec.named('RefreshSession')).toHaveLength(1);

    // Cursor paging: each page continues after the last one's endCursor.
    const titles: string[] = [];
    let after: string | null | undefined = null;
    for (;;) {
      const page: OperationResult<BoardQuery> = await client.query(Board, { projectId, first: 2, after }).toPromise();
      const issues = page.data!.project!.issues;
      titles.push(...issues.edges.map((e) => e.node.title));
      if (!issues.pageInfo.hasNextPage) break;
      after = issues.pageInfo.endCursor;
    }
    expect(titles).toEqual(['A', 'B', 'C']);

    const edit = { id: issueIds[0], expectedVersion: 1 };
    const first = (await client.mutation(UpdateIssue, { input: { ...edit, title: 'A!' } }).toPromise()).data!.updateIssue;
    expect(first).toMatchObject({ __typename: 'IssuePayload', issue: { title: 'A!', version: 2 } });
    const second = (await client.mutation(UpdateIssue, { input: { ...edit, title: 'A?' } }).toPromise()).data!.updateIssue;
    expect(second).toMatchObject({ __typename: 'ConflictError', code: 'CONFLICT', currentIssue: { title: 'A!', version: 2 } });
    const invalid = (await client.mutation(UpdateIssue, { input: { id: issueIds[1], title: '' } }).toPromise()).data!.updateIssue;
    expect(invalid).toMatchObject({ __typename: 'ValidationError', fieldErrors: [{ field: 'title' }] });
  });

  it('retries a create whose response was lost through the retry exchange, creating it once', async () => {
    const rec = recordingFetch();
    const tokens = new TokenStore();
    const client = createUrqlClient({ url: s.url, tokens, fetch: rec.fetch });
    const signedUp = (await client.mutation(SignUp, { input: { email: uniqueEmail(), name: 'Retry', password: PASSWORD } }).toPromise())
      .data!.signUp;
    if (signedUp.__typename !== 'AuthPayload') throw new Error(signedUp.__typename);
    tokens.save(signedUp);
    const created = (await client.mutation(CreateProject, { input: { key: uniqueKey(), name: 'Retry' } }).toPromise()).data!.createProject;
    if (created.__typename !== 'ProjectPayload') throw new Error(created.__typename);

    rec.loseResponseOf('CreateIssue');
    const input = { projectId: created.project.id, title: 'Once', idempotencyKey: crypto.randomUUID() };
    const result = await client.mutation(CreateIssue, { input }).toPromise();
    expect(result.data?.createIssue).toMatchObject({ __typename: 'IssuePayload', issue: { title: 'Once' } });
    expect(rec.named('CreateIssue')).toHaveLength(2);
    const board = await client.query(Board, { projectId: created.project.id, first: 10 }, { requestPolicy: 'network-only' }).toPromise();
    expect(board.data?.project?.issues.totalCount).toBe(1);
  });
});
