// Issues, labels, comments and history end to end through app.fetch with real tokens: every write
// for each role and for outsiders, partial updates and optimistic concurrency, parent rules,
// soft delete and restore, and the never-reveal rule for everything reached through an issue.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProjectAs, signUpUser, startTestApp, type TestApp } from './helpers/app.js';
import {
  addComment,
  addMember,
  commentOf,
  commentsOf,
  createIssue,
  createLabel,
  deleteComment,
  deleteIssue,
  deleteLabel,
  expectFieldErrors,
  failure,
  globalId,
  historyOf,
  issueAction,
  issueOf,
  labelOf,
  newIssue,
  newLabel,
  nodeLookup,
  projectIssueKeys,
  query,
  rawIdOf,
  readIssue,
  setUpTeam,
  typenameOf,
  updateComment,
  updateIssue,
  updateLabel,
  type IssueView,
  type Role,
  type Team,
} from './helpers/issues.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const userOf = (team: Team, role: Role) => ({ OWNER: team.owner, ADMIN: team.admin, MEMBER: team.member, VIEWER: team.viewer })[role];
const tokenOf = (team: Team, role: Role) => userOf(team, role).token;

describe('createIssue', () => {
  it('creates an issue with every field as OWNER, ADMIN and MEMBER', async () => {
    const team = await setUpTeam(t);
    const { project } = team;
    const bug = await newLabel(t, team.admin.token, project.id, 'bug');
    const api = await newLabel(t, team.admin.token, project.id, 'api');
    const parent = await newIssue(t, team.owner.token, { projectId: project.id, title: 'Epic' });

    let number = 1;
    for (const role of ['OWNER', 'ADMIN', 'MEMBER'] as const) {
      const issue = await newIssue(t, tokenOf(team, role), {
        projectId: project.id,
        title: `  Full issue by ${role}  `,
        description: 'All the **fields**',
        status: 'IN_PROGRESS',
        priority: 'HIGH',
        estimate: 0,
        dueDate: '2030-02-28',
        assigneeId: team.viewer.id, // any member may be assigned, viewers included
        parentId: parent.id,
        labelIds: [bug.id, api.id, bug.id],
      });
      number += 1;
      expect(issue).toMatchObject({
        key: `${project.key}-${number}`,
        number,
        title: `Full issue by ${role}`,
        description: 'All the **fields**',
        status: 'IN_PROGRESS',
        priority: 'HIGH',
        estimate: 0,
        dueDate: '2030-02-28',
        version: 1,
        closedAt: null,
        archivedAt: null,
        assignee: { id: team.viewer.id },
        reporter: { id: userOf(team, role).id },
        parent: { id: parent.id },
      });
      expect(issue.labels.map((l) => l.name)).toEqual(['api', 'bug']);
      // What the mutation returned is what a later read sees.
      expect(await readIssue(t, team.viewer.token, issue.id)).toEqual(issue);
    }

    const defaults = await newIssue(t, team.member.token, { projectId: project.id, title: 'Defaults' });
    expect(defaults).toMatchObject({
      status: 'TODO',
      priority: 'NONE',
      estimate: null,
      dueDate: null,
      assignee: null,
      parent: null,
      labels: [],
      description: '',
    });
    const done = await newIssue(t, team.member.token, { projectId: project.id, title: 'Born done', status: 'DONE' });
    expect(done.closedAt).not.toBeNull();
  });

  it('refuses bad input field by field, and a refused create uses no number', async () => {
    const team = await setUpTeam(t);
    const other = await createProjectAs(t, team.owner.token);
    const foreignLabel = await newLabel(t, team.owner.token, other.id, 'foreign');
    const foreignIssue = await newIssue(t, team.owner.token, { projectId: other.id, title: 'Elsewhere' });
    const projectId = team.project.id;
    const token = team.member.token;

    expectFieldErrors(await createIssue(t, token, { projectId, title: '   ' }), ['title']);
    expectFieldErrors(await createIssue(t, token, { projectId, title: 'x'.repeat(256) }), ['title']);
    expectFieldErrors(await createIssue(t, token, { projectId, title: 'Negative', estimate: -1 }), ['estimate']);
    expectFieldErrors(await createIssue(t, token, { projectId, title: 'Huge', estimate: 1001 }), ['estimate']);
    expectFieldErrors(await createIssue(t, token, { projectId, title: 'Two at once', estimate: -5 }), ['estimate']);
    expectFieldErrors(await createIssue(t, token, { projectId, title: '', estimate: -5 }), ['estimate', 'title']);
    expectFieldErrors(await createIssue(t, token, { projectId, title: 'Assignee', assigneeId: team.outsider.id }), ['assigneeId']);
    expectFieldErrors(await createIssue(t, token, { projectId, title: 'Ghost assignee', assigneeId: globalId('User') }), ['assigneeId']);
    expectFieldErrors(await createIssue(t, token, { projectId, title: 'Parent', parentId: foreignIssue.id }), ['parentId']);
    expectFieldErrors(await createIssue(t, token, { projectId, title: 'Ghost parent', parentId: globalId('Issue') }), ['parentId']);
    expectFieldErrors(await createIssue(t, token, { projectId, title: 'Label', labelIds: [foreignLabel.id] }), ['labelIds']);
    expectFieldErrors(await createIssue(t, token, { projectId, title: 'Ghost label', labelIds: [globalId('Label')] }), ['labelIds']);

    expect((await projectIssueKeys(t, token, projectId)).total).toBe(0);
    const first = await newIssue(t, token, { projectId, title: 'Finally valid' });
    expect(first.number).toBe(1);
  });

  it('gives a VIEWER FORBIDDEN, and an outsider NOT_FOUND exactly as for a missing project', async () => {
    const team = await setUpTeam(t);
    const viewer = failure(await createIssue(t, team.viewer.token, { projectId: team.project.id, title: 'Nope' }), 'FORBIDDEN');
    expect(viewer.__typename).toBe('ForbiddenError');
    const hidden = await createIssue(t, team.outsider.token, { projectId: team.project.id, title: 'Nope' });
    const missing = await createIssue(t, team.outsider.token, { projectId: globalId('Project'), title: 'Nope' });
    failure(hidden, 'NOT_FOUND');
    expect(hidden).toEqual(missing);
    expect((await projectIssueKeys(t, team.owner.token, team.project.id)).total).toBe(0);
  });
});

