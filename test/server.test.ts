// The real process: start-up failures, the embedded database across a restart, graceful shutdown.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEmptyDatabase } from './helpers/db.js';

type Run = { child: ChildProcess; output: () => string; exited: Promise<number | null> };

function run(env: Record<string, string>, args: string[] = []): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitFor(r: Run, pattern: RegExp, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(r.output())) {
    if (Date.now() > deadline || r.child.exitCode !== null) throw new Error(`never saw ${pattern}: ${r.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function waitForListening(r: Run, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = /"url":"(http:\/\/[^"]+)\/graphql"/.exec(r.output());
    if (match) return match[1];
    if (r.child.exitCode !== null) throw new Error(`server exited: ${r.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`server did not start: ${r.output()}`);
}

describe('the server process', () => {
  it('exits non-zero within seconds, with a clear message, when the database is unreachable', async () => {
    const started = Date.now();
    const r = run({ DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/none', DATABASE_CONNECT_TIMEOUT_MS: '2000' });
    expect(await r.exited).toBe(1);
    // Seconds, not the minutes a pool waiting forever would take (tsx's own start-up is most of it on a loaded machine).
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(r.output()).toMatch(/Trackr cannot start: Cannot reach the database at postgresql:\/\/postgres@127\.0\.0\.1:1\/none/);
  });

  it('refuses bad configuration, naming the variable', async () => {
    const badPort = run({ PORT: 'eighty' });
    expect(await badPort.exited).toBe(1);
    expect(badPort.output()).toMatch(/Trackr cannot start: Invalid configuration:\s+PORT:/);
    const noSecret = run({ NODE_ENV: 'production', DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/none' });
    expect(await noSecret.exited).toBe(1);
    expect(noSecret.output()).toMatch(/JWT_SECRET: required in production/);
  });

  it('keeps embedded data across a restart and shuts down gracefully on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'trackr-server-'));
    // A long grace period: on a loaded machine the embedded database and the hash can outlast the
    // default 10 s, and the forced exit would then cut the very request this test watches.
    const env = { DATA_DIR: dataDir, PORT: '0', BCRYPT_COST: '10', LOG_LEVEL: 'debug', SHUTDOWN_TIMEOUT_MS: '60000' };
    const signUp = (url: string) =>
      fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: 'mutation($i: SignUpInput!) { signUp(input: $i) { __typename } }',
          variables: { i: { email: 'restart@example.com', name: 'R', password: 'correct horse battery' } },
        }),
      }).then((res) => res.json() as Promise<{ data: { signUp: { __typename: string } } }>);

    const first = run(env);
    const url = await waitForListening(first);
    // A request in flight when SIGTERM arrives still gets its answer (the server reports at debug
    // level when it has received a request; signUp then spends a bcrypt hash before answering).
    const inFlight = signUp(url);
    await waitFor(first, /"path":"\/graphql","msg":"request started"/);
    first.child.kill('SIGTERM');
    expect((await inFlight).data.signUp.__typename).toBe('AuthPayload');
    expect(await first.exited).toBe(0);
    expect(first.output()).toMatch(/"msg":"stopped"/);
    expect(first.output()).not.toMatch(/did not finish in time/);
    expect(existsSync(join(dataDir, 'pglite', 'trackr.pid'))).toBe(false);

    const second = run(env);
    const url2 = await waitForListening(second);
    expect((await signUp(url2)).data.signUp.__typename).toBe('ConflictError');
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  }, 120_000);

  it('on SIGTERM answers every request in flight, each with Connection: close, and exits without waiting out keep-alive', async () => {
    const db = await createEmptyDatabase();
    // A long grace period: a keep-alive connection left open would hold the exit for all of it.
    const r = run({ DATABASE_URL: db.url, PORT: '0', BCRYPT_COST: '10', LOG_LEVEL: 'debug', SHUTDOWN_TIMEOUT_MS: '60000' });
    try {
      const url = await waitForListening(r);
      const agent = new Agent({ keepAlive: true, maxSockets: 100 });
      const post = (body: unknown) =>
        new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>((resolve, reject) => {
          const payload = JSON.stringify(body);
          const req = request(
            `${url}/graphql`,
            { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
            (res) => {
              let text = '';
              res.on('data', (chunk: Buffer) => (text += chunk.toString()));
              res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
              res.on('error', reject);
            },
          );
          req.on('error', reject);
          req.end(payload);
        });
      // Warm keep-alive connections, idle when the signal comes.
      await Promise.all(Array.from({ length: 5 }, () => post({ query: '{ __typename }' })));
      const started = () => r.output().split('"path":"/graphql","msg":"request started"').length - 1;
      const before = started();
      const count = 30;
      const inFlight = Array.from({ length: count }, (_, i) =>
        post({
          query: 'mutation($i: SignUpInput!) { signUp(input: $i) { __typename } }',
          variables: { i: { email: `drain-${i}-${Date.now()}@example.com`, name: 'D', password: 'correct horse battery' } },
        }).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))),
      );
      while (started() < before + count) await new Promise((resolve) => setTimeout(resolve, 5));
      r.child.kill('SIGTERM');
      const results = await Promise.all(inFlight);
      for (const result of results) {
        expect(result).not.toBeInstanceOf(Error);
        if (result instanceof Error) continue;
        expect(result.status).toBe(200);
        expect(JSON.parse(result.body)).toMatchObject({ data: { signUp: { __typename: 'AuthPayload' } } });
      }
      expect(await r.exited).toBe(0);
      // Every request the server still had when it began shutting down is answered with Connection: close.
      // Counted from the server's own figure, not from when the client sent the signal: on a busy machine a
      // response written before the signal is handled can arrive after it was sent, and rightly keeps alive.
      const inFlightAtShutdown = Number(/"inFlight":(\d+),"msg":"shutting down/.exec(r.output())?.[1]);
      expect(inFlightAtShutdown).toBeGreaterThan(0);
      const closing = results.filter((result) => !(result instanceof Error) && result.headers.connection === 'close');
      expect(closing.length).toBeGreaterThanOrEqual(inFlightAtShutdown);
      expect(r.output()).toMatch(/"msg":"stopped"/);
      expect(r.output()).not.toMatch(/did not finish in time/);
      agent.destroy();
    } finally {
      if (r.child.exitCode === null) r.child.kill('SIGKILL');
      await db.drop();
    }
  }, 120_000);

  it('applies migrations and exits with `migrate`', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'trackr-migrate-'));
    const r = run({ DATA_DIR: dataDir }, ['migrate']);
    expect(await r.exited).toBe(0);
    expect(r.output()).toMatch(/applying migration 20261126000000_init/);
    expect(r.output()).not.toMatch(/listening/);
  }, 60_000);
});
