// Trusted documents: codegen's manifest on the server (TRUSTED_DOCUMENTS), Apollo's persisted-queries
// link and urql's persisted exchange sending hashes with the same convention.
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApolloClient } from '../../examples/web-client/src/apollo.js';
import { createProject, myProjects, signUp } from '../../examples/web-client/src/app.js';
import { MyProjects, SignUp } from '../../examples/web-client/src/operations.js';
import { documentHash, TokenStore } from '../../examples/web-client/src/session.js';
import { createUrqlClient } from '../../examples/web-client/src/urql.js';
import { loadConfig, ConfigError } from '../../src/config.js';
import { trustedDocuments } from '../../src/graphql/trusted-documents.js';
import { uniqueKey } from '../helpers/app.js';
import { expiredCopyOf, PASSWORD, recordingFetch, serve, uniqueEmail, type Served } from './harness.js';

const MANIFEST = 'examples/web-client/src/gql/persisted-documents.json';

type Answer = { status: number; body: { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] } };
async function post(url: string, body: object): Promise<Answer> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}
const ADHOC = { query: '{ __typename }' };
const unknownHash = { extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } };

describe('TRUSTED_DOCUMENTS=required', () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve({ TRUSTED_DOCUMENTS: 'required', TRUSTED_DOCUMENTS_MANIFEST: MANIFEST });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('runs the manifest documents Apollo Client sends by hash, refresh included, and nothing sent as text', async () => {
    const rec = recordingFetch();
    const tokens = new TokenStore();
    const client = createApolloClient({ uri: s.url, tokens, fetch: rec.fetch, persistedDocuments: true });
    await signUp(client, tokens, { email: uniqueEmail(), name: 'Hash', password: PASSWORD });
    const project = await createProject(client, uniqueKey(), 'Trusted');
    expect(project.ok).toBe(true);
    tokens.save({ accessToken: await expiredCopyOf(tokens.accessToken!), refreshToken: tokens.current!.refreshToken });
    expect((await myProjects(client)).map((p) => p.name)).toEqual(['Trusted']);

    expect(rec.named('RefreshSession')).toHaveLength(1);
    expect(rec.sent.every((r) => !r.hasQuery && r.hash !== undefined)).toBe(true);
    expect(rec.named('SignUp')[0].hash).toBe(documentHash(SignUp));

    // The same client without persisted documents is refused, with a code to branch on.
    const plain = createApolloClient({ uri: s.url, tokens });
    await expect(plain.query({ query: MyProjects, variables: { first: 1 } })).rejects.toMatchObject({
      errors: [{ extensions: { code: 'PERSISTED_QUERY_ONLY' } }],
    });
  });

  it('runs urql operations by hash, and refuses documents sent as text and unknown hashes', async () => {
    const rec = recordingFetch();
    const tokens = new TokenStore();
    const client = createUrqlClient({ url: s.url, tokens, fetch: rec.fetch, persistedDocuments: true });
    const signedUp = await client.mutation(SignUp, { input: { email: uniqueEmail(), name: 'Urql', password: PASSWORD } }).toPromise();
    if (signedUp.data?.signUp.__typename !== 'AuthPayload') throw new Error(JSON.stringify(signedUp.error ?? signedUp.data));
    tokens.save(signedUp.data.signUp);
    const projects = await client.query(MyProjects, { first: 5 }).toPromise();
    expect(projects.data?.viewer?.name).toBe('Urql');
    expect(rec.sent.map((r) => [r.operationName, r.hasQuery, r.hash])).toEqual([
      ['SignUp', false, documentHash(SignUp)],
      ['MyProjects', false, documentHash(MyProjects)],
    ]);

    const text = await post(s.url, ADHOC);
    expect(text.status).toBe(400);
    expect(text.body.errors?.[0].extensions?.code).toBe('PERSISTED_QUERY_ONLY');
    const unknown = await post(s.url, unknownHash);
    expect(unknown.body.errors?.[0]).toMatchObject({
      message: 'PersistedQueryNotFound',
      extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' },
    });
  });
});

describe('TRUSTED_DOCUMENTS=allowed', () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve({ TRUSTED_DOCUMENTS: 'allowed', TRUSTED_DOCUMENTS_MANIFEST: MANIFEST });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('runs manifest documents by hash and any document sent as text', async () => {
    const rec = recordingFetch();
    const tokens = new TokenStore();
    const client = createApolloClient({ uri: s.url, tokens, fetch: rec.fetch, persistedDocuments: true });
    await signUp(client, tokens, { email: uniqueEmail(), name: 'Both', password: PASSWORD });
    expect(await myProjects(client)).toEqual([]);
    expect(rec.sent.map((r) => [r.operationName, r.hasQuery, r.status])).toEqual([
      ['SignUp', false, 200],
      ['MyProjects', false, 200],
    ]);
    expect(await post(s.url, ADHOC)).toMatchObject({ status: 200, body: { data: { __typename: 'Query' } } });
    // An unknown hash gets the answer after which Apollo and urql send the document itself.
    expect((await post(s.url, unknownHash)).body.errors?.[0].message).toBe('PersistedQueryNotFound');
  });
});

describe('TRUSTED_DOCUMENTS configuration', () => {
  it('needs a manifest, and refuses one whose keys are not the sha256 of their documents', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', DATA_DIR: tmpdir(), TRUSTED_DOCUMENTS: 'required' })).toThrow(
      /TRUSTED_DOCUMENTS_MANIFEST: required with TRUSTED_DOCUMENTS=required/,
    );
    const file = join(mkdtempSync(join(tmpdir(), 'trackr-manifest-')), 'manifest.json');
    writeFileSync(file, JSON.stringify({ ['b'.repeat(64)]: '{ __typename }' }));
    expect(() => trustedDocuments({ mode: 'required', manifestPath: file })).toThrow(ConfigError);
    expect(() => trustedDocuments({ mode: 'required', manifestPath: file })).toThrow(/is not the hex sha256 of its document/);
    expect(trustedDocuments({ mode: 'off' })).toEqual({});
  });
});