describe('updateIssue', () => {
  it('changes only the given fields, null clears optional ones, and version counts real changes', async () => {
    const team = await setUpTeam(t);
    const { project } = team;
    const parent = await newIssue(t, team.member.token, { projectId: project.id, title: 'Parent' });
    const created = await newIssue(t, team.member.token, {
      projectId: project.id,
      title: 'Original',
      description: 'Keep me',
      priority: 'LOW',
      estimate: 3,
      dueDate: '2030-01-01',
      assigneeId: team.member2.id,
      parentId: parent.id,
    });
    expect(created.version).toBe(1);

    const retitled = issueOf(await updateIssue(t, team.member2.token, { id: created.id, title: 'Renamed' }));
    expect(retitled).toEqual({ ...created, title: 'Renamed', version: 2 });

    const twoFields = issueOf(await updateIssue(t, team.admin.token, { id: created.id, status: 'IN_REVIEW', priority: 'URGENT' }));
    expect(twoFields).toEqual({ ...retitled, status: 'IN_REVIEW', priority: 'URGENT', version: 3 });

    // The same values again, and an empty update: nothing changes, not even the version.
    const noop = issueOf(
      await updateIssue(t, team.owner.token, { id: created.id, title: 'Renamed', status: 'IN_REVIEW', estimate: 3, dueDate: '2030-01-01' }),
    );
    expect(noop).toEqual(twoFields);
    expect(issueOf(await updateIssue(t, team.owner.token, { id: created.id }))).toEqual(twoFields);
    const eventsBeforeClear = (await historyOf(t, team.owner.token, created.id)).length;

    const cleared = issueOf(
      await updateIssue(t, team.member.token, { id: created.id, assigneeId: null, dueDate: null, estimate: null, parentId: null }),
    );
    expect(cleared).toEqual({ ...twoFields, assignee: null, dueDate: null, estimate: null, parent: null, version: 4 });
    expect(await readIssue(t, team.viewer.token, created.id)).toEqual(cleared);
    expect((await historyOf(t, team.owner.token, created.id)).length).toBe(eventsBeforeClear + 4);

    // Clearing what is already clear is a no-op too.
    expect(issueOf(await updateIssue(t, team.member.token, { id: created.id, assigneeId: null, parentId: null }))).toEqual(cleared);
  });

  it('refuses bad input field by field and changes nothing', async () => {
    const team = await setUpTeam(t);
    const other = await createProjectAs(t, team.owner.token);
    const foreignLabel = await newLabel(t, team.owner.token, other.id, 'foreign');
    const foreignIssue = await newIssue(t, team.owner.token, { projectId: other.id, title: 'Elsewhere' });
    const issue = await newIssue(t, team.member.token, { projectId: team.project.id, title: 'Stable', estimate: 2 });
    const token = team.member.token;

    expectFieldErrors(await updateIssue(t, token, { id: issue.id, title: '' }), ['title']);
    expectFieldErrors(await updateIssue(t, token, { id: issue.id, title: null }), ['title']);
    expectFieldErrors(await updateIssue(t, token, { id: issue.id, estimate: -1, title: 'With a bad estimate' }), ['estimate']);
    expectFieldErrors(await updateIssue(t, token, { id: issue.id, assigneeId: team.outsider.id, title: 'Bad assignee' }), ['assigneeId']);
    expectFieldErrors(await updateIssue(t, token, { id: issue.id, parentId: foreignIssue.id, title: 'Bad parent' }), ['parentId']);
    expectFieldErrors(await updateIssue(t, token, { id: issue.id, labelIds: [foreignLabel.id], title: 'Bad label' }), ['labelIds']);
    expect(await readIssue(t, token, issue.id)).toEqual(issue);
    expect((await historyOf(t, token, issue.id)).map((e) => e.type)).toEqual(['CREATED']);
  });

  it('answers a stale expectedVersion with ConflictError carrying the current issue, and changes nothing', async () => {
    const team = await setUpTeam(t);
    const issue = await newIssue(t, team.member.token, { projectId: team.project.id, title: 'v1' });
    const v2 = issueOf(await updateIssue(t, team.member2.token, { id: issue.id, title: 'v2 by someone else', expectedVersion: 1 }));
    expect(v2.version).toBe(2);

    const stale = failure(
      await updateIssue(t, team.member.token, { id: issue.id, title: 'my v2', priority: 'HIGH', expectedVersion: 1 }),
      'CONFLICT',
    );
    expect(stale.__typename).toBe('ConflictError');
    expect(stale.currentIssue).toEqual({ id: issue.id, version: 2, title: 'v2 by someone else' });
    expect(await readIssue(t, team.member.token, issue.id)).toEqual(v2);
    expect((await historyOf(t, team.member.token, issue.id)).length).toBe(2);

    // Merging and retrying with the current version works.
    const merged = issueOf(await updateIssue(t, team.member.token, { id: issue.id, priority: 'HIGH', expectedVersion: 2 }));
    expect(merged).toMatchObject({ title: 'v2 by someone else', priority: 'HIGH', version: 3 });
    // A version from the future is stale too.
    failure(await updateIssue(t, team.member.token, { id: issue.id, title: 'x', expectedVersion: 99 }), 'CONFLICT');
  });

  it('loses nothing when members update different fields at the same time', async () => {
    const team = await setUpTeam(t);
    const { project } = team;
    const [l1, l2] = [await newLabel(t, team.admin.token, project.id, 'one'), await newLabel(t, team.admin.token, project.id, 'two')];
    const parent = await newIssue(t, team.owner.token, { projectId: project.id, title: 'Parent' });
    const issue = await newIssue(t, team.owner.token, { projectId: project.id, title: 'Contended' });
    const writers = [team.owner, team.admin, team.member, team.member2];
    const changes: Record<string, unknown>[] = [
      { title: 'New title' },
      { description: 'New description' },
      { status: 'IN_PROGRESS' },
      { priority: 'URGENT' },
      { estimate: 8 },
      { dueDate: '2031-12-31' },
      { assigneeId: team.member2.id },
      { parentId: parent.id },
      { labelIds: [l1.id, l2.id] },
    ];
    const results = await Promise.all(
      changes.map((change, i) => updateIssue(t, writers[i % writers.length].token, { id: issue.id, ...change })),
    );
    results.forEach(issueOf);

    const final = await readIssue(t, team.viewer.token, issue.id);
    expect(final).toMatchObject({
      title: 'New title',
      description: 'New description',
      status: 'IN_PROGRESS',
      priority: 'URGENT',
      estimate: 8,
      dueDate: '2031-12-31',
      assignee: { id: team.member2.id },
      parent: { id: parent.id },
      version: 1 + changes.length,
    });
    expect(final?.labels.map((l) => l.name)).toEqual(['one', 'two']);
    // Every version was handed out exactly once.
    expect(results.map((r) => issueOf(r).version).sort((a, b) => a - b)).toEqual(changes.map((_, i) => i + 2));
    const events = await historyOf(t, team.viewer.token, issue.id);
    expect(
      events
        .filter((e) => e.type === 'UPDATED')
        .map((e) => e.field)
        .sort(),
    ).toEqual(['assigneeId', 'description', 'dueDate', 'estimate', 'parentId', 'priority', 'status', 'title']);
    expect(events.filter((e) => e.type === 'LABEL_ADDED')).toHaveLength(2);
  });

  it('lets exactly one of several updates with the same expectedVersion win', async () => {
    const team = await setUpTeam(t);
    const issue = await newIssue(t, team.member.token, { projectId: team.project.id, title: 'Race' });
    const writers = [team.owner, team.admin, team.member, team.member2];
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => updateIssue(t, writers[i % 4].token, { id: issue.id, title: `Writer ${i}`, expectedVersion: 1 })),
    );
    const winners = results.filter((r) => r.__typename === 'IssuePayload').map(issueOf);
    const losers = results.filter((r) => r.__typename !== 'IssuePayload');
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(7);
    for (const loser of losers) {
      const conflict = failure(loser, 'CONFLICT');
      expect(conflict.currentIssue).toEqual({ id: issue.id, version: 2, title: winners[0].title });
    }
    expect(await readIssue(t, team.member.token, issue.id)).toMatchObject({ title: winners[0].title, version: 2 });
  });

  it('sets closedAt when the issue reaches DONE or CANCELED and clears it when reopened', async () => {
    const team = await setUpTeam(t);
    const issue = await newIssue(t, team.member.token, { projectId: team.project.id, title: 'Lifecycle' });
    expect(issue.closedAt).toBeNull();
    const inProgress = issueOf(await updateIssue(t, team.member.token, { id: issue.id, status: 'IN_PROGRESS' }));
    expect(inProgress.closedAt).toBeNull();

    const before = Date.now();
    const done = issueOf(await updateIssue(t, team.member.token, { id: issue.id, status: 'DONE' }));
    expect(done.closedAt).not.toBeNull();
    expect(Math.abs(Date.parse(done.closedAt!) - before)).toBeLessThan(60_000);
    // Closed to closed keeps it closed.
    const canceled = issueOf(await updateIssue(t, team.member.token, { id: issue.id, status: 'CANCELED' }));
    expect(canceled.closedAt).not.toBeNull();
    // Editing something else leaves closedAt alone.
    expect(issueOf(await updateIssue(t, team.member.token, { id: issue.id, title: 'Still closed' })).closedAt).toBe(canceled.closedAt);

    const reopened = issueOf(await updateIssue(t, team.member.token, { id: issue.id, status: 'TODO' }));
    expect(reopened.closedAt).toBeNull();
    const canceledAgain = issueOf(await updateIssue(t, team.member.token, { id: issue.id, status: 'CANCELED' }));
    expect(canceledAgain.closedAt).not.toBeNull();
    const backlog = issueOf(await updateIssue(t, team.member.token, { id: issue.id, status: 'BACKLOG' }));
    expect(backlog.closedAt).toBeNull();
  });

  it('lets MEMBER and above edit and archive, and gives a VIEWER FORBIDDEN', async () => {
    const team = await setUpTeam(t);
    const issue = await newIssue(t, team.member.token, { projectId: team.project.id, title: 'Roles' });
    for (const role of ['OWNER', 'ADMIN', 'MEMBER'] as const) {
      const token = tokenOf(team, role);
      expect(issueOf(await updateIssue(t, token, { id: issue.id, title: `Edited by ${role}` })).title).toBe(`Edited by ${role}`);
      expect(issueOf(await issueAction(t, token, 'archiveIssue', issue.id)).archivedAt).not.toBeNull();
      expect(issueOf(await issueAction(t, token, 'unarchiveIssue', issue.id)).archivedAt).toBeNull();
      const can = await query<{ issue: { viewerCan: { update: boolean; comment: boolean; delete: boolean } } }>(
        t,
        'query($id: ID!) { issue(id: $id) { viewerCan { update comment delete } } }',
        { id: issue.id },
        token,
      );
      expect(can.issue.viewerCan).toEqual({ update: true, comment: true, delete: true });
    }
    const before = await readIssue(t, team.viewer.token, issue.id);
    failure(await updateIssue(t, team.viewer.token, { id: issue.id, title: 'Viewer edit' }), 'FORBIDDEN');
    failure(await issueAction(t, team.viewer.token, 'archiveIssue', issue.id), 'FORBIDDEN');
    failure(await issueAction(t, team.viewer.token, 'unarchiveIssue', issue.id), 'FORBIDDEN');
    expect(await readIssue(t, team.viewer.token, issue.id)).toEqual(before);
    const can = await query<{ issue: { viewerCan: { update: boolean; comment: boolean; delete: boolean } } }>(
      t,
      'query($id: ID!) { issue(id: $id) { viewerCan { update comment delete } } }',
      { id: issue.id },
      team.member2.token,
    );
    expect(can.issue.viewerCan).toEqual({ update: true, comment: true, delete: false });
  });
});

