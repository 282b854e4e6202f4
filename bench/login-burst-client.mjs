// Load side of login-burst.ts, in its own thread: N concurrent logins, and a viewer query every
// few milliseconds while they run.
import { parentPort, workerData } from 'node:worker_threads';

const { url, email, password, token, logins } = workerData;
const post = (body, auth) =>
  fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
    body: JSON.stringify(body),
  }).then((r) => r.json());

const viewerMs = [];
let running = true;
const probe = (async () => {
  while (running) {
    const t0 = performance.now();
    const res = await post({ query: '{ viewer { id } }' }, token);
    if (!res.data?.viewer) throw new Error(`viewer failed: ${JSON.stringify(res)}`);
    viewerMs.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 10));
  }
})();

const started = performance.now();
const results = await Promise.all(
  Array.from({ length: logins }, () =>
    post({ query: 'mutation($i: LogInInput!) { logIn(input: $i) { __typename } }', variables: { i: { email, password } } }),
  ),
);
const burstMs = performance.now() - started;
running = false;
await probe;
const ok = results.filter((r) => r.data?.logIn?.__typename === 'AuthPayload').length;
parentPort.postMessage({ burstMs, ok, viewerMs });
