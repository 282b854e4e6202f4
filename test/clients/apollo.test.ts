// Apollo Client (its core, in Node) against a running server, used through the example frontend
// in examples/web-client: the same code README shows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApolloClient } from '../../examples/web-client/src/apollo.js';
import {
  addComment,
  boardColumns,
  createIssue,
  createProject,
  issuePage,
  logIn,
  myProjects,
  openBoard,
  signUp,
  updateIssue,
} from '../../examples/web-client/src/app.js';
import { TokenStore } from '../../examples/web-client/src/session.js';
import { uniqueKey } from '../helpers/app.js';
import { expiredCopyOf, PASSWORD, recordingFetch, serve, uniqueEmail, type Served } from './harness.js';

describe('Apollo Client over HTTP', () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve();
  });
  afterAll(async () => {
    await s?.close();
  });

  function newClient() {
    const rec = recordingFetch();
    const tokens = new TokenStore();
    return { rec, tokens, client: createApolloClient({ uri: s.url, tokens, fetch: rec.fetch }) };
  }

  it('logs in, refreshes an expired token once for concurrent requests, and handles each union member', async () => {
    const { rec, tokens, client } = newClient();
    const email = uniqueEmail();
    expect(await signUp(client, tokens, { email, name: 'Ada', password: PASSWORD })).toMatchObject({ ok: true });

    expect(await logIn(client, tokens, email, 'not the password')).toEqual({
      ok: false,
      problem: { code: 'INVALID_CREDENTIALS', message: expect.any(String) as string },
    });
    expect(await logIn(client, tokens, email, PASSWORD)).toMatchObject({ ok: true, value: { name: 'Ada' } });

    const bad = await createProject(client, '1', 'Bad key');
    expect(bad.ok ? null : bad.problem).toMatchObject({ code: 'VALIDATION_FAILED', fieldErrors: [{ field: 'key' }] });
    const key = uniqueKey();
    const project = await createProject(client, key, 'Web');
    expect(project).toMatchObject({ ok: true, value: { key, viewerRole: 'OWNER' } });

    // The access token expires; the refresh token is still good.
    const { accessToken, refreshToken } = tokens.current!;
    tokens.save({ accessToken: await expiredCopyOf(accessToken), refreshToken });
    const board = openBoard(client, project.ok ? project.value.id : '', 10);
    const [projects, loaded] = await Promise.all([myProjects(client), board.load()]);

    expect(projects.map((p) => p.key)).toEqual([key]);
    expect(loaded?.key).toBe(key);
    expect(rec.named('MyProjects').map((r) => r.status)).toEqual([401, 200]);
    expect(rec.named('Board').map((r) => r.status)).toEqual([401, 200]);
    // One refresh for both failures: a second would present a used refresh token and end the session.
    expect(rec.named('RefreshSession')).toHaveLength(1);
    expect(tokens.current!.refreshToken).not.toBe(refreshToken);
  });

  it('pages a board with cursors into one cached list, updates it from mutation payloads, and detects conflicts', async () => {
    const { rec, tokens, client } = newClient();
    await signUp(client, tokens, { email: uniqueEmail(), name: 'Grace', password: PASSWORD });
    const project = await createProject(client, uniqueKey(), 'Board');
    if (!project.ok) throw new Error(project.problem.message);
    for (const title of ['One', 'Two', 'Three', 'Four', 'Five']) {
      expect(await createIssue(client, { projectId: project.value.id, title })).toMatchObject({ ok: true });
    }

    const board = openBoard(client, project.value.id, 2);
    expect((await board.load())?.issues.edges.map((e) => e.node.title)).toEqual(['One', 'Two']);
    let page = await board.more();
    expect(page).toMatchObject({ hasNextPage: true });
    page = await board.more();
    expect(page.hasNextPage).toBe(false);
    const issues = page.board!.issues.edges.map((e) => e.node);
    expect(issues.map((i) => i.title)).toEqual(['One', 'Two', 'Three', 'Four', 'Five']);
    expect(boardColumns(issues).TODO).toHaveLength(5);

    // The payload's Issue (id + __typename) updates the board in the cache: no refetch.
    const first = issues[0];
    const boardRequests = rec.named('Board').length;
    const updated = await updateIssue(client, first, { title: 'One, renamed', status: 'IN_PROGRESS' });
    expect(updated).toMatchObject({ kind: 'updated', issue: { title: 'One, renamed', version: first.version + 1 } });
    const cached = board.read()!.issues.edges.map((e) => e.node);
    expect(cached[0]).toMatchObject({ title: 'One, renamed', status: 'IN_PROGRESS' });
    expect(boardColumns(cached).IN_PROGRESS.map((i) => i.title)).toEqual(['One, renamed']);
    expect(rec.named('Board')).toHaveLength(boardRequests);

    // An edit of the version seen before that change is refused, with the issue as it is now.
    const stale = await updateIssue(client, first, { title: 'Overwrite?' });
    expect(stale).toMatchObject({ kind: 'conflict', current: { title: 'One, renamed', version: first.version + 1 } });

    const comment = await addComment(client, first.id, 'Looks good');
    expect(comment).toMatchObject({ ok: true });
    const shown = await issuePage(client, first.id);
    expect(shown).toMatchObject({ title: 'One, renamed', viewerCan: { update: true }, comments: { totalCount: 1 } });
    expect(shown!.comments.edges[0].node).toMatchObject({ body: 'Looks good', author: { name: 'Grace' } });
  });

  it('retries a create whose response was lost without creating it twice, and never retries a write without a key', async () => {
    const { rec, tokens, client } = newClient();
    await signUp(client, tokens, { email: uniqueEmail(), name: 'Linus', password: PASSWORD });
    const project = await createProject(client, uniqueKey(), 'Retries');
    if (!project.ok) throw new Error(project.problem.message);

    rec.loseResponseOf('CreateIssue');
    const created = await createIssue(client, { projectId: project.value.id, title: 'Exactly once' });
    expect(created).toMatchObject({ ok: true, value: { title: 'Exactly once' } });
    expect(rec.named('CreateIssue').map((r) => r.status)).toEqual([200, 200]);
    const board = await openBoard(client, project.value.id, 10).load();
    expect(board?.issues.totalCount).toBe(1);
    expect(board?.issues.edges[0].node.id).toBe(created.ok && created.value.id);

    rec.loseResponseOf('UpdateIssue');
    const issue = board!.issues.edges[0].node;
    await expect(updateIssue(client, issue, { title: 'Lost' })).rejects.toThrow(/fetch failed/);
    expect(rec.named('UpdateIssue')).toHaveLength(1);
  });
});
