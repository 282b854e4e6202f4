// Writes a team shares: label deltas that do not overwrite each other, one change applied to many
// issues with an answer per issue, and creates that a client may retry without making duplicates.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProjectAs, signUpUser, startTestApp, type TestApp } from './helpers/app.js';
import {
  addMember,
  commentsOf,
  createIssue,
  expectFieldErrors,
  globalId,
  historyOf,
  issueOf,
  newIssue,
  newLabel,
  projectIssueKeys,
  query,
  readIssue,
  setUpTeam,
  updateIssue,
  type IssueView,
  type Team,
} from './helpers/issues.js';
import { removeMember } from './helpers/projects.js';

let t: TestApp;
let team: Team;
beforeAll(async () => {
  t = await startTestApp();
  team = await setUpTeam(t);
});
afterAll(async () => {
  await t.close();
});

const labelNames = (issue: IssueView | null) => issue?.labels.map((l) => l.name).sort();

describe('label deltas', () => {
  it('keeps both labels when two people add different ones at the same moment', async () => {
    const [bug, ux, api] = await Promise.all(
      ['bug', 'ux', 'api'].map((n) => newLabel(t, team.admin.token, team.project.id, `${n}-${Math.random()}`)),
    );
    const issue = await newIssue(t, team.member.token, { projectId: team.project.id, title: 'Shared', labelIds: [api.id] });
    const results = await Promise.all([
      updateIssue(t, team.member.token, { id: issue.id, addedLabelIds: [bug.id] }),
      updateIssue(t, team.member2.token, { id: issue.id, addedLabelIds: [ux.id] }),
    ]);
    results.forEach((r) => expect(r.__typename).toBe('IssuePayload'));
    const after = await readIssue(t, team.owner.token, issue.id);
    expect(labelNames(after)).toEqual([api.name, bug.name, ux.name].sort());
    expect(after?.version).toBe(issue.version + 2);
    const history = await historyOf(t, team.owner.token, issue.id);
    // The create put `api` on; each delta recorded its own label.
    expect(
      history
        .filter((e) => e.type === 'LABEL_ADDED')
        .map((e) => e.toValue)
        .sort(),
    ).toEqual([bug.id, ux.id].sort());
  });

  it('removes only what removedLabelIds names, records each change, and ignores a label the issue does not have', async () => {
    const [a, b, c] = await Promise.all(
      ['a', 'b', 'c'].map((n) => newLabel(t, team.admin.token, team.project.id, `${n}-${Math.random()}`)),
    );
    const issue = await newIssue(t, team.member.token, { projectId: team.project.id, title: 'Trim', labelIds: [a.id, b.id] });
    const updated = issueOf(await updateIssue(t, team.member.token, { id: issue.id, addedLabelIds: [c.id], removedLabelIds: [a.id] }));
    expect(labelNames(updated)).toEqual([b.name, c.name].sort());
    const events = (await historyOf(t, team.owner.token, issue.id)).slice(-2);
    expect(events).toEqual([
      expect.objectContaining({ type: 'LABEL_ADDED', fromValue: null, toValue: c.id }),
      expect.objectContaining({ type: 'LABEL_REMOVED', fromValue: a.id, toValue: null }),
    ]);
    // Removing a label it does not carry changes nothing: no history, same version.
    const same = issueOf(await updateIssue(t, team.member.token, { id: issue.id, removedLabelIds: [a.id] }));
    expect(same.version).toBe(updated.version);
  });

  it('refuses to mix the whole set with deltas, a label both added and removed, and labels of another project', async () => {
    const label = await newLabel(t, team.admin.token, team.project.id, `x-${Math.random()}`);
    const issue = await newIssue(t, team.member.token, { projectId: team.project.id, title: 'Strict' });
    expectFieldErrors(await updateIssue(t, team.member.token, { id: issue.id, labelIds: [label.id], addedLabelIds: [label.id] }), [
      'labelIds',
    ]);
    expectFieldErrors(await updateIssue(t, team.member.token, { id: issue.id, labelIds: [], removedLabelIds: [label.id] }), ['labelIds']);
    expectFieldErrors(await updateIssue(t, team.member.token, { id: issue.id, addedLabelIds: [label.id], removedLabelIds: [label.id] }), [
      'addedLabelIds',
    ]);
    const other = await createProjectAs(t, team.owner.token);
    const foreign = await newLabel(t, team.owner.token, other.id, 'foreign');
    expectFieldErrors(await updateIssue(t, team.member.token, { id: issue.id, addedLabelIds: [foreign.id] }), ['addedLabelIds']);
    expect(await readIssue(t, team.owner.token, issue.id)).toMatchObject({ version: issue.version, labels: [] });
  });
});