describe('parents', () => {
  it('refuses the issue itself and cycles, and lists children oldest first', async () => {
    const team = await setUpTeam(t);
    const projectId = team.project.id;
    const token = team.member.token;
    const a = await newIssue(t, token, { projectId, title: 'A' });
    const b = await newIssue(t, token, { projectId, title: 'B', parentId: a.id });
    const c = await newIssue(t, token, { projectId, title: 'C' });
    issueOf(await updateIssue(t, token, { id: c.id, parentId: b.id }));

    expectFieldErrors(await updateIssue(t, token, { id: a.id, parentId: a.id }), ['parentId']);
    expectFieldErrors(await updateIssue(t, token, { id: a.id, parentId: b.id }), ['parentId']);
    expectFieldErrors(await updateIssue(t, token, { id: a.id, parentId: c.id }), ['parentId']);
    expect((await readIssue(t, token, a.id))?.parent).toBeNull();
    expect((await readIssue(t, token, a.id))?.version).toBe(1);

    const d = await newIssue(t, token, { projectId, title: 'D', parentId: a.id });
    const children = await query<{ issue: { children: { edges: { node: { title: string; parent: { id: string } } }[] } } }>(
      t,
      'query($id: ID!) { issue(id: $id) { children(first: 10) { edges { node { title parent { id } } } } } }',
      { id: a.id },
      token,
    );
    expect(children.issue.children.edges.map((e) => e.node)).toEqual([
      { title: 'B', parent: { id: a.id } },
      { title: 'D', parent: { id: a.id } },
    ]);

    // Moving B under D is fine (no cycle), and then A lists only D.
    issueOf(await updateIssue(t, token, { id: b.id, parentId: d.id }));
    const after = await query<{ issue: { children: { edges: { node: { title: string } }[] } } }>(
      t,
      'query($id: ID!) { issue(id: $id) { children(first: 10) { edges { node { title } } } } }',
      { id: a.id },
      token,
    );
    expect(after.issue.children.edges.map((e) => e.node.title)).toEqual(['D']);
  });

  it('answers two opposite parent changes at the same time cleanly: one wins, the other is refused', async () => {
    const team = await setUpTeam(t);
    const projectId = team.project.id;
    for (let round = 0; round < 10; round++) {
      const a = await newIssue(t, team.member.token, { projectId, title: `A${round}` });
      const b = await newIssue(t, team.member2.token, { projectId, title: `B${round}` });
      // Top-level errors (a deadlock surfacing as INTERNAL_SERVER_ERROR) fail inside updateIssue.
      const results = await Promise.all([
        updateIssue(t, team.member.token, { id: a.id, parentId: b.id }),
        updateIssue(t, team.member2.token, { id: b.id, parentId: a.id }),
      ]);
      expect(results.map((r) => r.__typename).sort(), `round ${round}`).toEqual(['IssuePayload', 'ValidationError']);
    }
  });

  it('cannot be tricked into a longer cycle by concurrent parent changes', async () => {
    const team = await setUpTeam(t);
    const projectId = team.project.id;
    const cycles: number[] = [];
    for (let round = 0; round < 10; round++) {
      // B is under A; at once A moves under C and C moves under B: together A -> C -> B -> A.
      const a = await newIssue(t, team.member.token, { projectId, title: `A${round}` });
      const b = await newIssue(t, team.member.token, { projectId, title: `B${round}`, parentId: a.id });
      const c = await newIssue(t, team.member.token, { projectId, title: `C${round}` });
      await Promise.all([
        updateIssue(t, team.member.token, { id: a.id, parentId: c.id }),
        updateIssue(t, team.member2.token, { id: c.id, parentId: b.id }),
      ]);
      const parents = await Promise.all(
        [a, b, c].map(async (issue) => (await readIssue(t, team.member.token, issue.id))?.parent?.id ?? null),
      );
      if (parents[0] === c.id && parents[1] === a.id && parents[2] === b.id) cycles.push(round);
    }
    // Every parent check that walks into such a cycle then loops forever, holding a row lock and a connection.
    expect(cycles, 'rounds that ended with A -> C -> B -> A').toEqual([]);
  });
});

