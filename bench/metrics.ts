// Process metrics from /proc: CPU time (utime + stime, all threads) of a server process and of the
// PostgreSQL backends serving the benchmark database, and peak resident memory (VmHWM).
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import type pg from 'pg';

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU milliseconds used so far by a process (0 when it is gone). */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After "pid (comm) ": state is field 3, utime 14, stime 15 (1-based) -> indexes 11, 12.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
  } catch {
    return 0;
  }
}

function statusKb(pid: number, key: 'VmHWM' | 'VmRSS'): number {
  try {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}
export const peakRssMb = (pid: number): number => statusKb(pid, 'VmHWM') / 1024;

/** CPU of the PostgreSQL backends connected to `db` (except the monitoring connection itself). */
export class PgCpu {
  constructor(
    private readonly monitor: pg.Pool,
    private readonly db: string,
  ) {}
  private async pids(): Promise<number[]> {
    const { rows } = await this.monitor.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend' AND pid <> pg_backend_pid()`,
      [this.db],
    );
    return rows.map((r) => r.pid);
  }
  /** Starts a measurement; the returned function gives the CPU ms spent since. */
  async start(): Promise<() => Promise<number>> {
    const before = new Map((await this.pids()).map((pid) => [pid, cpuMs(pid)]));
    return async () => {
      const after = await this.pids();
      let total = 0;
      // Backends that appeared meanwhile count whole; ones that vanished are lost (rare: pools keep them).
      for (const pid of new Set([...before.keys(), ...after])) total += Math.max(0, cpuMs(pid) - (before.get(pid) ?? 0));
      return total;
    };
  }
}
