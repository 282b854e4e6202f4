// The embedded default database: PGlite (PostgreSQL compiled to WASM) behind pglite-socket on a
// loopback port, so the app reaches it through the same pg + adapter-pg path as a real server.
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * pglite-socket runs one statement at a time but keeps a connection's extended-protocol messages
 * (Parse/Bind/Execute) together only inside transactions, so two connections' unnamed portals can
 * clobber each other. One connection is both correct and no slower: PGlite is single-threaded.
 */
export const EMBEDDED_POOL_SIZE = 1;

export type EmbeddedDatabase = { url: string; stop(): Promise<void> };

/**
 * Starts PGlite on `dataDir` (or in memory for `memory://`) and serves it on 127.0.0.1 at a free
 * port. PGlite cannot share a data directory between processes, so a pid file guards it.
 */
export async function startEmbedded(dataDir: string, maxConnections: number): Promise<EmbeddedDatabase> {
  const inMemory = dataDir === 'memory://';
  const pidFile = inMemory ? undefined : join(dataDir, 'trackr.pid');
  if (pidFile) {
    mkdirSync(dataDir, { recursive: true });
    claimPidFile(pidFile, dataDir);
  }
  try {
    const db = await PGlite.create(inMemory ? undefined : dataDir);
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections });
    await server.start();
    return {
      url: `postgresql://postgres@${server.getServerConn()}/postgres`,
      async stop() {
        await server.stop();
        await db.close();
        if (pidFile) rmSync(pidFile, { force: true });
      },
    };
  } catch (error) {
    if (pidFile) rmSync(pidFile, { force: true });
    throw error;
  }
}

function claimPidFile(pidFile: string, dataDir: string): void {
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8'));
    if (pid && pid !== process.pid && isAlive(pid)) {
      throw new Error(`The embedded database in ${dataDir} is in use by process ${pid}. Stop it, or set DATA_DIR to another folder.`);
    }
  }
  writeFileSync(pidFile, String(process.pid));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
