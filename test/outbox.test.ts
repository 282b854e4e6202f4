// The outbox: every change writes its events in its own transaction (so a rolled-back change
// leaves none), with the fields that changed, at one extra statement per write.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProjectAs, signUpUser, startTestApp, type SignedUp, type TestApp } from './helpers/app.js';
import {
  addComment,
  addMember,
  commentOf,
  deleteComment,
  deleteIssue,
  globalId,
  issueAction,
  newIssue,
  rawIdOf,
  updateComment,
  updateIssue,
} from './helpers/issues.js';
import { changeRole, removeMember, transferOwnership } from './helpers/projects.js';

const statements: string[] = [];
let t: TestApp;
let owner: SignedUp;
let member: SignedUp;
let project: { id: string; key: string };

beforeAll(async () => {
  t = await startTestApp({}, { onQuery: (sql) => statements.push(sql) });
  [owner, member] = await Promise.all([signUpUser(t, 'Owner'), signUpUser(t, 'Member')]);
  project = await createProjectAs(t, owner.token);
}, 60_000);
afterAll(() => t.close());

type Row = {
  type: string;
  issue_id: string | null;
  comment_id: string | null;
  user_id: string | null;
  actor_id: string;
  changed_fields: string[];
};

/** The outbox rows of the test project written by `work`, oldest first. */
async function eventsOf(work: () => Promise<unknown>): Promise<Row[]> {
  const { rows: before } = await t.db.pool.query<{ max: string | null }>('SELECT max(id)::text AS max FROM outbox_events');
  await work();
  const { rows } = await t.db.pool.query<Row>(
    `SELECT type, issue_id, comment_id, user_id, actor_id, changed_fields FROM outbox_events
      WHERE project_id = $1 AND id > $2 ORDER BY id`,
    [rawIdOf(project.id), before[0].max ?? '0'],
  );
  return rows;
}

/** Runs `work` and counts the SQL statements it sent. */
async function counted(work: () => Promise<unknown>): Promise<number> {
  statements.length = 0;
  await work();
  return statements.length;
}

const CREATE = `mutation($p: ID!, $t: String!) { createIssue(input: { projectId: $p, title: $t, priority: HIGH }) {
  __typename ... on IssuePayload { issue { id key title status priority project { key } } } ... on Error { code message } } }`;
const UPDATE = `mutation($id: ID!, $t: String!) { updateIssue(input: { id: $id, title: $t }) {
  __typename ... on IssuePayload { issue { id key title version } } ... on Error { code message } } }`;

describe('the outbox', () => {
  it('records issue changes in the same transaction, at one statement more per write (bench shapes: createIssue 6, updateIssue 8)', async () => {
    let created = '';
    const createStatements = await counted(async () => {
      const res = await t.gql<{ createIssue: { issue: { id: string } } }>(CREATE, { p: project.id, t: 'Counted' }, owner.token);
      created = res.data.createIssue.issue.id;
    });
    const updateStatements = await counted(() => t.gql(UPDATE, { id: created, t: 'Counted again' }, owner.token));
    if (process.env.SHOW_SQL) console.log({ createStatements, updateStatements });
    // The session check is answered from memory where the revocation stream runs (PostgreSQL), not on PGlite.
    const sessionCheck = t.revocations.stream ? 0 : 1;
    expect(createStatements).toBe(6 + sessionCheck);
    expect(updateStatements).toBe(8 + sessionCheck);

    const issue = await newIssue(t, owner.token, { projectId: project.id, title: 'Tracked' });
    await addMember(t, owner.token, project.id, member.id, 'MEMBER');
    const updated = await eventsOf(() =>
      updateIssue(t, owner.token, { id: issue.id, title: 'Renamed', assigneeId: member.id, status: 'DONE' }),
    );
    expect(updated).toEqual([
      {
        type: 'ISSUE_UPDATED',
        issue_id: rawIdOf(issue.id),
        comment_id: null,
        user_id: null,
        actor_id: rawIdOf(owner.id),
        changed_fields: ['title', 'status', 'assignee'],
      },
    ]);
    const states = await eventsOf(async () => {
      await issueAction(t, owner.token, 'archiveIssue', issue.id);
      await issueAction(t, owner.token, 'unarchiveIssue', issue.id);
      await deleteIssue(t, owner.token, issue.id);
      await issueAction(t, owner.token, 'restoreIssue', issue.id);
    });
    expect(states.map((e) => e.type)).toEqual(['ISSUE_ARCHIVED', 'ISSUE_UNARCHIVED', 'ISSUE_DELETED', 'ISSUE_RESTORED']);
  });

  it('records nothing for a change that fails or changes nothing', async () => {
    const issue = await newIssue(t, owner.token, { projectId: project.id, title: 'Stable' });
    const none = await eventsOf(async () => {
      // Stale version: ConflictError inside the transaction, which rolls back.
      expect((await updateIssue(t, owner.token, { id: issue.id, title: 'x', expectedVersion: 99 })).__typename).toBe('ConflictError');
      // An assignee who is not a member: refused after the lock, inside the transaction.
      expect((await updateIssue(t, owner.token, { id: issue.id, title: 'y', assigneeId: globalId('User') })).__typename).toBe(
        'ValidationError',
      );
      // The same title: no change, no event.
      await updateIssue(t, owner.token, { id: issue.id, title: 'Stable' });
    });
    expect(none).toEqual([]);
  });

  it('records comments and membership changes, with the issues a removal unassigns', async () => {
    const issue = await newIssue(t, owner.token, { projectId: project.id, title: 'Discussed' });
    const comments = await eventsOf(async () => {
      const comment = commentOf(await addComment(t, member.token, issue.id, 'First'));
      await updateComment(t, member.token, comment.id, 'First, edited');
      await deleteComment(t, member.token, comment.id);
    });
    expect(comments.map((e) => [e.type, e.issue_id, e.actor_id])).toEqual([
      ['COMMENT_ADDED', rawIdOf(issue.id), rawIdOf(member.id)],
      ['COMMENT_EDITED', rawIdOf(issue.id), rawIdOf(member.id)],
      ['COMMENT_DELETED', rawIdOf(issue.id), rawIdOf(member.id)],
    ]);
    expect(new Set(comments.map((e) => e.comment_id)).size).toBe(1);

    const assigned = await newIssue(t, owner.token, { projectId: project.id, title: 'Assigned', assigneeId: member.id });
    const members = await eventsOf(async () => {
      await changeRole(t, owner.token, project.id, member.id, 'ADMIN');
      await removeMember(t, owner.token, project.id, member.id);
    });
    expect(members.map((e) => [e.type, e.user_id ?? e.issue_id, e.changed_fields])).toEqual([
      ['MEMBER_ROLE_CHANGED', rawIdOf(member.id), []],
      ['ISSUE_UPDATED', rawIdOf(assigned.id), ['assignee']],
      ['MEMBER_REMOVED', rawIdOf(member.id), []],
    ]);

    const transfer = await eventsOf(async () => {
      await addMember(t, owner.token, project.id, member.id, 'ADMIN');
      await transferOwnership(t, owner.token, project.id, member.id);
    });
    expect(transfer.map((e) => [e.type, e.user_id])).toEqual([
      ['MEMBER_ADDED', rawIdOf(member.id)],
      ['MEMBER_ROLE_CHANGED', rawIdOf(member.id)],
      ['MEMBER_ROLE_CHANGED', rawIdOf(owner.id)],
    ]);
  });
});