describe('labels', () => {
  it('lets ADMIN and OWNER manage labels; MEMBER and VIEWER get FORBIDDEN, outsiders NOT_FOUND', async () => {
    const team = await setUpTeam(t);
    const projectId = team.project.id;
    const created = labelOf(await createLabel(t, team.admin.token, { projectId, name: ' bug ', color: '#FF0000', description: 'Broken' }));
    expect(created).toMatchObject({ name: 'bug', color: '#ff0000', description: 'Broken' });
    expect(labelOf(await createLabel(t, team.owner.token, { projectId, name: 'feature' })).color).toBe('#6b7280');

    for (const role of ['MEMBER', 'VIEWER'] as const) {
      const token = tokenOf(team, role);
      failure(await createLabel(t, token, { projectId, name: `by ${role}` }), 'FORBIDDEN');
      failure(await updateLabel(t, token, { id: created.id, name: `renamed by ${role}` }), 'FORBIDDEN');
      failure(await deleteLabel(t, token, created.id), 'FORBIDDEN');
    }
    const hidden = await createLabel(t, team.outsider.token, { projectId, name: 'x' });
    failure(hidden, 'NOT_FOUND');
    expect(hidden).toEqual(await createLabel(t, team.outsider.token, { projectId: globalId('Project'), name: 'x' }));
    const hiddenUpdate = await updateLabel(t, team.outsider.token, { id: created.id, name: 'x' });
    failure(hiddenUpdate, 'NOT_FOUND');
    expect(hiddenUpdate).toEqual(await updateLabel(t, team.outsider.token, { id: globalId('Label'), name: 'x' }));
    failure(await deleteLabel(t, team.outsider.token, created.id), 'NOT_FOUND');

    failure(await createLabel(t, team.admin.token, { projectId, name: 'bug' }), 'CONFLICT');
    failure(await updateLabel(t, team.admin.token, { id: created.id, name: 'feature' }), 'CONFLICT');
    expectFieldErrors(await createLabel(t, team.admin.token, { projectId, name: 'red', color: 'red' }), ['color']);
    expectFieldErrors(await createLabel(t, team.admin.token, { projectId, name: 'short', color: '#fff' }), ['color']);
    expectFieldErrors(await createLabel(t, team.admin.token, { projectId, name: '  ' }), ['name']);
    expectFieldErrors(await updateLabel(t, team.admin.token, { id: created.id, color: '#12345g' }), ['color']);

    const renamed = labelOf(await updateLabel(t, team.admin.token, { id: created.id, name: 'defect', color: '#00FF00' }));
    expect(renamed).toEqual({ id: created.id, name: 'defect', color: '#00ff00', description: 'Broken' });
    expect(labelOf(await updateLabel(t, team.owner.token, { id: created.id, description: 'Really broken' })).description).toBe(
      'Really broken',
    );

    const deleted = await deleteLabel(t, team.admin.token, created.id);
    expect(deleted).toEqual({ __typename: 'DeletePayload', deletedId: created.id });
    failure(await deleteLabel(t, team.admin.token, created.id), 'NOT_FOUND');
    const list = await query<{ project: { labels: { edges: { node: { name: string } }[] } } }>(
      t,
      'query($id: ID!) { project(id: $id) { labels(first: 10) { edges { node { name } } } } }',
      { id: projectId },
      team.viewer.token,
    );
    expect(list.project.labels.edges.map((e) => e.node.name)).toEqual(['feature']);
  });

  it("replaces an issue's label set, lists labels by name, and drops deleted labels from issues", async () => {
    const team = await setUpTeam(t);
    const projectId = team.project.id;
    const [zeta, alpha, mid] = [
      await newLabel(t, team.admin.token, projectId, 'zeta'),
      await newLabel(t, team.admin.token, projectId, 'alpha'),
      await newLabel(t, team.admin.token, projectId, 'mid'),
    ];
    const issue = await newIssue(t, team.member.token, { projectId, title: 'Labelled', labelIds: [zeta.id, alpha.id] });
    expect(issue.labels.map((l) => l.name)).toEqual(['alpha', 'zeta']);

    const replaced = issueOf(await updateIssue(t, team.member.token, { id: issue.id, labelIds: [mid.id, zeta.id] }));
    expect(replaced.labels.map((l) => l.name)).toEqual(['mid', 'zeta']);
    expect(replaced.version).toBe(2);
    // The same set in another order is no change.
    expect(issueOf(await updateIssue(t, team.member.token, { id: issue.id, labelIds: [zeta.id, mid.id] })).version).toBe(2);

    const other = await newIssue(t, team.member.token, { projectId, title: 'Also zeta', labelIds: [zeta.id] });
    expect((await deleteLabel(t, team.admin.token, zeta.id)).__typename).toBe('DeletePayload');
    expect((await readIssue(t, team.member.token, issue.id))?.labels.map((l) => l.name)).toEqual(['mid']);
    expect((await readIssue(t, team.member.token, other.id))?.labels).toEqual([]);

    expect(issueOf(await updateIssue(t, team.member.token, { id: issue.id, labelIds: [] })).labels).toEqual([]);
    issueOf(await updateIssue(t, team.member.token, { id: issue.id, labelIds: [alpha.id] }));
    expect(issueOf(await updateIssue(t, team.member.token, { id: issue.id, labelIds: null })).labels).toEqual([]);
  });
});

