// Threaded comments end to end through app.fetch with real tokens: replies one level deep, parents
// checked like createIssue's (ValidationError on parentId, the same for hidden and missing), outsiders
// seeing nothing, placeholders for deleted roots with replies, replies paging and body limits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import {
  addComment,
  commentOf,
  deleteComment,
  expectFieldErrors,
  failure,
  globalId,
  historyOf,
  newIssue,
  nodeLookup,
  query,
  setUpTeam,
  threadOutline,
  threadsOf,
  updateComment,
  type Team,
} from './helpers/issues.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

/** A team and an issue of its project. */
async function discussed(title = 'Discussed'): Promise<{ team: Team; issueId: string }> {
  const team = await setUpTeam(t);
  const issue = await newIssue(t, team.member.token, { projectId: team.project.id, title });
  return { team, issueId: issue.id };
}

const comment = async (token: string, issueId: string, body: string, parentId?: string) =>
  commentOf(await addComment(t, token, issueId, body, parentId));

describe('replies', () => {
  it('reply to a root; a reply to a reply joins the root; Issue.comments lists threads with their replies', async () => {
    const { team, issueId } = await discussed();
    const root = await comment(team.member.token, issueId, 'Root');
    expect(root).toMatchObject({ parent: null, deleted: false });
    const reply = await comment(team.admin.token, issueId, '  First reply  ', root.id);
    expect(reply).toMatchObject({ body: 'First reply', parent: { id: root.id }, issue: { id: issueId }, author: { id: team.admin.id } });
    const nested = await comment(team.owner.token, issueId, 'Reply to the reply', reply.id);
    expect(nested.parent, 'a reply to a reply attaches to the thread root').toEqual({ id: root.id });
    const other = await comment(team.member2.token, issueId, 'Second thread');

    const { total, threads } = await threadsOf(t, team.viewer.token, issueId);
    expect(total, 'totalCount counts threads, not replies').toBe(2);
    expect(threads.map((th) => th.id)).toEqual([root.id, other.id]);
    expect(threads[0].replies.totalCount).toBe(2);
    expect(threads[0].replies.edges.map((e) => e.node)).toEqual([
      { id: reply.id, body: 'First reply', deleted: false, author: { id: team.admin.id }, parent: { id: root.id } },
      { id: nested.id, body: 'Reply to the reply', deleted: false, author: { id: team.owner.id }, parent: { id: root.id } },
    ]);
    expect(threads[1].replies).toEqual({ totalCount: 0, edges: [] });

    // A reply has no replies of its own, and is fetchable by id.
    const read = await query<{ node: { parent: { id: string }; replies: { totalCount: number } } }>(
      t,
      'query($id: ID!) { node(id: $id) { ... on Comment { parent { id } replies(first: 5) { totalCount } } } }',
      { id: nested.id },
      team.viewer.token,
    );
    expect(read.node).toEqual({ parent: { id: root.id }, replies: { totalCount: 0 } });

    // Every comment, reply or not, is in the history as before.
    const commented = (await historyOf(t, team.member.token, issueId)).filter((e) => e.type === 'COMMENTED');
    expect(commented.map((e) => e.toValue)).toEqual([root.id, reply.id, nested.id, other.id]);
  });

  it('needs comment.create: a VIEWER reads replies but cannot reply', async () => {
    const { team, issueId } = await discussed();
    const root = await comment(team.member.token, issueId, 'Root');
    failure(await addComment(t, team.viewer.token, issueId, 'Viewer reply', root.id), 'FORBIDDEN');
    expect(await threadOutline(t, team.viewer.token, issueId)).toEqual(['Root: ']);
  });

  it('refuses a parent that is not a comment on the same issue, identically for another issue, a hidden and a missing comment', async () => {
    const { team, issueId } = await discussed();
    const elsewhere = await newIssue(t, team.member.token, { projectId: team.project.id, title: 'Elsewhere' });
    const otherIssueComment = await comment(team.member.token, elsewhere.id, 'On another issue');
    const foreign = await discussed('Another project');
    const hidden = await comment(foreign.team.member.token, foreign.issueId, 'Not yours to see');

    const results = [];
    for (const parentId of [otherIssueComment.id, hidden.id, globalId('Comment')]) {
      const result = await addComment(t, team.member.token, issueId, 'Reply', parentId);
      expectFieldErrors(result, ['parentId']);
      results.push(result);
    }
    expect(results[1], 'a hidden comment looks like a missing one').toEqual(results[2]);
    expect(results[0]).toEqual(results[2]);
    expect(await threadsOf(t, team.member.token, issueId)).toEqual({ total: 0, threads: [] });
  });

  it('refuses a parentId that is not a Comment id with BAD_USER_INPUT before anything runs', async () => {
    const { team, issueId } = await discussed();
    for (const parentId of [issueId, 'not-a-global-id', globalId('Comment', 'not-a-uuid')]) {
      const res = await t.gql(
        'mutation($input: AddCommentInput!) { addComment(input: $input) { __typename } }',
        { input: { issueId, body: 'Reply', parentId } },
        team.member.token,
      );
      expect(
        res.errors?.map((e) => e.extensions?.code),
        parentId,
      ).toEqual(['BAD_USER_INPUT']);
    }
    expect((await threadsOf(t, team.member.token, issueId)).total).toBe(0);
  });

  it('shows an outsider no thread and lets them reply to nothing, exactly as for random ids', async () => {
    const { team, issueId } = await discussed();
    const root = await comment(team.member.token, issueId, 'Root');
    const reply = await comment(team.member2.token, issueId, 'Reply', root.id);
    const outsider = team.outsider.token;

    for (const id of [root.id, reply.id]) {
      const [hidden, random] = [await nodeLookup(t, outsider, id), await nodeLookup(t, outsider, globalId('Comment'))];
      expect(hidden.node).toBeNull();
      expect(hidden).toEqual(random);
    }
    const replyHidden = await addComment(t, outsider, issueId, 'Me too', root.id);
    failure(replyHidden, 'NOT_FOUND');
    expect(replyHidden).toEqual(await addComment(t, outsider, globalId('Issue'), 'Me too', globalId('Comment')));
    // The outsider's own issue does not open a way in either.
    const theirs = await discussed('Outsider project');
    expectFieldErrors(await addComment(t, theirs.team.member.token, theirs.issueId, 'Sneaky', root.id), ['parentId']);

    expect(await threadOutline(t, team.member.token, issueId)).toEqual(['Root: Reply']);
  });
});

