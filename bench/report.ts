// Results: per cell (server x operation) the median of the runs with min and max, ratios to A and
// to C, written as JSON, a markdown table and a chart (SVG, rendered to PNG with headless Chromium
// when there is one).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVER_LABEL, SERVER_SHORT, type Server } from './operations.js';
import type { ClosedLoopResult, FixedRateResult } from './load.js';

export type RunSample = {
  closed: ClosedLoopResult;
  latency: FixedRateResult[];
  nodeCpuMsPerReq: number;
  pgCpuMsPerReq: number;
  peakRssMb: number;
};
export type Cell = { op: string; server: Server; runs: RunSample[] };
export type Report = {
  mode: 'quick' | 'full';
  startedAt: string;
  finishedAt: string;
  durationSec: number;
  /** node: the harness's Node (A, B); peerNode: bench/peer's Node 22 (B22, C); serverNode: per server (absent in older reports). */
  machine: { cpus: number; node: string; peerNode: string; postgres: string; serverNode?: Partial<Record<Server, string>> };
  settings: { connections: number; seconds: number; rateSeconds: number; runs: number; peerAuth?: boolean };
  dataset: Record<string, number>;
  servers: Server[];
  statements: Record<string, Partial<Record<Server, number>>>;
  nestedStatements: Partial<Record<Server, { small: number; large: number }>>;
  cells: Cell[];
};

const median = (xs: number[]) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const min = (xs: number[]) => Math.min(...xs);
const max = (xs: number[]) => Math.max(...xs);

export type Summary = {
  op: string;
  server: Server;
  rps: number;
  rpsMin: number;
  rpsMax: number;
  p50: number;
  p99: number;
  latency: { rate: number; p50: number; p99: number; achieved: number }[];
  nodeCpu: number;
  pgCpu: number;
  rss: number;
  errors: number;
};

export function summarize(cells: Cell[]): Summary[] {
  return cells.map(({ op, server, runs }) => {
    const rps = runs.map((r) => r.closed.rps);
    const rates = runs[0]?.latency.map((l) => l.rate) ?? [];
    return {
      op,
      server,
      rps: median(rps),
      rpsMin: min(rps),
      rpsMax: max(rps),
      p50: median(runs.map((r) => r.closed.p50Ms)),
      p99: median(runs.map((r) => r.closed.p99Ms)),
      latency: rates.map((rate, i) => ({
        rate,
        p50: median(runs.map((r) => r.latency[i].p50Ms)),
        p99: median(runs.map((r) => r.latency[i].p99Ms)),
        achieved: median(runs.map((r) => r.latency[i].achievedRps)),
      })),
      nodeCpu: median(runs.map((r) => r.nodeCpuMsPerReq)),
      pgCpu: median(runs.map((r) => r.pgCpuMsPerReq)),
      rss: max(runs.map((r) => r.peakRssMb)),
      errors: runs.reduce((n, r) => n + r.closed.errors + r.latency.reduce((m, l) => m + l.errors, 0), 0),
    };
  });
}

const f = (x: number, digits = 0) => (Number.isFinite(x) ? x.toFixed(digits) : '–');
/** req/s: one decimal below 100 (logIn runs at a few per second). */
const fr = (x: number) => f(x, x < 100 ? 1 : 0);
const ratio = (a: number, b: number | undefined) => (b && Number.isFinite(a) && Number.isFinite(b) ? `${(a / b).toFixed(2)}×` : '–');

