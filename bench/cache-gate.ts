// The response cache's correctness gate (quick run, CI): Bc is Trackr with RESPONSE_CACHE=on. Every
// read operation's answer through Bc must equal the reference server's (A when running, else B), a
// repeated read must be a hit (`extensions.responseCache.hit`), and after each mutation of the
// benchmark (sent to Bc, which invalidates in the writing request), the reads cached before it must
// equal the reference's again. Not through another process: without REDIS_URL each process's relay
// publishes to itself only (see bench/NOTES.md, response cache). Each mutation's log line says how many reads it changed: the
// benchmark's mutations write to MUT, which no read shows, so the gate adds a write the reads do
// show (the read issue retitled through Bc, then back through the other process) and fails if it
// changed nothing.
import { isDeepStrictEqual } from 'node:util';
import { diff, send } from './checks.js';
import { gid, type Ctx, type Operation, type Server } from './operations.js';

type Cached = { answer: unknown; hit: boolean };
const hitOf = (json: unknown): boolean =>
  (json as { extensions?: { responseCache?: { hit?: unknown } } } | null)?.extensions?.responseCache?.hit === true;

export async function cacheGate(
  ops: readonly Operation[],
  ports: Record<Server, number>,
  /** The uncached server answers are compared with. */
  reference: Server,
  /** An uncached Trackr process on the same database, to read the read issue's title from. */
  otherWriter: Server | undefined,
  ctx: Ctx,
  log: (message: string) => void,
): Promise<string[]> {
  const failures: string[] = [];
  const reads = ops.filter((op) => !op.mutation);
  const mutations = ops.filter((op) => op.mutation && op.name !== 'logIn');
  const cached = async (op: Operation): Promise<Cached> => {
    const json = await send(ports.cached, op.request('cached', ctx, 0), `gate-${op.name}`);
    return { answer: op.canonical('cached', json), hit: hitOf(json) };
  };
  const truth = async (op: Operation): Promise<unknown> =>
    op.canonical(reference, await send(ports[reference], op.request(reference, ctx, 0), `gate-${op.name}`));
  const last = new Map<string, unknown>();

  /** Each read: Bc's current answer (cached before `when`) equals the truth; read again, a hit. */
  const checkReads = async (when: string): Promise<number> => {
    let changed = 0;
    for (const op of reads) {
      const expected = await truth(op);
      if (last.has(op.name) && !isDeepStrictEqual(last.get(op.name), expected)) changed++;
      last.set(op.name, expected);
      const first = await cached(op);
      if (!isDeepStrictEqual(first.answer, expected))
        failures.push(`cache gate: ${op.name} ${when}: Bc's answer is stale\n${diff(expected, first.answer, [reference, 'cached'])}`);
      const again = await cached(op);
      if (!again.hit) failures.push(`cache gate: ${op.name} ${when}: a repeated read was not a hit`);
      if (!isDeepStrictEqual(again.answer, expected))
        failures.push(
          `cache gate: ${op.name} ${when}: Bc's repeated answer differs\n${diff(expected, again.answer, [reference, 'cached'])}`,
        );
    }
    return changed;
  };

  await checkReads('warming');
  for (const op of mutations) {
    const before = failures.length;
    await send(ports.cached, op.request('cached', ctx, 0));
    const changed = await checkReads(`after ${op.name} through Bc`);
    log(
      `cache gate: ${op.name.padEnd(15)} changed ${changed}/${reads.length} reads' answers; Bc fresh after it: ${failures.length > before ? 'NO' : 'yes'}`,
    );
  }
  const probe = reads.find((op) => op.name === 'issueById');
  if (probe) {
    const template = probe.request('cached', ctx, 0);
    const gql = async (server: Server, query: string, variables: Record<string, unknown>) =>
      (await send(ports[server], { ...template, body: JSON.stringify({ query, variables }) })) as { data?: Record<string, unknown> };
    const id = gid('Issue', ctx.issueId);
    const retitle = async (server: Server, title: string) => {
      const json = await gql(server, 'mutation($input: UpdateIssueInput!) { updateIssue(input: $input) { __typename } }', {
        input: { id, title },
      });
      const typename = (json.data?.updateIssue as { __typename?: string } | undefined)?.__typename;
      if (typename !== 'IssuePayload')
        failures.push(`cache gate: retitling the read issue through ${server} failed: ${JSON.stringify(json)}`);
    };
    // Its title, from a server without the cache (A speaks its own API: ask Bc with a fresh document).
    const original = (
      (await gql(otherWriter ?? 'cached', `query($id: ID!) { issue(id: $id) { title } } # ${Date.now()}`, { id })).data?.issue as
        { title: string } | undefined
    )?.title;
    if (original === undefined) failures.push('cache gate: the read issue has no title');
    else {
      const before = failures.length;
      await retitle('cached', `${original} (cache gate)`);
      const changed = await checkReads('after retitling the read issue through Bc');
      if (changed === 0) failures.push('cache gate: retitling the read issue changed no read: the gate proves nothing');
      await retitle('cached', original);
      await checkReads('after retitling it back');
      log(
        `cache gate: retitling the read issue changed ${changed}/${reads.length} reads' answers; Bc fresh after it and back: ${failures.length > before ? 'NO' : 'yes'}`,
      );
    }
  }
  log(
    `cache gate: ${reads.length} reads x ${mutations.length + 1} rounds, ${failures.length ? `${failures.length} FAILURES` : 'all fresh, every repeat a hit'}`,
  );
  return failures;
}