describe('deleting in threads', () => {
  it('keeps a deleted root with replies as a placeholder until its last reply goes', async () => {
    const { team, issueId } = await discussed();
    const root = await comment(team.member.token, issueId, 'Root');
    const first = await comment(team.member2.token, issueId, 'First', root.id);
    const second = await comment(team.admin.token, issueId, 'Second', root.id);
    expect((await deleteComment(t, team.member.token, root.id)).__typename).toBe('DeletePayload');

    const { total, threads } = await threadsOf(t, team.viewer.token, issueId);
    expect(total).toBe(1);
    expect(threads[0]).toMatchObject({ id: root.id, body: '', deleted: true, author: { id: team.member.id }, parent: null });
    expect(threads[0].replies.edges.map((e) => e.node.body)).toEqual(['First', 'Second']);
    expect(threads[0].replies.edges[0].node.parent, "a reply's parent reads as the placeholder").toEqual({ id: root.id });
    const placeholder = await query<{ node: { deleted: boolean; body: string } }>(
      t,
      'query($id: ID!) { node(id: $id) { ... on Comment { deleted body } } }',
      { id: root.id },
      team.member2.token,
    );
    expect(placeholder.node).toEqual({ deleted: true, body: '' });

    // A placeholder cannot be edited or deleted again, but the thread takes new replies.
    failure(await updateComment(t, team.member.token, root.id, 'Back?'), 'NOT_FOUND');
    failure(await deleteComment(t, team.member.token, root.id), 'NOT_FOUND');
    failure(await deleteComment(t, team.admin.token, root.id), 'NOT_FOUND');
    const third = await comment(team.owner.token, issueId, 'Third', root.id);
    expect(third.parent).toEqual({ id: root.id });
    expect(await threadOutline(t, team.member.token, issueId)).toEqual(['[deleted]: First, Second, Third']);

    for (const reply of [first, second, third])
      expect((await deleteComment(t, team.admin.token, reply.id)).__typename).toBe('DeletePayload');
    expect(await threadsOf(t, team.member.token, issueId), 'a deleted root without live replies disappears').toEqual({
      total: 0,
      threads: [],
    });
    expect((await nodeLookup(t, team.member.token, root.id)).node).toBeNull();
    expectFieldErrors(await addComment(t, team.member.token, issueId, 'Too late', root.id), ['parentId']);
    // History is untouched by deletions.
    expect((await historyOf(t, team.member.token, issueId)).filter((e) => e.type === 'COMMENTED')).toHaveLength(4);
  });

  it('deleting a reply drops only that reply; its root stays as it was; a deleted reply cannot be edited', async () => {
    const { team, issueId } = await discussed();
    const root = await comment(team.member.token, issueId, 'Root');
    const keep = await comment(team.member2.token, issueId, 'Keep', root.id);
    const drop = await comment(team.member2.token, issueId, 'Drop', root.id);
    expect((await deleteComment(t, team.member2.token, drop.id)).__typename).toBe('DeletePayload');

    const { threads } = await threadsOf(t, team.member.token, issueId);
    expect(threads).toHaveLength(1);
    expect(threads[0]).toMatchObject({ id: root.id, body: 'Root', deleted: false });
    expect(threads[0].replies.totalCount).toBe(1);
    expect(threads[0].replies.edges.map((e) => e.node.id)).toEqual([keep.id]);
    expect((await nodeLookup(t, team.member.token, drop.id)).node).toBeNull();
    failure(await updateComment(t, team.member2.token, drop.id, 'Edited'), 'NOT_FOUND');
    expectFieldErrors(await addComment(t, team.member.token, issueId, 'To a deleted reply', drop.id), ['parentId']);

    // A deleted root without replies leaves the list as before threads existed.
    const lonely = await comment(team.member.token, issueId, 'Lonely');
    expect((await deleteComment(t, team.member.token, lonely.id)).__typename).toBe('DeletePayload');
    expect(await threadOutline(t, team.member.token, issueId)).toEqual(['Root: Keep']);
  });
});