export function markdown(report: Report): string {
  const sums = summarize(report.cells);
  const by = (op: string, server: Server) => sums.find((s) => s.op === op && s.server === server);
  const ops = [...new Set(sums.map((s) => s.op))];
  const lines = [
    `# Trackr benchmark (${report.mode})`,
    '',
    `${report.startedAt}, ${f(report.durationSec)} s. ${report.machine.cpus} cores, ${nodes(report)}, ${report.machine.postgres}.`,
    `Dataset: ${Object.entries(report.dataset)
      .map(([k, v]) => `${k} ${v.toLocaleString('en')}`)
      .join(', ')}.`,
    `Closed loop: ${report.settings.connections} connections for ${report.settings.seconds} s; fixed-rate probes ${report.settings.rateSeconds} s each; ${report.settings.runs} run(s) per cell, interleaved ${report.servers.map((s) => SERVER_SHORT[s]).join(' ')}; median (min–max).`,
    `Servers: ${report.servers.map((s) => SERVER_LABEL[s]).join('; ')}.${report.settings.peerAuth ? ' C verifies the access token and checks the session per request, as A and B do (--peer-auth).' : ''}`,
    '',
    '| operation | server | req/s | vs A | vs C | p50 / p99 ms (closed loop) | p50 / p99 ms at fixed rates | Node CPU ms/req | PG CPU ms/req | SQL/req | peak RSS MB | errors |',
    '| --- | --- | --: | --: | --: | --: | --- | --: | --: | --: | --: | --: |',
  ];
  for (const op of ops) {
    for (const server of report.servers) {
      const s = by(op, server);
      if (!s) continue;
      const range = report.settings.runs > 1 ? ` (${fr(s.rpsMin)}–${fr(s.rpsMax)})` : '';
      const fixed = s.latency
        .map((l) => `${l.rate}/s: ${f(l.p50, 1)} / ${f(l.p99, 1)}${l.achieved < l.rate * 0.9 ? ` (only ${f(l.achieved)}/s)` : ''}`)
        .join('; ');
      lines.push(
        `| ${op} | ${SERVER_LABEL[server]} | ${fr(s.rps)}${range} | ${ratio(s.rps, by(op, 'raw')?.rps)} | ${ratio(s.rps, by(op, 'peer')?.rps)} | ${f(s.p50, 1)} / ${f(s.p99, 1)} | ${fixed} | ${f(s.nodeCpu, 2)} | ${f(s.pgCpu, 2)} | ${f(report.statements[op]?.[server] ?? NaN, 1)} | ${f(s.rss)} | ${s.errors} |`,
      );
    }
  }
  const warm = ops.filter((op) => by(op, 'cached'));
  if (warm.length) {
    // The target "with the response cache on, warm reads ≥ 2× PostGraphile" reads off Bc/C.
    lines.push(
      '',
      '## Warm reads: Bc (response cache on, memory store, one viewer, warmed first) against B and C',
      '',
      '| operation | Bc req/s | B req/s | C req/s | Bc/B | Bc/C | Bc Node CPU ms/req | Bc PG CPU ms/req |',
      '| --- | --: | --: | --: | --: | --: | --: | --: |',
    );
    for (const op of warm) {
      const bc = by(op, 'cached')!;
      lines.push(
        `| ${op} | ${fr(bc.rps)} | ${fr(by(op, 'trackr')?.rps ?? NaN)} | ${fr(by(op, 'peer')?.rps ?? NaN)} | ${ratio(bc.rps, by(op, 'trackr')?.rps)} | ${ratio(bc.rps, by(op, 'peer')?.rps)} | ${f(bc.nodeCpu, 2)} | ${f(bc.pgCpu, 2)} |`,
      );
    }
  }
  lines.push(
    '',
    '## SQL statements per request (counting proxy; BEGIN/COMMIT included)',
    '',
    `| operation | ${report.servers.map((s) => SERVER_LABEL[s]).join(' | ')} |`,
    `| --- |${report.servers.map(() => ' --: |').join('')}`,
  );
  for (const [op, counts] of Object.entries(report.statements))
    lines.push(`| ${op} | ${report.servers.map((s) => f(counts[s] ?? NaN, 1)).join(' | ')} |`);
  lines.push('', 'Nested read `viewer.projects(first: P) { issues(first: N) }`, statements at P = N = 2 and at P = 20, N = 100:', '');
  for (const [server, n] of Object.entries(report.nestedStatements))
    lines.push(`- ${SERVER_LABEL[server as Server]}: ${f(n.small, 1)} and ${f(n.large, 1)}`);
  // Trackr (B) against everyone else, one line per operation: the figures the targets are stated in.
  const others = (['raw', 'peer', 'ceiling', 'trackr22', 'trackr24'] as const).filter((s) => report.servers.includes(s));
  if (report.servers.includes('trackr') && others.length && ops.length) {
    // B/A, B/C, B/E: Trackr's share of the other server's throughput; B22/B, B24/B: the newer Node's gain.
    const head = (s: Server) => (s === 'trackr22' || s === 'trackr24' ? `${SERVER_SHORT[s]}/B` : `B/${SERVER_SHORT[s]}`);
    lines.push(
      '',
      '## Ratios (req/s, medians)',
      '',
      `| operation | ${others.map(head).join(' | ')} |`,
      `| --- |${others.map(() => ' --: |').join('')}`,
    );
    for (const op of ops) {
      const b = by(op, 'trackr')?.rps ?? NaN;
      const cell = (s: Server) => {
        const x = by(op, s)?.rps;
        return s === 'trackr22' || s === 'trackr24' ? ratio(x ?? NaN, b) : ratio(b, x);
      };
      lines.push(`| ${op} | ${others.map(cell).join(' | ')} |`);
    }
  }
  if (report.servers.includes('trackr') && report.servers.includes('trackr22') && ops.length) {
    // The Node 22 lever: the same Trackr build on both Node versions, side by side.
    lines.push(
      '',
      `## Trackr on Node 22 vs Node 20 (B22 / B)`,
      '',
      '| operation | B req/s | B22 req/s | B22/B | B22 vs A | B22 vs C | Node CPU ms/req B / B22 | peak RSS MB B / B22 |',
      '| --- | --: | --: | --: | --: | --: | --: | --: |',
    );
    for (const op of ops) {
      const b = by(op, 'trackr');
      const b22 = by(op, 'trackr22');
      if (!b || !b22) continue;
      lines.push(
        `| ${op} | ${fr(b.rps)} | ${fr(b22.rps)} | ${ratio(b22.rps, b.rps)} | ${ratio(b22.rps, by(op, 'raw')?.rps)} | ${ratio(b22.rps, by(op, 'peer')?.rps)} | ${f(b.nodeCpu, 2)} / ${f(b22.nodeCpu, 2)} | ${f(b.rss)} / ${f(b22.rss)} |`,
      );
    }
  }
  return lines.join('\n') + '\n';
}

