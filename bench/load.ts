// Load generation. Closed-loop maximum throughput with wrk (Debian's `wrk`; a Node closed loop is
// the fallback when wrk is missing), and latency at fixed request rates with a small open-loop
// generator in Node (wrk2 is not packaged here): requests are scheduled at fixed times and latency
// is counted from the scheduled time, so a server that falls behind is not flattered
// (coordinated omission). Every loop is bounded by a duration and a request cap.
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { HttpRequest } from './operations.js';

export type LoadSpec = {
  port: number;
  /** Body variants; __N__ in a body is replaced by a unique counter per request. */
  requests: HttpRequest[];
  /** Unique prefix for __N__ (so repeated runs never reuse a title). */
  tag: string;
  connections: number;
  seconds: number;
};

export type ClosedLoopResult = {
  tool: 'wrk' | 'node';
  requests: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
};
export type FixedRateResult = {
  rate: number;
  sent: number;
  done: number;
  achievedRps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
};

export const hasWrk = (): boolean => spawnSync('wrk', ['--version'], { stdio: 'ignore' }).error === undefined;

/** Installs wrk from Debian when missing and we are root; false when it stays missing. */
export function ensureWrk(log: (m: string) => void): boolean {
  if (hasWrk()) return true;
  if (process.getuid?.() !== 0) return false;
  log('load: installing wrk (apt-get)');
  const run = (args: string[]) =>
    spawnSync('apt-get', args, { stdio: 'ignore', timeout: 300_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (run(['install', '-y', 'wrk']).status !== 0) {
    run(['update']);
    run(['install', '-y', 'wrk']);
  }
  return hasWrk();
}

// Spaces around the long bracket: `t[[==[k]==]]` would parse as a call with a long string.
const luaString = (s: string) => ` [==[${s}]==] `;

function wrkScript(spec: LoadSpec): string {
  const first = spec.requests[0];
  const lines = [`wrk.method = "POST"`, `wrk.path = ${luaString(first.path)}`];
  for (const [k, v] of Object.entries(first.headers)) lines.push(`wrk.headers[${luaString(k)}] = ${luaString(v)}`);
  const varying = spec.requests.length > 1 || spec.requests.some((r) => r.body.includes('__N__'));
  if (!varying) {
    lines.push(`wrk.body = ${luaString(first.body)}`);
  } else {
    lines.push(`local bodies = { ${spec.requests.map((r) => luaString(r.body)).join(',\n')} }`);
    lines.push(`local n = 0`);
    lines.push(`request = function()`);
    lines.push(`  n = n + 1`);
    lines.push(`  local b = string.gsub(bodies[(n % #bodies) + 1], "__N__", "${spec.tag}-" .. n)`);
    lines.push(`  return wrk.format(nil, nil, nil, b)`);
    lines.push(`end`);
  }
  // A response counts as bad unless HTTP 200 without GraphQL errors (checked in wrk, per thread).
  lines.push(`bad = 0`);
  lines.push(`response = function(status, headers, body)`);
  lines.push(
    `  if status ~= 200 or string.find(body, '"errors":', 1, true) or string.find(body, '"error":', 1, true) then bad = bad + 1 end`,
  );
  lines.push(`end`);
  lines.push(`local threads = {}`);
  lines.push(`setup = function(thread) table.insert(threads, thread) end`);
  lines.push(`done = function(summary, latency, requests)`);
  lines.push(`  local total = 0`);
  lines.push(`  for _, t in ipairs(threads) do total = total + t:get("bad") end`);
  lines.push(`  io.write("Bad responses: " .. total .. "\\n")`);
  lines.push(`end`);
  return lines.join('\n') + '\n';
}

const toMs = (value: string, unit: string): number => Number(value) * ({ us: 0.001, ms: 1, s: 1000, m: 60_000 }[unit] ?? NaN);

/** Closed loop at `connections` for `seconds` with wrk (one thread: the server gets the other core). */
export async function closedLoop(spec: LoadSpec): Promise<ClosedLoopResult> {
  if (!hasWrk()) return nodeClosedLoop(spec);
  const script = join(tmpdir(), `trackr-bench-${process.pid}-${spec.port}.lua`);
  writeFileSync(script, wrkScript(spec));
  const args = [
    '-t1',
    `-c${spec.connections}`,
    `-d${spec.seconds}s`,
    '--timeout',
    '10s',
    '--latency',
    '-s',
    script,
    `http://127.0.0.1:${spec.port}${spec.requests[0].path}`,
  ];
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.stderr.on('data', (d: Buffer) => (text += d.toString()));
    const kill = setTimeout(() => child.kill('SIGKILL'), (spec.seconds + 30) * 1000);
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(kill);
      resolve(text);
    });
  });
  const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? NaN);
  const pct = (p: string) => {
    const m = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(out);
    return m ? toMs(m[1], m[2]) : NaN;
  };
  const total = /(\d+) requests in ([\d.]+)(us|ms|s|m)/.exec(out);
  if (!total) throw new Error(`wrk output not understood:\n${out}`);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const bad = /Bad responses: (\d+)/.exec(out);
  if (!bad) throw new Error(`wrk script did not report bad responses:\n${out}`);
  const errors = Number(bad[1]);
  const socketErrors = sock ? Number(sock[1]) + Number(sock[2]) + Number(sock[3]) + Number(sock[4]) : 0;
  const seconds = toMs(total[2], total[3]) / 1000;
  return {
    tool: 'wrk',
    requests: Number(total[1]),
    seconds,
    rps: num(/Requests\/sec:\s+([\d.]+)/),
    p50Ms: pct('50'),
    p99Ms: pct('99'),
    errors: errors + socketErrors,
  };
}

