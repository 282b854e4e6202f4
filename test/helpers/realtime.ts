// Real server processes and real subscription clients (SSE over fetch, graphql-ws over ws) for
// the realtime tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { TEST_JWT_SECRET } from './app.js';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export type Server = { url: string; child: ChildProcess; output: () => string; exited: Promise<number | null>; stop(): Promise<void> };

/** A unique Redis channel prefix per test run, so concurrent runs never hear each other. */
export const channelPrefix = () => `trackr-test-${randomBytes(6).toString('hex')}:`;

/** Starts `tsx src/main.ts` on a free port and waits until it listens. */
export async function startServer(env: Record<string, string>): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      PORT: '0',
      NODE_ENV: 'test',
      JWT_SECRET: TEST_JWT_SECRET,
      BCRYPT_COST: '10',
      LOG_LEVEL: 'info',
      GRAPHIQL: 'false',
      LOGIN_MAX_ATTEMPTS_PER_IP: '100000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 90_000;
  for (;;) {
    const match = /"url":"(http:\/\/[^"]+)\/graphql"/.exec(output);
    if (match) {
      return {
        url: match[1],
        child,
        output: () => output,
        exited,
        stop: async () => {
          if (child.exitCode === null) child.kill('SIGTERM');
          await exited;
        },
      };
    }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`server did not start: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export type GqlResult<T> = { data: T; errors?: { message: string; extensions?: { code?: string } }[] };

export async function gql<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: object = {},
  token?: string,
): Promise<GqlResult<T>> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as GqlResult<T>;
}

/** A subscription as a test sees it: every result received, and whether (and how) it ended. */
export type Stream = {
  results: GqlResult<Record<string, unknown>>[];
  /** Each result's SSE `id:` line, where it had one (same order as results; WebSocket: none). */
  ids: (string | undefined)[];
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  isEnded(): boolean;
  close(): void;
};

/** Subscribes over SSE (yoga's distinct-connections mode): a POST with Accept: text/event-stream. */
export function sse(url: string, query: string, variables: object, token: string, headers: Record<string, string> = {}): Stream {
  const controller = new AbortController();
  const results: Stream['results'] = [];
  const ids: Stream['ids'] = [];
  let finished = false;
  const ended = (async () => {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}`, ...headers },
      body: JSON.stringify({ query, variables }),
      signal: controller.signal,
    });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: *(\w+)/m.exec(message)?.[1];
        const data = message
          .split('\n')
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).trim())
          .join('\n');
        if (event === 'next' && data) {
          results.push(JSON.parse(data) as GqlResult<Record<string, unknown>>);
          ids.push(/^id: *(.*)$/m.exec(message)?.[1]);
        }
        if (event === 'complete') return;
      }
    }
  })()
    .catch((error: unknown) => {
      if (!controller.signal.aborted) throw error;
    })
    .finally(() => (finished = true));
  return { results, ids, ended, isEnded: () => finished, close: () => controller.abort() };
}

export function wsClient(url: string, token: string): Client {
  return createClient({
    url: url.replace(/^http/, 'ws') + '/graphql',
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });
}

/** Subscribes over graphql-ws on `client`. */
export function ws(client: Client, query: string, variables: object): Stream {
  const results: Stream['results'] = [];
  let finished = false;
  let unsubscribe = () => {};
  const ended = new Promise<void>((resolve) => {
    unsubscribe = client.subscribe(
      { query, variables: variables as Record<string, unknown> },
      {
        next: (result) => void results.push(result as GqlResult<Record<string, unknown>>),
        error: (error) => {
          // Errors of an operation arrive as a list of GraphQL errors; a closed socket as a CloseEvent.
          results.push({ data: {}, errors: Array.isArray(error) ? (error as GqlResult<unknown>['errors']) : [{ message: String(error) }] });
          finished = true;
          resolve();
        },
        complete: () => {
          finished = true;
          resolve();
        },
      },
    );
  });
  return { results, ids: [], ended, isEnded: () => finished, close: () => unsubscribe() };
}

/** Waits until `condition` holds (a deadline only guards against hanging; nothing is timed). */
export async function until(condition: () => boolean | Promise<boolean>, what: string | (() => string), timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
