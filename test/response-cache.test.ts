// The response cache (RESPONSE_CACHE=on), attacked: every test tries to make it serve something
// stale or foreign, and compares each cached answer with the truth (the same query with a comment
// added: another document, so another cache key, so always executed). Runs with the memory store
// and with the Redis store (where two app instances share it, like two replicas).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CacheTag } from '../src/events/cache-invalidation.js';
import { MemoryResponseCacheStore, RedisResponseCacheStore, type ResponseCacheStore } from '../src/graphql/response-cache.js';
import { createProjectAs, signUpUser, startTestApp, type SignedUp, type TestApp } from './helpers/app.js';
import {
  addMember,
  createIssue,
  deleteIssue,
  globalId,
  issueAction,
  issueOf,
  setUpTeam,
  updateIssue,
  type Team,
} from './helpers/issues.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `trackr-test:rc-${randomUUID().slice(0, 8)}:`;

type Answer = { data: Record<string, unknown> | null; hit: boolean; codes: string[] };

async function ask(t: TestApp, token: string | undefined, doc: string, variables: Record<string, unknown> = {}): Promise<Answer> {
  const response = await t.app.fetch('http://trackr.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query: doc, variables }),
  });
  const body = (await response.json()) as {
    data?: Record<string, unknown> | null;
    errors?: { extensions?: { code?: string } }[];
    extensions?: { responseCache?: { hit?: boolean } };
  };
  return {
    data: body.data ?? null,
    hit: body.extensions?.responseCache?.hit === true,
    codes: (body.errors ?? []).map((e) => e.extensions?.code ?? '?'),
  };
}

/** The truth: the same query as another document (never a cache hit). */
const truth = (t: TestApp, token: string, doc: string, variables: Record<string, unknown> = {}) =>
  ask(t, token, `${doc}\n# ${randomUUID()}`, variables);

/**
 * Reads through the cache until a read is a hit (so later reads test a real cached answer). Not
 * always the second: the relay's events of earlier writes may still be arriving and invalidating.
 */