type Sender = (i: number) => Promise<{ ok: boolean }>;

function sender(spec: LoadSpec, agent: Agent): Sender {
  return (i) =>
    new Promise((resolve) => {
      const r = spec.requests[i % spec.requests.length];
      const body = r.body.replaceAll('__N__', `${spec.tag}-${i}`);
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port: spec.port,
          path: r.path,
          method: 'POST',
          agent,
          headers: { ...r.headers, 'content-length': Buffer.byteLength(body) },
          timeout: 10_000,
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (text += d));
          // Good = HTTP 200 without GraphQL errors (the same rule as the wrk script).
          res.on('end', () => resolve({ ok: res.statusCode === 200 && !text.includes('"errors":') && !text.includes('"error":') }));
          res.on('error', () => resolve({ ok: false }));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => resolve({ ok: false }));
      req.end(body);
    });
}

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;

/** Fallback closed loop in Node: `connections` loops, each sending its next request when the last answers. */
async function nodeClosedLoop(spec: LoadSpec): Promise<ClosedLoopResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: spec.connections });
  const send = sender(spec, agent);
  const latencies: number[] = [];
  let errors = 0;
  let n = 0;
  const started = performance.now();
  const end = started + spec.seconds * 1000;
  const maxRequests = 5_000_000;
  await Promise.all(
    Array.from({ length: spec.connections }, async () => {
      while (performance.now() < end && n < maxRequests) {
        const t = performance.now();
        const { ok } = await send(n++);
        latencies.push(performance.now() - t);
        if (!ok) errors++;
      }
    }),
  );
  agent.destroy();
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    tool: 'node',
    requests: latencies.length,
    seconds,
    rps: latencies.length / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    errors,
  };
}

/** Open loop: `rate` requests per second for `seconds`, at most 512 in flight (more count as errors). */
export async function fixedRate(spec: LoadSpec, rate: number): Promise<FixedRateResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const send = sender(spec, agent);
  const total = Math.max(1, Math.round(rate * spec.seconds));
  const latencies: number[] = [];
  let errors = 0;
  let inFlight = 0;
  const pending: Promise<void>[] = [];
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    if (inFlight >= 512) {
      errors++;
      continue;
    }
    inFlight++;
    pending.push(
      send(i).then(({ ok }) => {
        inFlight--;
        latencies.push(performance.now() - due);
        if (!ok) errors++;
      }),
    );
  }
  await Promise.all(pending);
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    rate,
    sent: total,
    done: latencies.length,
    achievedRps: latencies.length / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    errors,
  };
}
