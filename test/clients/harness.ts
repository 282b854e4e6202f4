// What the client tests share: a real server listening on a loopback port, a fetch that records
// (and can lose) what the clients send, and an expired access token for a live session.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, decodeJwt } from 'jose';
import { serveWebSockets } from '../../src/graphql/websocket.js';
import { startTestApp, TEST_JWT_SECRET, type TestApp } from '../helpers/app.js';

export type Served = { t: TestApp; url: string; close(): Promise<void> };

/**
 * The app behind node:http on 127.0.0.1 (a random port), as main.ts serves it; with `realtime`,
 * also its subscriptions (the relay, SSE, and graphql-ws on the same port).
 */
export async function serve(env: Record<string, string> = {}, options: { realtime?: boolean } = {}): Promise<Served> {
  const t = await startTestApp(env, { realtime: options.realtime });
  const server: Server = createServer(t.app.requestListener);
  const webSockets = t.realtime ? serveWebSockets(server, t.app, t.realtime) : undefined;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  return {
    t,
    url,
    close: async () => {
      await webSockets?.close('test over');
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await t.close();
    },
  };
}

export type Sent = { operationName?: string; hash?: string; hasQuery: boolean; status: number };

/**
 * A fetch for the clients that records each request and its status. `loseResponseOf(name)` makes
 * the next request of that operation reach the server but fail on the client as a dropped
 * connection would: the server did the work, the client never heard.
 */
export function recordingFetch() {
  const sent: Sent[] = [];
  const toLose = new Set<string>();
  const fetchFn: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const params = request.method === 'GET' ? paramsOfUrl(new URL(request.url)) : await paramsOfBody(request.clone());
    const response = await fetch(request);
    const hash = params.extensions?.persistedQuery?.sha256Hash;
    sent.push({ operationName: params.operationName, hash, hasQuery: typeof params.query === 'string', status: response.status });
    if (params.operationName && toLose.delete(params.operationName)) {
      await response.arrayBuffer();
      throw new TypeError('fetch failed (response lost by the test)');
    }
    return response;
  };
  return {
    fetch: fetchFn,
    sent,
    named: (name: string) => sent.filter((s) => s.operationName === name),
    loseResponseOf: (name: string) => toLose.add(name),
  };
}

type Params = { operationName?: string; query?: string; extensions?: { persistedQuery?: { sha256Hash?: string } } };

async function paramsOfBody(request: Request): Promise<Params> {
  return (await request.json()) as Params;
}

function paramsOfUrl(url: URL): Params {
  const extensions = url.searchParams.get('extensions');
  return {
    operationName: url.searchParams.get('operationName') ?? undefined,
    query: url.searchParams.get('query') ?? undefined,
    extensions: extensions ? (JSON.parse(extensions) as Params['extensions']) : undefined,
  };
}

/** The same session's access token, signed with the server's key but expired a minute ago. */
export async function expiredCopyOf(accessToken: string): Promise<string> {
  const claims = decodeJwt(accessToken);
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ ...claims, iat: now - 120, exp: now - 60, jti: crypto.randomUUID() })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(TEST_JWT_SECRET));
}

export const uniqueEmail = () => `client-${crypto.randomUUID().slice(0, 8)}@example.com`;
export const PASSWORD = 'correct horse battery staple';
