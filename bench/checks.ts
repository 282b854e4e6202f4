// Correctness before speed: every operation must give the same canonical answer on every server,
// and SQL statements per request are counted through the counting proxy (one request at a time).
import { isDeepStrictEqual } from 'node:util';
import { filteredPage, filteredRequest, type Ctx, type HttpRequest, type Operation, type Server } from './operations.js';
import type { StatementProxy } from './stmt-proxy.js';

export class CheckFailure extends Error {}

let counter = 0;
/** Sends one request; __N__ becomes `n` (or a fresh unique value). Non-2xx answers are failures. */
export async function send(port: number, req: HttpRequest, n?: string): Promise<unknown> {
  const body = req.body.replaceAll('__N__', n ?? `u${process.pid}-${Date.now()}-${counter++}`);
  const res = await fetch(`http://127.0.0.1:${port}${req.path}`, {
    method: 'POST',
    headers: req.headers,
    body,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (!res.ok) throw new CheckFailure(`HTTP ${res.status} from port ${port}${req.path}: ${text.slice(0, 500)}`);
  try {
    return JSON.parse(text);
  } catch {
    throw new CheckFailure(`not JSON from port ${port}${req.path}: ${text.slice(0, 200)}`);
  }
}

/** A readable diff of two JSON values: the first differing lines with context. */
export function diff(a: unknown, b: unknown, labels: [string, string]): string {
  const la = JSON.stringify(a, null, 2).split('\n');
  const lb = JSON.stringify(b, null, 2).split('\n');
  let i = 0;
  while (i < la.length && i < lb.length && la[i] === lb[i]) i++;
  const from = Math.max(0, i - 4);
  const show = (lines: string[]) =>
    lines
      .slice(from, i + 6)
      .map((l, k) => `${from + k === i ? '>' : ' '} ${l}`)
      .join('\n');
  return `--- ${labels[0]} (line ${i + 1})\n${show(la)}\n+++ ${labels[1]}\n${show(lb)}`;
}

/** Null, an empty list, a failed logIn, or an empty page/project list: a check that proves nothing. */
const isEmpty = (v: unknown): boolean => {
  if (v === null || v === undefined || (Array.isArray(v) && v.length === 0)) return true;
  if (typeof v !== 'object') return false;
  const o = v as { ok?: unknown; issues?: unknown; projects?: unknown };
  return o.ok === false || (Array.isArray(o.issues) && o.issues.length === 0) || (Array.isArray(o.projects) && o.projects.length === 0);
};

/** The canonical answers of every server; throws CheckFailure with a diff when they differ. */
export async function checkOperation(op: Operation, ports: Record<Server, number>, servers: readonly Server[], ctx: Ctx): Promise<unknown> {
  const answers = new Map<Server, unknown>();
  for (const server of servers) {
    const json = await send(ports[server], op.request(server, ctx, 0), `check-${op.name}`);
    try {
      answers.set(server, op.canonical(server, json));
    } catch (error) {
      throw new CheckFailure(`${op.name} on ${server}: ${(error as Error).message}\n${JSON.stringify(json).slice(0, 1000)}`);
    }
  }
  const [first, ...rest] = servers;
  const reference = answers.get(first);
  if (isEmpty(reference)) throw new CheckFailure(`${op.name}: empty answer from ${first}: ${JSON.stringify(reference)}`);
  for (const server of rest) {
    if (!isDeepStrictEqual(reference, answers.get(server))) {
      throw new CheckFailure(`${op.name}: ${server} differs from ${first}\n${diff(reference, answers.get(server), [first, server])}`);
    }
  }
  return reference;
}

/** Walks the filtered list to page 50 on every server, comparing each page; returns page 49's end cursors. */
export async function walkToPage50(
  ports: Record<Server, number>,
  servers: readonly Server[],
  ctx: Ctx,
): Promise<Partial<Record<Server, string>>> {
  const cursors: Partial<Record<Server, string | null>> = {};
  for (let page = 1; page < 50; page++) {
    let reference: unknown;
    for (const server of servers) {
      const p = filteredPage(server, await send(ports[server], filteredRequest(server, ctx, cursors[server] ?? null)));
      const canonical = { hasNextPage: p.hasNextPage, issues: p.issues };
      if (reference === undefined) reference = canonical;
      else if (!isDeepStrictEqual(reference, canonical)) {
        throw new CheckFailure(
          `filtered list page ${page}: ${server} differs from ${servers[0]}\n${diff(reference, canonical, [servers[0], server])}`,
        );
      }
      if (!p.hasNextPage || !p.endCursor)
        throw new CheckFailure(`filtered list ends before page 50 on ${server} (page ${page}); dataset too small`);
      cursors[server] = p.endCursor;
    }
  }
  return cursors as Partial<Record<Server, string>>;
}

/** Average SQL statements per request: `warm` requests first, then `count` measured ones. */
export async function statementsPerRequest(
  proxy: StatementProxy,
  port: number,
  request: (i: number) => HttpRequest,
  count = 10,
  warm = 2,
): Promise<number> {
  for (let i = 0; i < warm; i++) await send(port, request(i));
  const before = proxy.statements;
  for (let i = 0; i < count; i++) await send(port, request(warm + i));
  // Let trailing messages (e.g. a pool's COMMIT after the answer) arrive.
  await new Promise((r) => setTimeout(r, 50));
  return (proxy.statements - before) / count;
}