type BatchItem = { __typename: string; id?: string; status?: string; version?: number; code?: string; fieldErrors?: { field: string }[] };
const UPDATE_ISSUES = `mutation($input: UpdateIssuesInput!) { updateIssues(input: $input) {
  __typename
  ... on UpdateIssuesPayload { results { __typename ... on Issue { id status version } ... on Error { code message } ... on ValidationError { fieldErrors { field } } } }
  ... on Error { code message } ... on ValidationError { fieldErrors { field message } } } }`;

async function updateIssues(token: string, input: Record<string, unknown>) {
  return (
    await query<{ updateIssues: { __typename: string; results?: BatchItem[]; code?: string; fieldErrors?: { field: string }[] } }>(
      t,
      UPDATE_ISSUES,
      { input },
      token,
    )
  ).updateIssues;
}

describe('updateIssues', () => {
  it('answers one result per id, in order, applying the allowed ones with a history entry each', async () => {
    const mine = await newIssue(t, team.member.token, { projectId: team.project.id, title: 'Mine' });
    const theirs = await newIssue(t, team.member2.token, { projectId: team.project.id, title: 'Theirs' });
    const hidden = await createProjectAs(t, team.outsider.token);
    const outside = await newIssue(t, team.outsider.token, { projectId: hidden.id, title: 'Outside' });
    const viewerOnly = await createProjectAs(t, team.owner.token);
    await addMember(t, team.owner.token, viewerOnly.id, team.member.id, 'VIEWER');
    const readOnly = await newIssue(t, team.owner.token, { projectId: viewerOnly.id, title: 'Read only' });
    const ids = [theirs.id, outside.id, globalId('Issue'), readOnly.id, mine.id];

    const result = await updateIssues(team.member.token, { ids, status: 'IN_PROGRESS' });
    expect(result.__typename).toBe('UpdateIssuesPayload');
    expect(result.results?.map((r) => (r.__typename === 'Issue' ? `Issue ${r.id ?? '?'}` : r.code))).toEqual([
      `Issue ${theirs.id}`,
      'NOT_FOUND',
      'NOT_FOUND',
      'FORBIDDEN',
      `Issue ${mine.id}`,
    ]);
    for (const issue of [mine, theirs]) {
      expect(await readIssue(t, team.owner.token, issue.id)).toMatchObject({ status: 'IN_PROGRESS', version: issue.version + 1 });
      expect((await historyOf(t, team.owner.token, issue.id)).at(-1)).toMatchObject({
        type: 'UPDATED',
        field: 'status',
        fromValue: 'TODO',
        toValue: 'IN_PROGRESS',
      });
    }
    expect(await readIssue(t, team.owner.token, readOnly.id)).toMatchObject({ status: 'TODO', version: readOnly.version });
    expect(await readIssue(t, team.outsider.token, outside.id)).toMatchObject({ status: 'TODO', version: outside.version });
  });

  it('gives an item its own validation error and still applies the others', async () => {
    const other = await createProjectAs(t, team.owner.token);
    await addMember(t, team.owner.token, other.id, team.member.id, 'MEMBER');
    const here = await newIssue(t, team.member.token, { projectId: team.project.id, title: 'Here' });
    const there = await newIssue(t, team.member.token, { projectId: other.id, title: 'There' });
    // member2 is in the team's project only, so cannot be the assignee of the other project's issue.
    const result = await updateIssues(team.member.token, { ids: [here.id, there.id], assigneeId: team.member2.id });
    expect(result.results?.map((r) => r.__typename)).toEqual(['Issue', 'ValidationError']);
    expect(result.results?.[1].fieldErrors?.map((f) => f.field)).toEqual(['assigneeId']);
    expect((await readIssue(t, team.owner.token, here.id))?.assignee?.id).toBe(team.member2.id);
    expect(await readIssue(t, team.owner.token, there.id)).toMatchObject({ assignee: null, version: there.version });
  });

  it('refuses a batch that is empty, too long, repeats an id, or mixes label modes, changing nothing', async () => {
    const issue = await newIssue(t, team.member.token, { projectId: team.project.id, title: 'Untouched' });
    const label = await newLabel(t, team.admin.token, team.project.id, `y-${Math.random()}`);
    const cases: [Record<string, unknown>, string][] = [
      [{ ids: [], status: 'DONE' }, 'ids'],
      [{ ids: Array.from({ length: 51 }, () => issue.id), status: 'DONE' }, 'ids'],
      [{ ids: [issue.id, issue.id], status: 'DONE' }, 'ids'],
      [{ ids: [issue.id], labelIds: [label.id], addedLabelIds: [label.id] }, 'labelIds'],
    ];
    for (const [input, field] of cases) {
      const result = await updateIssues(team.member.token, input);
      expect(result, JSON.stringify(input).slice(0, 80)).toMatchObject({ __typename: 'ValidationError', code: 'VALIDATION_FAILED' });
      expect(result.fieldErrors?.map((f) => f.field)).toContain(field);
    }
    expect(await readIssue(t, team.owner.token, issue.id)).toMatchObject({ status: 'TODO', version: issue.version });
  });
});