describe('history', () => {
  it('records every change in order with field, values and actor', async () => {
    const team = await setUpTeam(t);
    const projectId = team.project.id;
    const label = await newLabel(t, team.admin.token, projectId, 'bug');
    const issue = await newIssue(t, team.member.token, { projectId, title: 'Tracked', dueDate: '2030-05-01' });

    issueOf(await updateIssue(t, team.member2.token, { id: issue.id, title: 'Tracked closely' }));
    issueOf(await updateIssue(t, team.admin.token, { id: issue.id, status: 'IN_PROGRESS', priority: 'HIGH' }));
    issueOf(await updateIssue(t, team.member.token, { id: issue.id, assigneeId: team.member2.id, dueDate: null }));
    issueOf(await updateIssue(t, team.member.token, { id: issue.id, estimate: 5 }));
    const epic = await newIssue(t, team.member.token, { projectId, title: 'Epic' });
    issueOf(await updateIssue(t, team.member.token, { id: issue.id, parentId: epic.id }));
    issueOf(await updateIssue(t, team.member.token, { id: issue.id })); // no-op: no event
    issueOf(await updateIssue(t, team.admin.token, { id: issue.id, labelIds: [label.id] }));
    issueOf(await updateIssue(t, team.admin.token, { id: issue.id, labelIds: [] }));
    issueOf(await issueAction(t, team.member.token, 'archiveIssue', issue.id));
    issueOf(await issueAction(t, team.member2.token, 'unarchiveIssue', issue.id));
    const comment = commentOf(await addComment(t, team.owner.token, issue.id, 'Looks good'));
    expect((await deleteIssue(t, team.member.token, issue.id)).__typename).toBe('DeletePayload');
    issueOf(await issueAction(t, team.admin.token, 'restoreIssue', issue.id));

    const events = await historyOf(t, team.viewer.token, issue.id);
    const view = events.map(({ type, field, fromValue, toValue, actor }) => ({ type, field, fromValue, toValue, actor: actor?.id }));
    const E = (
      type: string,
      actor: string,
      field: string | null = null,
      fromValue: string | null = null,
      toValue: string | null = null,
    ) => ({ type, field, fromValue, toValue, actor });
    // Events of one mutation share a timestamp, so compare those as sets.
    const bySet = <T>(list: T[]) => [...list].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    expect(view.slice(0, 2)).toEqual([E('CREATED', team.member.id), E('UPDATED', team.member2.id, 'title', 'Tracked', 'Tracked closely')]);
    expect(bySet(view.slice(2, 4))).toEqual(
      bySet([E('UPDATED', team.admin.id, 'status', 'TODO', 'IN_PROGRESS'), E('UPDATED', team.admin.id, 'priority', 'NONE', 'HIGH')]),
    );
    expect(bySet(view.slice(4, 6))).toEqual(
      bySet([
        E('UPDATED', team.member.id, 'assigneeId', null, team.member2.id),
        E('UPDATED', team.member.id, 'dueDate', '2030-05-01', null),
      ]),
    );
    expect(view.slice(6)).toEqual([
      E('UPDATED', team.member.id, 'estimate', null, '5'),
      E('UPDATED', team.member.id, 'parentId', null, epic.id),
      E('LABEL_ADDED', team.admin.id, 'labels', null, label.id),
      E('LABEL_REMOVED', team.admin.id, 'labels', label.id, null),
      E('ARCHIVED', team.member.id),
      E('UNARCHIVED', team.member2.id),
      E('COMMENTED', team.owner.id, null, null, comment.id),
      E('DELETED', team.member.id),
      E('RESTORED', team.admin.id),
    ]);
    // Values name users, labels and comments by global id, as everywhere else in the API.
    const node = await query<{ node: { __typename: string; type: string } }>(
      t,
      'query($id: ID!) { node(id: $id) { __typename ... on IssueEvent { type } } }',
      { id: events[0].id },
      team.viewer.token,
    );
    expect(node.node).toEqual({ __typename: 'IssueEvent', type: 'CREATED' });
  });
});

