// Integrity under concurrency: a member's removal racing assignments to them leaves nothing assigned
// to a non-member; ownership never goes to a deactivated account; a project never loses its last
// active owner to a deactivation (refused), even when two owners deactivate at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProjectAs, signUpUser, startTestApp, type SignedUp, type TestApp } from './helpers/app.js';
import { addMember, createIssue, newIssue, rawIdOf, updateIssue } from './helpers/issues.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const RESULT = '__typename ... on Error { code message } ... on ValidationError { fieldErrors { field message } }';

async function mutate(token: string, field: string, inputType: string, input: Record<string, unknown>) {
  const res = await t.gql<Record<string, { __typename: string; code?: string; fieldErrors?: { field: string }[] }>>(
    `mutation($input: ${inputType}!) { ${field}(input: $input) { ${RESULT} } }`,
    { input },
    token,
  );
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data[field];
}

const removeMember = (token: string, projectId: string, userId: string) =>
  mutate(token, 'removeProjectMember', 'RemoveProjectMemberInput', { projectId, userId });
const transfer = (token: string, projectId: string, newOwnerId: string) =>
  mutate(token, 'transferProjectOwnership', 'TransferProjectOwnershipInput', { projectId, newOwnerId });
const deactivate = (user: SignedUp) => mutate(user.token, 'deactivateAccount', 'DeactivateAccountInput', { password: user.password });

describe('integrity under concurrency', () => {
  it('leaves no open issue assigned to someone whose removal raced the assignment', async () => {
    const owner = await signUpUser(t, 'Owner');
    const project = await createProjectAs(t, owner.token);
    const existing = await newIssue(t, owner.token, { projectId: project.id, title: 'Reassigned' });
    for (let round = 0; round < 12; round++) {
      const member = await signUpUser(t, `Member ${round}`);
      await addMember(t, owner.token, project.id, member.id, 'MEMBER');
      await Promise.all([
        createIssue(t, owner.token, { projectId: project.id, title: `Race ${round}a`, assigneeId: member.id }),
        removeMember(owner.token, project.id, member.id),
        createIssue(t, owner.token, { projectId: project.id, title: `Race ${round}b`, assigneeId: member.id }),
        updateIssue(t, owner.token, { id: existing.id, assigneeId: member.id }),
      ]);
    }
    const { rows } = await t.db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM issues i
       WHERE i.project_id = $1 AND i.assignee_id IS NOT NULL AND i.closed_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM project_members m WHERE m.project_id = i.project_id AND m.user_id = i.assignee_id)`,
      [rawIdOf(project.id)],
    );
    expect(rows[0].n).toBe(0);
  }, 120_000);

  it('refuses to transfer ownership to a deactivated account', async () => {
    const [owner, gone] = await Promise.all([signUpUser(t, 'Owner'), signUpUser(t, 'Gone')]);
    const project = await createProjectAs(t, owner.token);
    await addMember(t, owner.token, project.id, gone.id, 'ADMIN');
    expect((await deactivate(gone)).__typename).toBe('DeactivateAccountPayload');
    const refused = await transfer(owner.token, project.id, gone.id);
    expect(refused).toMatchObject({ __typename: 'ValidationError', fieldErrors: [{ field: 'newOwnerId' }] });
    const { rows } = await t.db.pool.query<{ owner_id: string }>('SELECT owner_id FROM projects WHERE id = $1', [rawIdOf(project.id)]);
    expect(rows[0].owner_id).toBe(rawIdOf(owner.id));
  });

  it('refuses a sole owner’s deactivation, and passes the primary ownership on when another owner remains', async () => {
    const [owner, second] = await Promise.all([signUpUser(t, 'Owner'), signUpUser(t, 'Second')]);
    const project = await createProjectAs(t, owner.token);
    expect(await deactivate(owner)).toMatchObject({ __typename: 'ConflictError', code: 'CONFLICT' });
    // Still active: the refused deactivation changed nothing.
    expect((await t.gql('{ viewer { id } }', {}, owner.token)).errors).toBeUndefined();
    await addMember(t, owner.token, project.id, second.id, 'OWNER');
    expect((await deactivate(owner)).__typename).toBe('DeactivateAccountPayload');
    const { rows } = await t.db.pool.query<{ owner_id: string }>('SELECT owner_id FROM projects WHERE id = $1', [rawIdOf(project.id)]);
    expect(rows[0].owner_id).toBe(rawIdOf(second.id));
  });

  it('lets only one of two owners deactivating at once go, so the project keeps an active owner', async () => {
    const [a, b] = await Promise.all([signUpUser(t, 'A'), signUpUser(t, 'B')]);
    const project = await createProjectAs(t, a.token);
    await addMember(t, a.token, project.id, b.id, 'OWNER');
    const results = await Promise.all([deactivate(a), deactivate(b)]);
    expect(results.map((r) => r.__typename).sort()).toEqual(['ConflictError', 'DeactivateAccountPayload']);
    const { rows } = await t.db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM project_members m JOIN users u ON u.id = m.user_id
       WHERE m.project_id = $1 AND m.role = 'OWNER' AND u.is_active`,
      [rawIdOf(project.id)],
    );
    expect(rows[0].n).toBe(1);
  });

  it('does not let a transfer racing the new owner’s deactivation leave a deactivated owner alone', async () => {
    const [owner, heir] = await Promise.all([signUpUser(t, 'Owner'), signUpUser(t, 'Heir')]);
    const project = await createProjectAs(t, owner.token);
    await addMember(t, owner.token, project.id, heir.id, 'ADMIN');
    await Promise.all([transfer(owner.token, project.id, heir.id), deactivate(heir)]);
    const { rows } = await t.db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM project_members m JOIN users u ON u.id = m.user_id
       WHERE m.project_id = $1 AND m.role = 'OWNER' AND u.is_active`,
      [rawIdOf(project.id)],
    );
    expect(rows[0].n).toBeGreaterThanOrEqual(1);
  });
});