describe('idempotency keys', () => {
  const key = () => `key-${Math.random()}`;

  it('returns the issue created the first time when a create is retried, and numbers nothing twice', async () => {
    const k = key();
    const first = issueOf(await createIssue(t, team.member.token, { projectId: team.project.id, title: 'Once', idempotencyKey: k }));
    const retry = issueOf(await createIssue(t, team.member.token, { projectId: team.project.id, title: 'Once', idempotencyKey: k }));
    expect(retry).toEqual(first);
    const next = await newIssue(t, team.member.token, { projectId: team.project.id, title: 'Next' });
    expect(next.number).toBe(first.number + 1);
  });

  it('refuses a retry from someone who has left the project, and a refused create takes no number', async () => {
    const project = await createProjectAs(t, team.owner.token);
    const leaver = await signUpUser(t, 'Leaver');
    const watcher = await signUpUser(t, 'Watcher');
    await addMember(t, team.owner.token, project.id, leaver.id, 'MEMBER');
    await addMember(t, team.owner.token, project.id, watcher.id, 'VIEWER');
    const k = key();
    const first = issueOf(await createIssue(t, leaver.token, { projectId: project.id, title: 'Before leaving', idempotencyKey: k }));
    await removeMember(t, team.owner.token, project.id, leaver.id);
    const retry = await createIssue(t, leaver.token, { projectId: project.id, title: 'Before leaving', idempotencyKey: k });
    expect(retry).toMatchObject({ __typename: 'NotFoundError' });
    // The counter is taken and the role read in one statement: a refusal rolls the number back.
    expect(await createIssue(t, watcher.token, { projectId: project.id, title: 'Not allowed' })).toMatchObject({
      __typename: 'ForbiddenError',
    });
    expect(await createIssue(t, team.outsider.token, { projectId: project.id, title: 'Not allowed' })).toMatchObject({
      __typename: 'NotFoundError',
    });
    const next = await newIssue(t, team.owner.token, { projectId: project.id, title: 'Next' });
    expect(next.number).toBe(first.number + 1);
  });

  it('makes exactly one issue when ten requests with one key arrive at once', async () => {
    const project = await createProjectAs(t, team.owner.token);
    const k = key();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => createIssue(t, team.owner.token, { projectId: project.id, title: 'Racing', idempotencyKey: k })),
    );
    const ids = new Set(results.map((r) => issueOf(r).id));
    expect(ids.size).toBe(1);
    expect((await projectIssueKeys(t, team.owner.token, project.id)).total).toBe(1);
  });

  it('refuses the same key with a different input or operation, and keeps keys per user', async () => {
    const k = key();
    const first = issueOf(await createIssue(t, team.member.token, { projectId: team.project.id, title: 'Original', idempotencyKey: k }));
    const changed = await createIssue(t, team.member.token, { projectId: team.project.id, title: 'Changed', idempotencyKey: k });
    expect(changed).toMatchObject({ __typename: 'ConflictError', code: 'CONFLICT' });
    expect((changed as { message: string }).message).toMatch(/different input/);
    const asProject = await query<{ createProject: { __typename: string; message?: string } }>(
      t,
      'mutation($input: CreateProjectInput!) { createProject(input: $input) { __typename ... on Error { message } } }',
      { input: { key: `K${Math.floor(Math.random() * 1e6)}`, name: 'Other', idempotencyKey: k } },
      team.member.token,
    );
    expect(asProject.createProject).toMatchObject({ __typename: 'ConflictError' });
    expect(asProject.createProject.message).toMatch(/different operation/);
    // Another user's same key is theirs alone.
    const other = issueOf(await createIssue(t, team.member2.token, { projectId: team.project.id, title: 'Original', idempotencyKey: k }));
    expect(other.id).not.toBe(first.id);
  });

  it('replays createProject too, instead of answering that the project key is taken', async () => {
    const user = await signUpUser(t, 'Retrier');
    const input = { key: `R${Math.floor(Math.random() * 1e8)}`, name: 'Retried', idempotencyKey: key() };
    const CREATE =
      'mutation($input: CreateProjectInput!) { createProject(input: $input) { __typename ... on ProjectPayload { project { id key } } } }';
    const first = await query<{ createProject: { __typename: string; project: { id: string } } }>(t, CREATE, { input }, user.token);
    const retry = await query<{ createProject: { __typename: string; project: { id: string } } }>(t, CREATE, { input }, user.token);
    expect(retry.createProject).toEqual(first.createProject);
    expect(first.createProject.__typename).toBe('ProjectPayload');
  });

  it('replays addComment, and makes one comment for concurrent retries', async () => {
    const issue = await newIssue(t, team.member.token, { projectId: team.project.id, title: 'Discussed' });
    const k = key();
    const ADD =
      'mutation($input: AddCommentInput!) { addComment(input: $input) { __typename ... on CommentPayload { comment { id body } } ... on Error { message } } }';
    const send = (body: string) =>
      query<{ addComment: { __typename: string; comment?: { id: string }; message?: string } }>(
        t,
        ADD,
        { input: { issueId: issue.id, body, idempotencyKey: k } },
        team.member.token,
      );
    const results = await Promise.all(Array.from({ length: 5 }, () => send('Once only')));
    expect(new Set(results.map((r) => r.addComment.comment?.id)).size).toBe(1);
    expect((await commentsOf(t, team.owner.token, issue.id)).total).toBe(1);
    expect((await send('Something else')).addComment).toMatchObject({ __typename: 'ConflictError' });
  });

  it('creates twice without a key', async () => {
    const a = await newIssue(t, team.member.token, { projectId: team.project.id, title: 'Twice' });
    const b = await newIssue(t, team.member.token, { projectId: team.project.id, title: 'Twice' });
    expect(a.id).not.toBe(b.id);
  });
});