describe('archive, delete and restore', () => {
  it('archives out of the default list but keeps the issue readable', async () => {
    const team = await setUpTeam(t);
    const projectId = team.project.id;
    const kept = await newIssue(t, team.member.token, { projectId, title: 'Kept' });
    const shelved = await newIssue(t, team.member.token, { projectId, title: 'Shelved' });
    const archived = issueOf(await issueAction(t, team.member2.token, 'archiveIssue', shelved.id));
    expect(archived.archivedAt).not.toBeNull();
    expect(archived.version).toBe(2);

    expect(await projectIssueKeys(t, team.viewer.token, projectId)).toEqual({ total: 1, keys: [kept.key] });
    expect(await projectIssueKeys(t, team.viewer.token, projectId, { archived: true })).toEqual({ total: 1, keys: [shelved.key] });
    expect((await readIssue(t, team.viewer.token, shelved.id))?.archivedAt).toBe(archived.archivedAt);

    issueOf(await issueAction(t, team.member.token, 'unarchiveIssue', shelved.id));
    expect((await projectIssueKeys(t, team.viewer.token, projectId)).total).toBe(2);
  });

  it('treats archiving an archived issue (and unarchiving an active one) as a no-op', async () => {
    const team = await setUpTeam(t);
    const issue = await newIssue(t, team.member.token, { projectId: team.project.id, title: 'Twice' });
    const once = issueOf(await issueAction(t, team.member.token, 'archiveIssue', issue.id));
    const twice = issueOf(await issueAction(t, team.member.token, 'archiveIssue', issue.id));
    expect(twice.archivedAt).toBe(once.archivedAt);
    expect(twice.version).toBe(once.version);
    const active = await newIssue(t, team.member.token, { projectId: team.project.id, title: 'Active' });
    expect(issueOf(await issueAction(t, team.member.token, 'unarchiveIssue', active.id)).version).toBe(1);
    expect((await historyOf(t, team.member.token, issue.id)).map((e) => e.type)).toEqual(['CREATED', 'ARCHIVED']);
    expect((await historyOf(t, team.member.token, active.id)).map((e) => e.type)).toEqual(['CREATED']);
  });

  it('lets ADMIN, OWNER and the reporting MEMBER delete and restore; another MEMBER and VIEWER get FORBIDDEN', async () => {
    const team = await setUpTeam(t);
    const projectId = team.project.id;
    const mine = await newIssue(t, team.member.token, { projectId, title: 'Mine' });

    failure(await deleteIssue(t, team.member2.token, mine.id), 'FORBIDDEN');
    failure(await deleteIssue(t, team.viewer.token, mine.id), 'FORBIDDEN');
    expect(await readIssue(t, team.member.token, mine.id)).not.toBeNull();

    expect(await deleteIssue(t, team.member.token, mine.id)).toEqual({ __typename: 'DeletePayload', deletedId: mine.id });
    failure(await issueAction(t, team.member2.token, 'restoreIssue', mine.id), 'FORBIDDEN');
    failure(await issueAction(t, team.viewer.token, 'restoreIssue', mine.id), 'FORBIDDEN');
    const restored = issueOf(await issueAction(t, team.member.token, 'restoreIssue', mine.id));
    expect(restored).toMatchObject({ id: mine.id, key: mine.key, title: 'Mine' });
    // Restoring a live issue: there is nothing deleted to restore.
    failure(await issueAction(t, team.member.token, 'restoreIssue', mine.id), 'NOT_FOUND');

    for (const role of ['ADMIN', 'OWNER'] as const) {
      const token = tokenOf(team, role);
      expect((await deleteIssue(t, token, mine.id)).__typename).toBe('DeletePayload');
      failure(await deleteIssue(t, token, mine.id), 'NOT_FOUND');
      expect(issueOf(await issueAction(t, token, 'restoreIssue', mine.id)).id).toBe(mine.id);
    }
  });

  it('makes a deleted issue vanish from every read and write until restored', async () => {
    const team = await setUpTeam(t);
    const projectId = team.project.id;
    const keep = await newIssue(t, team.member.token, { projectId, title: 'Keep' });
    const gone = await newIssue(t, team.member.token, { projectId, title: 'Gone', parentId: keep.id });
    const comment = commentOf(await addComment(t, team.member.token, gone.id, 'On a doomed issue'));
    expect((await deleteIssue(t, team.admin.token, gone.id)).__typename).toBe('DeletePayload');

    const token = team.owner.token;
    expect(await readIssue(t, token, gone.id)).toBeNull();
    const lookups = await query<{ byKey: null; list: { totalCount: number } }>(
      t,
      `query($key: String!) { byKey: issueByKey(key: $key) { id } list: issues(first: 10, filter: { projectId: "${projectId}" }) { totalCount } }`,
      { key: gone.key },
      token,
    );
    expect(lookups).toEqual({ byKey: null, list: { totalCount: 1 } });
    // (Whether node() also raises an error is checked in "never reveal".)
    expect((await nodeLookup(t, token, gone.id)).node).toBeNull();
    expect((await nodeLookup(t, token, comment.id)).node).toBeNull();
    expect(await projectIssueKeys(t, token, projectId)).toEqual({ total: 1, keys: [keep.key] });
    expect(await projectIssueKeys(t, token, projectId, { archived: true })).toEqual({ total: 0, keys: [] });
    const children = await query<{ issue: { children: { edges: unknown[] } } }>(
      t,
      'query($id: ID!) { issue(id: $id) { children(first: 10) { edges { node { id } } } } }',
      { id: keep.id },
      token,
    );
    expect(children.issue.children.edges).toEqual([]);

    // Writes to it look like writes to a missing issue.
    const missing = globalId('Issue');
    const notFound = failure(await updateIssue(t, token, { id: gone.id, title: 'Zombie' }), 'NOT_FOUND');
    expect(notFound).toEqual(await updateIssue(t, token, { id: missing, title: 'Zombie' }));
    failure(await issueAction(t, token, 'archiveIssue', gone.id), 'NOT_FOUND');
    failure(await addComment(t, token, gone.id, 'Hello?'), 'NOT_FOUND');
    failure(await updateComment(t, team.member.token, comment.id, 'Edited'), 'NOT_FOUND');
    expectFieldErrors(await createIssue(t, token, { projectId, title: 'Child of a deleted issue', parentId: gone.id }), ['parentId']);

    const restored = issueOf(await issueAction(t, team.member.token, 'restoreIssue', gone.id));
    expect(restored).toMatchObject({ title: 'Gone', parent: { id: keep.id } });
    expect(await readIssue(t, token, gone.id)).toEqual(restored);
    expect((await projectIssueKeys(t, token, projectId)).total).toBe(2);
    expect(await commentsOf(t, token, gone.id)).toEqual({ total: 1, bodies: ['On a doomed issue'] });
  });

  it('does not show a deleted issue as the parent of its sub-issues', async () => {
    const team = await setUpTeam(t);
    const parent = await newIssue(t, team.member.token, { projectId: team.project.id, title: 'Deleted parent' });
    const child = await newIssue(t, team.member.token, { projectId: team.project.id, title: 'Orphan', parentId: parent.id });
    expect((await deleteIssue(t, team.member.token, parent.id)).__typename).toBe('DeletePayload');
    const read = await query<{ issue: { parent: { id: string; title: string } | null } }>(
      t,
      'query($id: ID!) { issue(id: $id) { parent { id title } } }',
      { id: child.id },
      team.member.token,
    );
    expect(read.issue.parent, 'a deleted issue is readable through child.parent').toBeNull();
  });
});

