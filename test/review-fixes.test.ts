// Bugs found in review of the rules' single homes, each proven through the front door.
import { inject } from 'vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { createIssue, deleteLabel, historyOf, issueOf, newLabel, rawIdOf, readIssue, setUpTeam, updateIssue } from './helpers/issues.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

/** Waits until a backend of this database is blocked on a lock (the request under test reached it). */
async function waitForLockWaiter(): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const { rowCount } = await t.db.pool.query(
      "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
    );
    if (rowCount) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('no request ever waited for the lock');
}

describe('updateIssue and a concurrent removal from the project', () => {
  // Needs a second connection holding a transaction open: PGlite has one connection only.
  it.skipIf(inject('testDb').mode === 'embedded')(
    'refuses the edit of a member removed while it was on its way, and saves nothing',
    async () => {
      const team = await setUpTeam(t);
      const issue = issueOf(await createIssue(t, team.member.token, { projectId: team.project.id, title: 'Before' }));

      // The removal, as removeProjectMember runs it: project row locked, membership gone, not yet committed.
      const removal = await t.db.pool.connect();
      try {
        await removal.query('BEGIN');
        await removal.query('SELECT 1 FROM projects WHERE id = $1 FOR UPDATE', [rawIdOf(team.project.id)]);
        await removal.query('DELETE FROM project_members WHERE project_id = $1 AND user_id = $2', [
          rawIdOf(team.project.id),
          rawIdOf(team.member.id),
        ]);
        const edit = updateIssue(t, team.member.token, { id: issue.id, title: 'After' });
        await waitForLockWaiter();
        await removal.query('COMMIT');
        expect(await edit).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
      } finally {
        removal.release();
      }
      expect(await readIssue(t, team.owner.token, issue.id)).toMatchObject({ title: 'Before', version: 1 });
    },
  );
});

describe('deleting a label', () => {
  it('records LABEL_REMOVED on every issue that had it, and moves each to a new version', async () => {
    const team = await setUpTeam(t);
    const label = await newLabel(t, team.admin.token, team.project.id, 'doomed');
    const tagged = issueOf(await createIssue(t, team.member.token, { projectId: team.project.id, title: 'Tagged', labelIds: [label.id] }));
    const untagged = issueOf(await createIssue(t, team.member.token, { projectId: team.project.id, title: 'Untagged' }));

    expect(await deleteLabel(t, team.admin.token, label.id)).toMatchObject({ __typename: 'DeletePayload' });

    const history = await historyOf(t, team.owner.token, tagged.id);
    expect(history.at(-1)).toMatchObject({
      type: 'LABEL_REMOVED',
      field: 'labels',
      fromValue: label.id,
      toValue: null,
      actor: { id: team.admin.id },
    });
    expect(await readIssue(t, team.owner.token, tagged.id)).toMatchObject({ version: tagged.version + 1, labels: [] });
    expect((await historyOf(t, team.owner.token, untagged.id)).map((e) => e.type)).toEqual(['CREATED']);
    expect(await readIssue(t, team.owner.token, untagged.id)).toMatchObject({ version: untagged.version });
  });
});

describe('writes queued behind each other', () => {
  // The embedded database has one connection, so concurrent transactions queue for it. They wait as
  // long as DATABASE_CONNECT_TIMEOUT_MS allows, like any query, not Prisma's own 2 s for starting
  // a transaction: a burst of writes must not fail while the database is merely busy.
  it.runIf(inject('testDb').mode === 'embedded')('lets 60 concurrent creates through one connection', async () => {
    const patient = await startTestApp({ DATABASE_CONNECT_TIMEOUT_MS: '60000' });
    try {
      const team = await setUpTeam(patient);
      const started = performance.now();
      const results = await Promise.all(
        Array.from({ length: 60 }, (_, i) => createIssue(patient, team.member.token, { projectId: team.project.id, title: `Burst ${i}` })),
      );
      const failures = results.filter((r) => r.__typename !== 'IssuePayload');
      expect(failures, `after ${Math.round(performance.now() - started)} ms`).toEqual([]);
    } finally {
      await patient.close();
    }
  });
});
