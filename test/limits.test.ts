// Hostile queries: too deep, too costly (also via variables), too long, and page sizes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_TOKENS } from '../src/app.js';
import { signUpUser, startTestApp, type SignedUp, type TestApp } from './helpers/app.js';

let t: TestApp;
let user: SignedUp;
beforeAll(async () => {
  t = await startTestApp();
  user = await signUpUser(t);
});
afterAll(() => t.close());

describe('query limits', () => {
  it('refuses a query that would fetch too many nested items, counting page sizes given in variables', async () => {
    const query = `query($n: Int!) { viewer { projects(first: $n) { edges { node { issues(first: $n) { edges { node {
      key title assignee { name } reporter { name } labels { name } comments(first: $n) { edges { node { body } } } } } } } } } } }`;
    const huge = await t.gql(query, { n: 100 }, user.token);
    expect(huge.errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(huge.errors?.[0].message).toMatch(/too costly/);
    const modest = await t.gql(query, { n: 5 }, user.token);
    expect(modest.errors).toBeUndefined();
  });

  it('refuses a query nested too deep', async () => {
    let selection = 'key';
    for (let i = 0; i < 20; i++) selection = `parent { ${selection} }`;
    const res = await t.gql(`{ issues(first: 1) { edges { node { ${selection} } } } }`, {}, user.token);
    expect(res.errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(res.errors?.[0].message).toMatch(/too deep/);
  });

  it(`refuses documents of more than ${MAX_TOKENS} tokens before doing any work`, async () => {
    const aliases = Array.from({ length: MAX_TOKENS / 2 }, (_, i) => `a${i}: __typename`).join(' ');
    const res = await t.gql(`{ ${aliases} }`);
    expect(res.errors?.[0].message).toMatch(/tokens/);
    expect(res.errors?.[0].extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('refuses page sizes outside 1..100 instead of clamping them', async () => {
    for (const first of [0, -1, 101]) {
      const res = await t.gql('query($n: Int!) { viewer { projects(first: $n) { edges { node { id } } } } }', { n: first }, user.token);
      expect(res.errors?.[0].extensions?.code, String(first)).toBe('BAD_USER_INPUT');
    }
  });
});