describe('comments', () => {
  it('lets MEMBER and above comment, the author edit, and the author or an admin delete', async () => {
    const team = await setUpTeam(t);
    const issue = await newIssue(t, team.member.token, { projectId: team.project.id, title: 'Discussed' });

    const bodies: string[] = [];
    for (const role of ['OWNER', 'ADMIN', 'MEMBER'] as const) {
      const comment = commentOf(await addComment(t, tokenOf(team, role), issue.id, `  From ${role}  `));
      expect(comment).toMatchObject({ body: `From ${role}`, editedAt: null, issue: { id: issue.id } });
      bodies.push(`From ${role}`);
    }
    failure(await addComment(t, team.viewer.token, issue.id, 'Viewer says'), 'FORBIDDEN');
    expectFieldErrors(await addComment(t, team.member.token, issue.id, '   '), ['body']);
    expect(await commentsOf(t, team.viewer.token, issue.id)).toEqual({ total: 3, bodies });

    const mine = commentOf(await addComment(t, team.member2.token, issue.id, 'Typo hre'));
    for (const someoneElse of [team.member, team.admin, team.owner]) {
      failure(await updateComment(t, someoneElse.token, mine.id, 'Hijacked'), 'FORBIDDEN');
    }
    expectFieldErrors(await updateComment(t, team.member2.token, mine.id, ''), ['body']);
    const edited = commentOf(await updateComment(t, team.member2.token, mine.id, 'Typo here'));
    expect(edited).toMatchObject({ id: mine.id, body: 'Typo here', author: { id: team.member2.id } });
    expect(edited.editedAt).not.toBeNull();

    failure(await deleteComment(t, team.member.token, mine.id), 'FORBIDDEN');
    failure(await deleteComment(t, team.viewer.token, mine.id), 'FORBIDDEN');
    expect(await deleteComment(t, team.member2.token, mine.id)).toEqual({ __typename: 'DeletePayload', deletedId: mine.id });
    failure(await deleteComment(t, team.member2.token, mine.id), 'NOT_FOUND');
    failure(await updateComment(t, team.member2.token, mine.id, 'Back?'), 'NOT_FOUND');

    const fromOwner = await query<{ issue: { comments: { edges: { node: { id: string; body: string } }[] } } }>(
      t,
      'query($id: ID!) { issue(id: $id) { comments(first: 10) { edges { node { id body } } } } }',
      { id: issue.id },
      team.member.token,
    );
    const ownerComment = fromOwner.issue.comments.edges[0].node;
    expect(ownerComment.body).toBe('From OWNER');
    expect((await deleteComment(t, team.admin.token, ownerComment.id)).__typename).toBe('DeletePayload');
    expect(await commentsOf(t, team.viewer.token, issue.id)).toEqual({ total: 2, bodies: ['From ADMIN', 'From MEMBER'] });
    expect((await nodeLookup(t, team.member2.token, mine.id)).node).toBeNull();
  });
});