/** Which Node each server ran on, grouped: "Node v20.x (A, B), Node v22.x (B22, C)". */
function nodes(report: Report): string {
  const byServer = report.machine.serverNode;
  if (!byServer) return `Node ${report.machine.node} (PostGraphile on ${report.machine.peerNode})`;
  const groups = new Map<string, string[]>();
  for (const s of report.servers) groups.set(byServer[s] ?? '?', [...(groups.get(byServer[s] ?? '?') ?? []), SERVER_SHORT[s]]);
  return [...groups].map(([v, ss]) => `Node ${v} (${ss.join(', ')})`).join(', ');
}

/** Grouped bars: req/s relative to A (log-free, linear), one group per operation. */
export function chartSvg(report: Report): string {
  const sums = summarize(report.cells);
  const ops = [...new Set(sums.map((s) => s.op))];
  const colors: Record<Server, string> = {
    raw: '#64748b',
    trackr: '#2563eb',
    cached: '#0891b2',
    trackr22: '#7c3aed',
    trackr24: '#db2777',
    peer: '#f59e0b',
    ceiling: '#16a34a',
  };
  const { W, H } = chartSize(report);
  const left = 60,
    bottom = 90,
    top = 40;
  const groupW = (W - left - 60) / Math.max(1, ops.length);
  const barW = (groupW * 0.8) / report.servers.length;
  const ratios = sums.map((s) => s.rps / (sums.find((x) => x.op === s.op && x.server === 'raw')?.rps ?? s.rps));
  // Capped so that one outlier (C's logIn, pgcrypto) does not flatten the rest; taller bars are clipped.
  const top1 = Math.min(2.5, Math.max(1, ...ratios.filter(Number.isFinite)));
  const y = (v: number) => H - bottom - (Math.min(v, top1) / top1) * (H - bottom - top);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${left}" y="22" font-size="15" font-weight="bold">Throughput relative to A (raw node:http + pg = 1.0), ${report.mode} run</text>`,
  ];
  for (let t = 0; t <= top1 + 1e-9; t += top1 > 2 ? 0.5 : 0.25) {
    parts.push(
      `<line x1="${left}" x2="${W - 60}" y1="${y(t)}" y2="${y(t)}" stroke="#e5e7eb"/><text x="${left - 8}" y="${y(t) + 4}" text-anchor="end">${t.toFixed(2)}</text>`,
    );
  }
  ops.forEach((op, i) => {
    const x0 = left + i * groupW + groupW * 0.1;
    report.servers.forEach((server, j) => {
      const s = sums.find((x) => x.op === op && x.server === server);
      const base = sums.find((x) => x.op === op && x.server === 'raw')?.rps;
      if (!s || !base) return;
      const r = s.rps / base;
      parts.push(
        `<rect x="${x0 + j * barW}" y="${y(r)}" width="${barW - 2}" height="${H - bottom - y(r)}" fill="${colors[server]}"><title>${op} ${server}: ${fr(s.rps)} req/s</title></rect>`,
      );
      parts.push(
        `<text x="${x0 + j * barW + barW / 2}" y="${y(r) - 3}" text-anchor="middle" font-size="9">${fr(s.rps)}${r > top1 ? ` (${r.toFixed(1)}×)` : ''}</text>`,
      );
    });
    parts.push(`<text transform="translate(${x0 + groupW * 0.4},${H - bottom + 14}) rotate(30)" font-size="11">${op}</text>`);
  });
  report.servers.forEach((server, j) => {
    parts.push(
      `<rect x="${left + j * 190}" y="${H - 22}" width="12" height="12" fill="${colors[server]}"/><text x="${left + j * 190 + 16}" y="${H - 12}">${SERVER_LABEL[server]}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** Wider with more servers, so that bars and their value labels keep their room (1020 px for three). */
const chartSize = (report: Report) => ({ W: Math.max(1020, 120 + 10 * 30 * report.servers.length), H: 420 });

/** Renders the SVG to PNG with headless Chromium (playwright-core); false when no browser is found. */
async function renderPng(svg: string, file: string, width: number, height: number): Promise<boolean> {
  const executablePath = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find(existsSync);
  if (!executablePath) return false;
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width, height } });
    await page.route('**/*', (route) =>
      route.request().url().startsWith('data:') || route.request().url() === 'about:blank' ? route.continue() : route.abort(),
    );
    await page.setContent(`<html><body style="margin:0">${svg}</body></html>`);
    await page.locator('svg').screenshot({ path: file });
    return true;
  } finally {
    await browser.close();
  }
}

/** `base`: the file name without extension; a partial run gets its own, so the published results stay whole. */
export async function writeReport(report: Report, dir: string, log: (m: string) => void, base = `bench-${report.mode}`): Promise<string> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${base}.json`), JSON.stringify({ ...report, summary: summarize(report.cells) }, null, 2));
  const md = markdown(report);
  writeFileSync(join(dir, `${base}.md`), md);
  const svg = chartSvg(report);
  writeFileSync(join(dir, `${base}.svg`), svg);
  try {
    const { W, H } = chartSize(report);
    if (!(await renderPng(svg, join(dir, `${base}.png`), W, H))) log('report: no Chromium found; chart left as SVG only');
  } catch (error) {
    log(`report: PNG rendering failed (${(error as Error).message.split('\n')[0]}); chart left as SVG only`);
  }
  log(`report: ${join(dir, base)}.{json,md,svg,png}`);
  return md;
}