async function warm(t: TestApp, token: string, doc: string, variables: Record<string, unknown> = {}): Promise<Answer> {
  for (let tries = 0; tries < 50; tries++) {
    const answer = await ask(t, token, doc, variables);
    // Answers with errors are never cached (the plugin's rule): nothing to warm.
    if (answer.hit || answer.codes.length) return answer;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('never served from the cache');
}

/**
 * Waits until the relay has published every event written so far, and its invalidations have had
 * time to run: a warmed answer is then not dropped afterwards by an event of the set-up (the
 * embedded database's relay delivers later than PostgreSQL's LISTEN).
 */
async function relayed(t: TestApp): Promise<void> {
  await until(async () => (await t.db.prisma.outboxEvent.count({ where: { publishedAt: null } })) === 0);
  await new Promise((resolve) => setTimeout(resolve, 200));
}

/** Reads through the cache and checks the answer is the truth. */
async function expectFresh(t: TestApp, token: string, doc: string, variables: Record<string, unknown> = {}): Promise<Answer> {
  const cached = await ask(t, token, doc, variables);
  const fresh = await truth(t, token, doc, variables);
  expect(cached.codes).toEqual(fresh.codes);
  expect(cached.data).toEqual(fresh.data);
  return cached;
}

async function until(check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const PROJECT_ISSUES = `query($id: ID!) { project(id: $id) { name issues(first: 50) { totalCount edges { node { key title status archivedAt assignee { name } } } } } }`;
const ISSUE_BY_ID = `query($id: ID!) { issue(id: $id) { key title status comments(first: 10) { edges { node { body } } } } }`;
const MY_ISSUES = `query($me: ID!) { issues(first: 50, filter: { assigneeId: { in: [$me] } }) { edges { node { key title } } } }`;
const ISSUE_BY_KEY = `query($key: String!) { issueByKey(key: $key) { key title status labels { name } assignee { name } } }`;
const CHILDREN = `query($id: ID!) { issue(id: $id) { key children(first: 10) { edges { node { key title } } } } }`;
const VIEWER = `{ viewer { name projects(first: 20) { edges { node { name labels(first: 20) { edges { node { name } } } } } } } }`;

for (const store of ['memory', 'redis'] as const) {
  describe(`response cache (${store} store)`, () => {
    let t: TestApp;
    /** Another instance: with Redis, a replica sharing the store; with memory, an app without the cache (writes only). */
    let other: TestApp;
    /** Cache off, same database: writes through it reach the cache only through the relay's events. */
    let plain: TestApp;
    let team: Team;

    beforeAll(async () => {
      const env = { RESPONSE_CACHE: 'on', ...(store === 'redis' ? { REDIS_URL } : {}) };
      t = await startTestApp(env, { redisPrefix: PREFIX });
      other = await startTestApp(store === 'redis' ? env : {}, { redisPrefix: PREFIX });
      plain = await startTestApp({}, { redisPrefix: `${PREFIX}plain:` });
      team = await setUpTeam(t);
    });
    afterAll(async () => {
      await Promise.all([t?.close(), other?.close(), plain?.close()]);
    });

    it('serves repeated reads from the cache, and each viewer only their own answer', async () => {
      await warm(t, team.member.token, VIEWER);
      await t.gql(`mutation { updateProfile(input: { name: "Member" }) { __typename } }`, {}, team.member.token);
      const first = await ask(t, team.member.token, VIEWER);
      expect(first.hit).toBe(false);
      // Normally the very next read; later only if a relayed event of the set-up's writes arrived in
      // between and (rightly) invalidated the member's answers.
      const again = await warm(t, team.member.token, VIEWER);
      expect(again.hit).toBe(true);
      expect(again.data).toEqual(first.data);
      // The same document for someone else: their own answer, not the member's.
      const theirs = await ask(t, team.member2.token, VIEWER);
      expect(theirs.hit).toBe(false);
      expect((theirs.data?.viewer as { name: string }).name).toBe('Member Two');
      // Anonymous requests are never cached.
      const anon = [await ask(t, undefined, '{ viewer { name } }'), await ask(t, undefined, '{ viewer { name } }')];
      expect(anon.map((a) => a.hit)).toEqual([false, false]);
    });

    it('never caches a mutation', async () => {
      // A mutation that invalidates nothing (a refused password change), so only the plugin's own
      // rule, not a generation bump, keeps the second one from being answered from the cache.
      const doc = `mutation($input: ChangePasswordInput!) { changePassword(input: $input) { __typename ... on Error { code } } }`;
      const input = { currentPassword: 'not the password', newPassword: 'another long password 123' };
      const a = await ask(t, team.outsider.token, doc, { input });
      const b = await ask(t, team.outsider.token, doc, { input });
      expect((a.data?.changePassword as { code?: string }).code).toBeTruthy();
      expect([a.hit, b.hit]).toEqual([false, false]);
    });

    it('shows a write by another user to the first one at once, through the same or another instance', async () => {
      const vars = { id: team.project.id };
      await warm(t, team.member.token, PROJECT_ISSUES, vars);
      issueOf(await createIssue(t, team.admin.token, { projectId: team.project.id, title: 'new by admin' }));
      const after = await expectFresh(t, team.member.token, PROJECT_ISSUES, vars);
      expect(JSON.stringify(after.data)).toContain('new by admin');

      // Written through the other instance (a replica with Redis), read here at once.
      await warm(t, team.member.token, PROJECT_ISSUES, vars);
      const created = issueOf(await createIssue(other, team.admin.token, { projectId: team.project.id, title: 'via other' }));
      if (store === 'redis') {
        expect(JSON.stringify((await expectFresh(t, team.member.token, PROJECT_ISSUES, vars)).data)).toContain('via other');
      }
      // With memory stores the other instance has no cache; this one learns from the relay.
      await until(async () => JSON.stringify((await ask(t, team.member.token, PROJECT_ISSUES, vars)).data).includes('via other'));
      // And an update of that issue's title, seen in the issue itself and in the list.
      await warm(t, team.member.token, ISSUE_BY_ID, { id: created.id });
      issueOf(await updateIssue(t, team.member2.token, { id: created.id, title: 'retitled' }));
      expect(JSON.stringify((await expectFresh(t, team.member.token, ISSUE_BY_ID, { id: created.id })).data)).toContain('retitled');
      await expectFresh(t, team.member.token, PROJECT_ISSUES, vars);
    });

    it('invalidates from the relay alone: a write through a server without the cache reaches cached readers', async () => {
      const vars = { id: team.project.id };
      await warm(t, team.member.token, PROJECT_ISSUES, vars);
      issueOf(await createIssue(plain, team.owner.token, { projectId: team.project.id, title: 'relayed only' }));
      await until(async () => JSON.stringify((await ask(t, team.member.token, PROJECT_ISSUES, vars)).data).includes('relayed only'));
      await expectFresh(t, team.member.token, PROJECT_ISSUES, vars);
    });

    it('a removed member gets NOT_FOUND/null, never the cached page, right after the removal', async () => {
      const [owner, gone] = await Promise.all([signUpUser(t, 'Owner R'), signUpUser(t, 'Gone')]);
      const project = await createProjectAs(t, owner.token);
      await addMember(t, owner.token, project.id, gone.id, 'MEMBER');
      const issue = issueOf(await createIssue(t, owner.token, { projectId: project.id, title: 'secret' }));
      await warm(t, gone.token, PROJECT_ISSUES, { id: project.id });
      await warm(t, gone.token, ISSUE_BY_ID, { id: issue.id });
      await warm(t, gone.token, VIEWER);
      const removed = await t.gql(
        `mutation($input: RemoveProjectMemberInput!) { removeProjectMember(input: $input) { __typename } }`,
        { input: { projectId: project.id, userId: gone.id } },
        owner.token,
      );
      expect(removed.errors).toBeUndefined();
      for (const [doc, vars] of [
        [PROJECT_ISSUES, { id: project.id }],
        [ISSUE_BY_ID, { id: issue.id }],
        [VIEWER, {}],
      ] as const) {
        const answer = await expectFresh(t, gone.token, doc, vars);
        expect(JSON.stringify(answer.data)).not.toContain('secret');
        expect(JSON.stringify(answer.data)).not.toContain(project.key);
      }
      expect((await ask(t, gone.token, ISSUE_BY_ID, { id: issue.id })).data?.issue).toBeNull();
      expect((await ask(t, gone.token, PROJECT_ISSUES, { id: project.id })).data?.project).toBeNull();
    });

    it('a member added later sees the project at once (their cached "not found" is dropped)', async () => {
      const [owner, late] = await Promise.all([signUpUser(t, 'Owner L'), signUpUser(t, 'Late')]);
      const project = await createProjectAs(t, owner.token);
      const before = await warm(t, late.token, PROJECT_ISSUES, { id: project.id });
      expect(before.data?.project).toBeNull();
      await addMember(t, owner.token, project.id, late.id, 'VIEWER');
      const after = await expectFresh(t, late.token, PROJECT_ISSUES, { id: project.id });
      expect(after.data?.project).not.toBeNull();
    });

    it('follows delete, restore, archive and unarchive', async () => {
      const vars = { id: team.project.id };
      const issue = issueOf(
        await createIssue(t, team.owner.token, { projectId: team.project.id, title: 'lifecycle', assigneeId: team.member.id }),
      );
      const mine = { me: team.member.id };
      for (const step of [
        () => deleteIssue(t, team.admin.token, issue.id),
        () => issueAction(t, team.admin.token, 'restoreIssue', issue.id),
        () => issueAction(t, team.admin.token, 'archiveIssue', issue.id),
        () => issueAction(t, team.admin.token, 'unarchiveIssue', issue.id),
      ]) {
        await warm(t, team.member.token, PROJECT_ISSUES, vars);
        await warm(t, team.member.token, ISSUE_BY_ID, { id: issue.id });
        await warm(t, team.member.token, MY_ISSUES, mine);
        const result = (await step()) as { __typename: string };
        expect(['IssuePayload', 'DeletePayload']).toContain(result.__typename);
        await expectFresh(t, team.member.token, PROJECT_ISSUES, vars);
        await expectFresh(t, team.member.token, ISSUE_BY_ID, { id: issue.id });
        const myIssues = await expectFresh(t, team.member.token, MY_ISSUES, mine);
        expect(myIssues.codes).toEqual([]);
      }
    });

    it('follows writes without an outbox event: profile name, project settings, labels', async () => {
      await warm(t, team.member.token, PROJECT_ISSUES, { id: team.project.id });
      await warm(t, team.member.token, VIEWER);
      const issue = issueOf(
        await createIssue(t, team.owner.token, { projectId: team.project.id, title: 'assigned', assigneeId: team.admin.id }),
      );
      await warm(t, team.member.token, PROJECT_ISSUES, { id: team.project.id });
      const renamed = await t.gql(`mutation { updateProfile(input: { name: "Admin Renamed" }) { __typename } }`, {}, team.admin.token);
      expect(renamed.errors).toBeUndefined();
      expect(JSON.stringify((await expectFresh(t, team.member.token, PROJECT_ISSUES, { id: team.project.id })).data)).toContain(
        'Admin Renamed',
      );
      await warm(t, team.member.token, VIEWER);
      await t.gql(
        `mutation($input: UpdateProjectInput!) { updateProject(input: $input) { __typename } }`,
        { input: { id: team.project.id, name: 'Renamed project' } },
        team.owner.token,
      );
      expect(JSON.stringify((await expectFresh(t, team.member.token, VIEWER)).data)).toContain('Renamed project');
      await warm(t, team.member.token, VIEWER);
      await t.gql(
        `mutation($input: CreateLabelInput!) { createLabel(input: $input) { __typename } }`,
        { input: { projectId: team.project.id, name: 'fresh-label' } },
        team.admin.token,
      );
      expect(JSON.stringify((await expectFresh(t, team.member.token, VIEWER)).data)).toContain('fresh-label');
      expect(issue.id).toBeTruthy();
    });

    it('concurrent writes and reads leave no stale answer behind', async () => {
      const issue = issueOf(await createIssue(t, team.owner.token, { projectId: team.project.id, title: 'race 0' }));
      const vars = { id: issue.id };
      const writers = [team.owner, team.admin, team.member2];
      const instances = [t, other];
      let n = 0;
      const writes = Array.from({ length: 12 }, (_, i) => async () => {
        const writer = writers[i % writers.length];
        const result = await updateIssue(instances[i % 2], writer.token, { id: issue.id, title: `race ${++n}` });
        expect(result.__typename).toBe('IssuePayload');
      });
      const reads = Array.from({ length: 24 }, () => () => ask(t, team.member.token, ISSUE_BY_ID, vars));
      // Interleaved: reads start while writes are in flight (their answers may be older, that is fine).
      await Promise.all([...writes, ...reads].sort(() => Math.random() - 0.5).map((run) => run()));
      // Once the writes have answered, the cache must agree with the database (relay included).
      await until(async () => {
        const cached = await ask(t, team.member.token, ISSUE_BY_ID, vars);
        const fresh = await truth(t, team.member.token, ISSUE_BY_ID, vars);
        return JSON.stringify(cached.data) === JSON.stringify(fresh.data);
      });
      await expectFresh(t, team.member.token, ISSUE_BY_ID, vars);
      if (store === 'redis') await expectFresh(t, team.member.token, ISSUE_BY_ID, vars);
    });

    it('a logged-out or deactivated token gets nothing, not even a cached answer', async () => {
      const users: SignedUp[] = await Promise.all([signUpUser(t, 'Leaving'), signUpUser(t, 'Quitting')]);
      const [leaving, quitting] = users;
      for (const user of users) await warm(t, user.token, VIEWER);
      const refused = async (user: SignedUp) => {
        for (const app of store === 'redis' ? [t, other] : [t]) {
          const answer = await ask(app, user.token, VIEWER);
          expect(answer.hit).toBe(false);
          expect(answer.codes).toEqual(['UNAUTHENTICATED']);
          expect(answer.data).toBeNull();
        }
      };
      // logOut invalidates no answer: only the session check before the lookup refuses the token.
      const out = await t.gql('mutation { logOut { loggedOut } }', {}, leaving.token);
      expect(out.errors).toBeUndefined();
      await refused(leaving);
      const deactivated = await t.gql(
        `mutation($input: DeactivateAccountInput!) { deactivateAccount(input: $input) { __typename } }`,
        { input: { password: quitting.password } },
        quitting.token,
      );
      expect(deactivated.errors).toBeUndefined();
      await refused(quitting);
    });

    it('issue answers by id and by key survive writes to OTHER issues (and only those)', async () => {
      const kept = issueOf(await createIssue(t, team.owner.token, { projectId: team.project.id, title: 'kept' }));
      const busy = issueOf(await createIssue(t, team.owner.token, { projectId: team.project.id, title: 'busy' }));
      const byId = { id: kept.id };
      const byKey = { key: kept.key };
      // The creations' own events invalidate these issues: let them pass before warming.
      await relayed(t);
      await warm(t, team.member.token, ISSUE_BY_ID, byId);
      await warm(t, team.member.token, ISSUE_BY_KEY, byKey);
      await warm(t, team.member.token, PROJECT_ISSUES, { id: team.project.id });
      // Writes to another issue of the same project, through this instance and the other one.
      issueOf(await updateIssue(t, team.admin.token, { id: busy.id, title: 'busy 2' }));
      issueOf(await updateIssue(other, team.admin.token, { id: busy.id, status: 'IN_PROGRESS' }));
      await t.gql(
        `mutation($input: AddCommentInput!) { addComment(input: $input) { __typename } }`,
        { input: { issueId: busy.id, body: 'elsewhere' } },
        team.admin.token,
      );
      issueOf(await createIssue(t, team.admin.token, { projectId: team.project.id, title: 'another new one' }));
      // Let the relay's events of those writes arrive (they invalidate the same tags again).
      await new Promise((resolve) => setTimeout(resolve, 300));
      for (const [doc, vars] of [
        [ISSUE_BY_ID, byId],
        [ISSUE_BY_KEY, byKey],
      ] as const) {
        const cached = await ask(t, team.member.token, doc, vars);
        expect(cached.hit).toBe(true);
        expect(cached.data).toEqual((await truth(t, team.member.token, doc, vars)).data);
      }
      // The project's page did change (a new issue, a retitled one): not served from before.
      const page = await expectFresh(t, team.member.token, PROJECT_ISSUES, { id: team.project.id });
      expect(JSON.stringify(page.data)).toContain('another new one');
      // A write to the issue itself does reach its answers.
      issueOf(await updateIssue(t, team.member2.token, { id: kept.id, title: 'kept, retitled' }));
      expect(JSON.stringify((await expectFresh(t, team.member.token, ISSUE_BY_KEY, byKey)).data)).toContain('kept, retitled');
      expect(JSON.stringify((await expectFresh(t, team.member.token, ISSUE_BY_ID, byId)).data)).toContain('kept, retitled');
    });

    it('a key asked before its issue exists, and a cross-project list, see a new issue at once', async () => {
      const latest = issueOf(await createIssue(t, team.owner.token, { projectId: team.project.id, title: 'latest' }));
      const nextKey = `${team.project.key}-${latest.number + 1}`;
      const before = await warm(t, team.member.token, ISSUE_BY_KEY, { key: nextKey });
      expect(before.data?.issueByKey).toBeNull();
      const mine = { me: team.member.id };
      await warm(t, team.member.token, MY_ISSUES, mine);
      const created = issueOf(
        await createIssue(other, team.admin.token, { projectId: team.project.id, title: 'mine now', assigneeId: team.member.id }),
      );
      expect(created.key).toBe(nextKey);
      const check = async () => {
        const byKey = await expectFresh(t, team.member.token, ISSUE_BY_KEY, { key: nextKey });
        expect(byKey.data?.issueByKey).not.toBeNull();
        expect(JSON.stringify((await expectFresh(t, team.member.token, MY_ISSUES, mine)).data)).toContain('mine now');
      };
      // Through a replica sharing Redis: at once; with memory stores, once the relay has told this one.
      if (store === 'redis') await check();
      else await until(async () => JSON.stringify((await ask(t, team.member.token, MY_ISSUES, mine)).data).includes('mine now'));
      await check();
    });

    it("a new child shows in its parent's children, though the event is about the child", async () => {
      const parent = issueOf(await createIssue(t, team.owner.token, { projectId: team.project.id, title: 'parent' }));
      const child = issueOf(await createIssue(t, team.owner.token, { projectId: team.project.id, title: 'child' }));
      await warm(t, team.member.token, CHILDREN, { id: parent.id });
      issueOf(await updateIssue(t, team.admin.token, { id: child.id, parentId: parent.id }));
      expect(JSON.stringify((await expectFresh(t, team.member.token, CHILDREN, { id: parent.id })).data)).toContain(child.key);
    });

    it('a label renamed shows in the answers of the issues that carry it', async () => {
      const created = await t.gql<{ createLabel: { label: { id: string } } }>(
        `mutation($input: CreateLabelInput!) { createLabel(input: $input) { ... on LabelPayload { label { id } } } }`,
        { input: { projectId: team.project.id, name: `old-name-${randomUUID().slice(0, 6)}` } },
        team.admin.token,
      );
      const labelId = created.data.createLabel.label.id;
      const issue = issueOf(await createIssue(t, team.owner.token, { projectId: team.project.id, title: 'labelled' }));
      issueOf(await updateIssue(t, team.owner.token, { id: issue.id, labelIds: [labelId] }));
      await warm(t, team.member.token, ISSUE_BY_KEY, { key: issue.key });
      const renamed = await t.gql(
        `mutation($input: UpdateLabelInput!) { updateLabel(input: $input) { __typename } }`,
        { input: { id: labelId, name: 'new-name' } },
        team.admin.token,
      );
      expect(renamed.errors).toBeUndefined();
      expect(JSON.stringify((await expectFresh(t, team.member.token, ISSUE_BY_KEY, { key: issue.key })).data)).toContain('new-name');
    });

    it('a read that started before a write and stores after its invalidation is never served', async () => {
      const viewerId = randomUUID();
      const issueTag = CacheTag.issue(globalId('Issue'));
      const cacheStore: ResponseCacheStore =
        store === 'redis'
          ? new RedisResponseCacheStore(REDIS_URL, `${PREFIX}race:`, 60_000, () => {})
          : new MemoryResponseCacheStore(100, 60_000);
      try {
        const result = { data: { issue: { title: 'old' } } };
        const entities = [{ typename: 'Issue', id: issueTag.slice(2) }];
        // Started, then a write invalidates the issue, then the (old) answer is stored: not served.
        const racing = await cacheStore.keyFor(viewerId, 'doc-a', 'entity');
        await cacheStore.invalidateTags([issueTag]);
        await cacheStore.set(racing, result, entities, 60_000);
        expect(await cacheStore.get(racing)).toBeNull();
        // Started after the write: served; then invalidated: gone.
        const after = await cacheStore.keyFor(viewerId, 'doc-a', 'entity');
        await cacheStore.set(after, result, entities, 60_000);
        expect(await cacheStore.get(await cacheStore.keyFor(viewerId, 'doc-a', 'entity'))).toEqual(result);
        await cacheStore.invalidateTags([CacheTag.viewerLists(viewerId), issueTag]);
        expect(await cacheStore.get(await cacheStore.keyFor(viewerId, 'doc-a', 'entity'))).toBeNull();
        // Another viewer's tags, another issue's: untouched.
        const kept = await cacheStore.keyFor(viewerId, 'doc-b', 'entity');
        await cacheStore.set(kept, result, entities, 60_000);
        await cacheStore.invalidateTags([CacheTag.viewer(randomUUID()), CacheTag.issue(globalId('Issue'))]);
        expect(await cacheStore.get(kept)).toEqual(result);
      } finally {
        await cacheStore.close();
      }
    });

    it('comments: added, edited and deleted by others show at once', async () => {
      const issue = issueOf(await createIssue(t, team.owner.token, { projectId: team.project.id, title: 'talk' }));
      const vars = { id: issue.id };
      await warm(t, team.member.token, ISSUE_BY_ID, vars);
      const added = await t.gql<{ addComment: { comment: { id: string } } }>(
        `mutation($input: AddCommentInput!) { addComment(input: $input) { ... on CommentPayload { comment { id } } } }`,
        { input: { issueId: issue.id, body: 'first words' } },
        team.admin.token,
      );
      expect(JSON.stringify((await expectFresh(t, team.member.token, ISSUE_BY_ID, vars)).data)).toContain('first words');
      await warm(t, team.member.token, ISSUE_BY_ID, vars);
      await t.gql(
        `mutation($input: UpdateCommentInput!) { updateComment(input: $input) { __typename } }`,
        { input: { id: added.data.addComment.comment.id, body: 'second words' } },
        team.admin.token,
      );
      expect(JSON.stringify((await expectFresh(t, team.member.token, ISSUE_BY_ID, vars)).data)).toContain('second words');
      await warm(t, team.member.token, ISSUE_BY_ID, vars);
      await t.gql(
        `mutation($input: CommentIdInput!) { deleteComment(input: $input) { __typename } }`,
        { input: { id: added.data.addComment.comment.id } },
        team.admin.token,
      );
      expect(JSON.stringify((await expectFresh(t, team.member.token, ISSUE_BY_ID, vars)).data)).not.toContain('second words');
    });
  });
}
