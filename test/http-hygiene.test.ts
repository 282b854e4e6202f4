// HTTP hygiene: CSRF (only JSON POSTs), no mutations over GET, no batching, the body limit, the
// CORS allowlist, security headers, and introspection, field suggestions and GraphiQL off in
// production unless configured.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpUser, startTestApp, type TestApp } from './helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const URL = 'http://trackr.test/graphql';
const SIGN_UP =
  'mutation { signUp(input: { email: "csrf@example.com", name: "C", password: "correct horse battery staple" }) { __typename } }';

async function send(init: RequestInit, url = URL) {
  const response = await t.app.fetch(url, init);
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: () => JSON.parse(text) as { errors?: { extensions?: { code?: string } }[] },
  };
}

describe('CSRF', () => {
  it('refuses the bodies a browser sends cross-site without a preflight: forms, multipart and text', async () => {
    const form = new URLSearchParams({ query: SIGN_UP });
    const multipart = new FormData();
    multipart.set('operations', JSON.stringify({ query: SIGN_UP }));
    const attempts: (RequestInit & { name: string })[] = [
      { name: 'form', method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() },
      { name: 'multipart', method: 'POST', body: multipart },
      { name: 'text', method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query: SIGN_UP }) },
      { name: 'graphql', method: 'POST', headers: { 'content-type': 'application/graphql' }, body: SIGN_UP },
    ];
    for (const init of attempts) {
      const res = await send(init);
      expect(res.status, init.name).toBe(415);
      expect(res.json().errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    }
    // Nothing was created: the same sign-up as JSON still finds the address free.
    const json = await send({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: SIGN_UP.replace('csrf@', `csrf-${Date.now()}@`) }),
    });
    expect(json.status).toBe(200);
    expect(json.text).toContain('AuthPayload');
  });

  it('answers queries over GET but refuses mutations there', async () => {
    const query = await send(
      { method: 'GET', headers: { accept: 'application/json' } },
      `${URL}?query=${encodeURIComponent('{ __typename }')}`,
    );
    expect(query.status).toBe(200);
    const mutation = await send({ method: 'GET', headers: { accept: 'application/json' } }, `${URL}?query=${encodeURIComponent(SIGN_UP)}`);
    expect(mutation.status).toBe(405);
    expect(mutation.text).not.toContain('AuthPayload');
  });

  it('has batching off and the body limit on', async () => {
    const batch = await send({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]),
    });
    expect(batch.status).toBeGreaterThanOrEqual(400);
    const big = JSON.stringify({ query: `{ __typename } # ${'x'.repeat(t.config.maxBodyBytes)}` });
    const tooBig = await send({
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(big.length) },
      body: big,
    });
    expect(tooBig.status).toBe(413);
  });
});

describe('CORS', () => {
  it('answers only the allowlisted origins', async () => {
    const preflight = (origin: string) =>
      send({
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
    const allowed = await preflight('http://localhost:5173');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    for (const origin of ['https://evil.example', 'null']) {
      const refused = await preflight(origin);
      expect(refused.headers.get('access-control-allow-origin'), origin).toBeNull();
    }
  });
});

describe('security headers', () => {
  const json = { method: 'POST', headers: { 'content-type': 'application/json' } };

  it('on every API response, tokens or errors or health', async () => {
    const user = await signUpUser(t);
    const responses = [
      await send({
        ...json,
        body: JSON.stringify({ query: '{ viewer { id } }' }),
        headers: { ...json.headers, authorization: `Bearer ${user.token}` },
      }),
      await send({ ...json, body: '{ not json' }),
      await send({ method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' }),
      await send({ method: 'GET' }, 'http://trackr.test/health'),
    ];
    for (const res of responses) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'.*frame-ancestors 'none'/);
    }
  });

  it('on a sign-up that carries tokens', async () => {
    const res = await send({
      ...json,
      body: JSON.stringify({
        query: SIGN_UP.replace('csrf@', `tokens-${Date.now()}@`).replace('__typename', '... on AuthPayload { accessToken refreshToken }'),
      }),
    });
    expect(res.text).toContain('refreshToken');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});

describe('production', () => {
  const INTROSPECT = '{ __schema { queryType { name } } }';
  const TYPO = '{ viewr { id } }';

  it('refuses introspection, drops field suggestions and serves no GraphiQL', async () => {
    // GRAPHIQL and INTROSPECTION left to their production defaults.
    const prod = await startTestApp({ NODE_ENV: 'production', GRAPHIQL: '' });
    try {
      const introspection = await prod.gql(INTROSPECT);
      expect(introspection.errors?.[0].message).toMatch(/introspection/i);
      expect(introspection.data).toBeFalsy();
      const typo = await prod.gql(TYPO);
      expect(typo.errors?.[0].message).toMatch(/Cannot query field "viewr"/);
      expect(typo.errors?.[0].message).not.toMatch(/Did you mean/);
      const page = await prod.app.fetch(URL, { headers: { accept: 'text/html' } });
      expect(page.headers.get('content-type') ?? '').not.toContain('text/html');
      expect(await page.text()).not.toMatch(/graphiql/i);
      expect((await prod.gql('{ __typename }')).data).toEqual({ __typename: 'Query' });
    } finally {
      await prod.close();
    }
  });

  it('allows introspection and suggestions when configured, and by default in development', async () => {
    const enabled = await startTestApp({ NODE_ENV: 'production', INTROSPECTION: 'true' });
    try {
      expect((await enabled.gql(INTROSPECT)).errors).toBeUndefined();
      expect((await enabled.gql(TYPO)).errors?.[0].message).toMatch(/Did you mean "viewer"/);
    } finally {
      await enabled.close();
    }
    expect((await t.gql(INTROSPECT)).errors).toBeUndefined();
  });
});