describe('never reveal', () => {
  it('shows an outsider nothing reached through an issue, exactly as for random ids', async () => {
    const team = await setUpTeam(t);
    const projectId = team.project.id;
    const label = await newLabel(t, team.admin.token, projectId, 'secret');
    const issue = await newIssue(t, team.member.token, { projectId, title: 'Secret', labelIds: [label.id] });
    const comment = commentOf(await addComment(t, team.member.token, issue.id, 'Secret comment'));
    const [event] = await historyOf(t, team.member.token, issue.id);
    const ids = [issue.id, comment.id, event.id, label.id];
    const lookups = `query($id: ID!, $key: String!) { issue(id: $id) { id } issueByKey(key: $key) { id } issues(first: 10) { totalCount } }`;
    const nodes = (token: string) =>
      t.gql<{ nodes: ({ __typename: string; id: string } | null)[] }>(
        'query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }',
        { ids },
        token,
      );

    expect(await query(t, lookups, { id: issue.id, key: issue.key }, team.viewer.token)).toEqual({
      issue: { id: issue.id },
      issueByKey: { id: issue.id },
      issues: { totalCount: 1 },
    });
    expect((await nodes(team.viewer.token)).data.nodes).toEqual([
      { __typename: 'Issue', id: issue.id },
      { __typename: 'Comment', id: comment.id },
      { __typename: 'IssueEvent', id: event.id },
      { __typename: 'Label', id: label.id },
    ]);

    expect(await query(t, lookups, { id: issue.id, key: issue.key }, team.outsider.token)).toEqual({
      issue: null,
      issueByKey: null,
      issues: { totalCount: 0 },
    });
    expect((await nodes(team.outsider.token)).data.nodes).toEqual([null, null, null, null]);
    for (const id of ids) {
      const [hidden, random] = [
        await nodeLookup(t, team.outsider.token, id),
        await nodeLookup(t, team.outsider.token, globalId(typenameOf(id))),
      ];
      expect(hidden.node).toBeNull();
      expect(hidden).toEqual(random);
    }

    const missing = { issue: globalId('Issue'), comment: globalId('Comment'), label: globalId('Label') };
    const pairs: [string, () => Promise<{ __typename: string }>, () => Promise<{ __typename: string }>][] = [
      [
        'updateIssue',
        () => updateIssue(t, team.outsider.token, { id: issue.id, title: 'Mine now' }),
        () => updateIssue(t, team.outsider.token, { id: missing.issue, title: 'Mine now' }),
      ],
      [
        'archiveIssue',
        () => issueAction(t, team.outsider.token, 'archiveIssue', issue.id),
        () => issueAction(t, team.outsider.token, 'archiveIssue', missing.issue),
      ],
      [
        'unarchiveIssue',
        () => issueAction(t, team.outsider.token, 'unarchiveIssue', issue.id),
        () => issueAction(t, team.outsider.token, 'unarchiveIssue', missing.issue),
      ],
      ['deleteIssue', () => deleteIssue(t, team.outsider.token, issue.id), () => deleteIssue(t, team.outsider.token, missing.issue)],
      [
        'restoreIssue',
        () => issueAction(t, team.outsider.token, 'restoreIssue', issue.id),
        () => issueAction(t, team.outsider.token, 'restoreIssue', missing.issue),
      ],
      [
        'addComment',
        () => addComment(t, team.outsider.token, issue.id, 'Hi'),
        () => addComment(t, team.outsider.token, missing.issue, 'Hi'),
      ],
      [
        'updateComment',
        () => updateComment(t, team.outsider.token, comment.id, 'Hi'),
        () => updateComment(t, team.outsider.token, missing.comment, 'Hi'),
      ],
      [
        'deleteComment',
        () => deleteComment(t, team.outsider.token, comment.id),
        () => deleteComment(t, team.outsider.token, missing.comment),
      ],
      [
        'updateLabel',
        () => updateLabel(t, team.outsider.token, { id: label.id, name: 'x' }),
        () => updateLabel(t, team.outsider.token, { id: missing.label, name: 'x' }),
      ],
      ['deleteLabel', () => deleteLabel(t, team.outsider.token, label.id), () => deleteLabel(t, team.outsider.token, missing.label)],
    ];
    for (const [name, hidden, random] of pairs) {
      const [a, b] = [await hidden(), await random()];
      expect(a, name).toMatchObject({ code: 'NOT_FOUND' });
      expect(a, name).toEqual(b);
    }
    // Nothing changed.
    expect(await readIssue(t, team.member.token, issue.id)).toEqual(issue);
    expect(await commentsOf(t, team.member.token, issue.id)).toEqual({ total: 1, bodies: ['Secret comment'] });
  });

  it('answers node lookups of hidden, deleted and missing objects with null and no error', async () => {
    const team = await setUpTeam(t);
    const label = await newLabel(t, team.admin.token, team.project.id, 'secret');
    const issue = await newIssue(t, team.member.token, { projectId: team.project.id, title: 'Secret', labelIds: [label.id] });
    const comment = commentOf(await addComment(t, team.member.token, issue.id, 'Secret comment'));
    const [event] = await historyOf(t, team.member.token, issue.id);
    const deletedComment = commentOf(await addComment(t, team.member.token, issue.id, 'Gone'));
    expect((await deleteComment(t, team.member.token, deletedComment.id)).__typename).toBe('DeletePayload');
    const deletedIssue = await newIssue(t, team.member.token, { projectId: team.project.id, title: 'Gone' });
    expect((await deleteIssue(t, team.member.token, deletedIssue.id)).__typename).toBe('DeletePayload');

    const cases: [string, string, string][] = [
      ['hidden Issue', team.outsider.token, issue.id],
      ['hidden Comment', team.outsider.token, comment.id],
      ['hidden IssueEvent', team.outsider.token, event.id],
      ['hidden Label', team.outsider.token, label.id],
      ['deleted Issue', team.member.token, deletedIssue.id],
      ['deleted Comment', team.member.token, deletedComment.id],
      ['missing Issue', team.member.token, globalId('Issue')],
    ];
    const answers = await Promise.all(cases.map(([, token, id]) => nodeLookup(t, token, id)));
    expect(Object.fromEntries(cases.map(([name], i) => [name, answers[i]]))).toEqual(
      Object.fromEntries(cases.map(([name]) => [name, { node: null, errorCodes: [] }])),
    );
  });

  it('hides an issue from a member who leaves the project', async () => {
    const team = await setUpTeam(t);
    const issue = await newIssue(t, team.member.token, { projectId: team.project.id, title: 'Before leaving' });
    const left = await query<{ leaveProject: { __typename: string } }>(
      t,
      'mutation($input: LeaveProjectInput!) { leaveProject(input: $input) { __typename } }',
      { input: { projectId: team.project.id } },
      team.member.token,
    );
    expect(left.leaveProject.__typename).toBe('RemoveProjectMemberPayload');
    expect(await readIssue(t, team.member.token, issue.id)).toBeNull();
    failure(await updateIssue(t, team.member.token, { id: issue.id, title: 'After leaving' }), 'NOT_FOUND');
  });

  it("does not let a member of two projects attach one project's labels, parents or members to the other's issues", async () => {
    const team = await setUpTeam(t);
    const projectA = team.project.id;
    const projectB = await createProjectAs(t, team.member.token); // member is OWNER of B, MEMBER of A
    const bOnly = await signUpUser(t, 'B only');
    await addMember(t, team.member.token, projectB.id, bOnly.id, 'MEMBER');
    const labelB = await newLabel(t, team.member.token, projectB.id, 'b-label');
    const issueB = await newIssue(t, team.member.token, { projectId: projectB.id, title: 'In B' });
    const issueA = await newIssue(t, team.member.token, { projectId: projectA, title: 'In A' });

    const token = team.member.token;
    expectFieldErrors(await createIssue(t, token, { projectId: projectA, title: 'x', labelIds: [labelB.id] }), ['labelIds']);
    expectFieldErrors(await createIssue(t, token, { projectId: projectA, title: 'x', parentId: issueB.id }), ['parentId']);
    expectFieldErrors(await createIssue(t, token, { projectId: projectA, title: 'x', assigneeId: bOnly.id }), ['assigneeId']);
    expectFieldErrors(await updateIssue(t, token, { id: issueA.id, labelIds: [labelB.id] }), ['labelIds']);
    expectFieldErrors(await updateIssue(t, token, { id: issueA.id, parentId: issueB.id }), ['parentId']);
    expectFieldErrors(await updateIssue(t, token, { id: issueA.id, assigneeId: bOnly.id }), ['assigneeId']);
    expectFieldErrors(await updateIssue(t, token, { id: issueB.id, parentId: issueA.id }), ['parentId']);
    // A's admin cannot use B's label either, and an id of the wrong type is refused at the edge.
    expectFieldErrors(await updateIssue(t, team.admin.token, { id: issueA.id, labelIds: [labelB.id] }), ['labelIds']);
    const wrongType = await t.gql(
      'mutation($input: UpdateIssueInput!) { updateIssue(input: $input) { __typename } }',
      { input: { id: issueA.id, parentId: labelB.id } },
      token,
    );
    expect(wrongType.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(await readIssue(t, token, issueA.id)).toEqual(issueA);
    expect((await projectIssueKeys(t, token, projectA)).total).toBe(1);
  });
});

describe('numbering', () => {
  it('numbers 30 issues created at once by 30 different members 1..30', async () => {
    const owner = await signUpUser(t, 'Owner');
    const project = await createProjectAs(t, owner.token);
    const members = await Promise.all(Array.from({ length: 30 }, (_, i) => signUpUser(t, `Member ${i}`)));
    for (const member of members) await addMember(t, owner.token, project.id, member.id, 'MEMBER');

    const results = await Promise.all(members.map((m, i) => createIssue(t, m.token, { projectId: project.id, title: `Parallel ${i}` })));
    const issues: IssueView[] = results.map(issueOf);
    expect(issues.map((i) => i.number).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(new Set(issues.map((i) => i.key)).size).toBe(30);
    // Each issue belongs to the member who created it.
    issues.forEach((issue, i) => expect(issue.reporter.id).toBe(members[i].id));
    const next = await newIssue(t, owner.token, { projectId: project.id, title: 'After the rush' });
    expect(next.number).toBe(31);
  });
});

// Guards the hand-built ids above: they must be the server's own.
it('builds global ids the way the server does', async () => {
  const user = await signUpUser(t);
  expect(globalId(typenameOf(user.id), rawIdOf(user.id))).toBe(user.id);
  expect(typenameOf(user.id)).toBe('User');
});