describe('concurrent deletes', () => {
  it('of one comment: exactly one succeeds, the rest get NotFoundError', async () => {
    const { team, issueId } = await discussed();
    const root = await comment(team.member.token, issueId, 'Root');
    const results = await Promise.all([
      deleteComment(t, team.member.token, root.id),
      deleteComment(t, team.admin.token, root.id),
      deleteComment(t, team.owner.token, root.id),
    ]);
    expect(results.map((r) => r.__typename).sort()).toEqual(['DeletePayload', 'NotFoundError', 'NotFoundError']);
    failure(await updateComment(t, team.member.token, root.id, 'Back?'), 'NOT_FOUND');
  });
});

describe('replies paging', () => {
  it('pages replies oldest first with stable cursors, totalCount and the usual page sizes', async () => {
    const { team, issueId } = await discussed();
    const root = await comment(team.member.token, issueId, 'Root');
    const ids: string[] = [];
    for (let i = 1; i <= 5; i++) ids.push((await comment(team.member2.token, issueId, `Reply ${i}`, root.id)).id);

    type Page = { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: { id: string } }[] };
    const page = async (args: { first?: number; last?: number; after?: string | null }) =>
      (
        await query<{ node: { replies: Page } }>(
          t,
          `query($id: ID!, $first: Int, $last: Int, $after: String) { node(id: $id) { ... on Comment {
            replies(first: $first, last: $last, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } } } }`,
          { id: root.id, ...args },
          team.viewer.token,
        )
      ).node.replies;

    const first = await page({ first: 2 });
    expect(first.totalCount).toBe(5);
    expect(first.edges.map((e) => e.node.id)).toEqual(ids.slice(0, 2));
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await page({ first: 2, after: first.pageInfo.endCursor });
    expect(second.edges.map((e) => e.node.id)).toEqual(ids.slice(2, 4));
    const rest = await page({ first: 2, after: second.pageInfo.endCursor });
    expect(rest.edges.map((e) => e.node.id)).toEqual(ids.slice(4));
    expect(rest.pageInfo.hasNextPage).toBe(false);
    expect((await page({ last: 2 })).edges.map((e) => e.node.id)).toEqual(ids.slice(3));

    for (const args of ['first: 0', 'first: 101', 'after: "bogus"']) {
      const res = await t.gql(
        `query($id: ID!) { node(id: $id) { ... on Comment { replies(${args}) { totalCount } } } }`,
        { id: root.id },
        team.viewer.token,
      );
      expect(
        res.errors?.map((e) => e.extensions?.code),
        args,
      ).toEqual(['BAD_USER_INPUT']);
    }
  });
});

describe('comment body limits', () => {
  const MAX = 65_536;

  it('takes 1 to 65536 characters after trimming, on comments, replies and edits', async () => {
    const { team, issueId } = await discussed();
    const token = team.member.token;
    const longest = 'a'.repeat(MAX);
    const root = await comment(token, issueId, longest);
    expect(root.body).toHaveLength(MAX);
    expect(
      (await comment(token, issueId, `  \n${'b'.repeat(MAX)}\t `, root.id)).body,
      'surrounding whitespace does not count',
    ).toHaveLength(MAX);
    expect((await comment(token, issueId, 'x', root.id)).body).toBe('x');

    for (const body of ['', ' \n\t ', 'a'.repeat(MAX + 1)]) {
      expectFieldErrors(await addComment(t, token, issueId, body), ['body']);
      expectFieldErrors(await addComment(t, token, issueId, body, root.id), ['body']);
      expectFieldErrors(await updateComment(t, token, root.id, body), ['body']);
    }
    const edited = commentOf(await updateComment(t, token, root.id, 'c'.repeat(MAX)));
    expect(edited.body).toBe('c'.repeat(MAX));
    expect(await threadOutline(t, token, issueId)).toEqual([`${'c'.repeat(MAX)}: ${'b'.repeat(MAX)}, x`]);
  });
});
