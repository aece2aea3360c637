import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { Toxiproxy } from 'toxiproxy-node-client';
import { faultsCommand } from '../../../harness/cli/faults-command.ts';
import { cleanupLedger, listActive } from '../../../harness/faults/ledger-cleanup.ts';
import { isAlive } from '../../../process-kit/process-identity.ts';
import { repoRoot } from '../../../harness/core/repo-root.ts';
import { createTestDatabase } from '../../support/postgres.ts';
import { plannedFault, procState, tempDir, removeTempDirs } from './fault-fixture.ts';

// The toxiproxy server is its own process, as a real Toxiproxy would be: it outlives the harness.
const toxiproxyScript = `
import { toxiproxyCommand } from './harness/cli/toxiproxy-command.ts';
const io = { out: (t) => console.log(t), err: (t) => console.error(t), isTTY: false, cwd: process.cwd() };
process.exitCode = await toxiproxyCommand.run({ port: 0, host: '127.0.0.1' }, io);
`;

let db: Awaited<ReturnType<typeof createTestDatabase>>;
const started: ChildProcess[] = [];
const dir = tempDir('sigkill');

function spawnOwned(args: string[], env: Record<string, string> = {}): ChildProcess {
  const child = spawn(args[0]!, args.slice(1), { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  return child;
}

function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${out}\n${err}`)), timeoutMs);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = pattern.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
  });
}

async function sql<R extends pg.QueryResultRow>(text: string): Promise<R[]> {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    return (await c.query<R>(text)).rows;
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  db = await createTestDatabase('faults_sigkill');
  await sql('CREATE TABLE accounts (id int PRIMARY KEY)');
});

afterAll(async () => {
  removeTempDirs();
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await db?.drop();
});

describe('a harness killed with SIGKILL', () => {
  it('leaves a toxic, a memory hog, a held lock and a paused process that faults cleanup removes, twice safely', async () => {
    const toxiproxy = spawnOwned([process.execPath, '--import', 'tsx', '--input-type=module', '-e', toxiproxyScript]);
    const toxiproxyUrl = (await waitForLine(toxiproxy, /listening on (http:\/\/\S+)/, 20_000))[1]!;
    const client = new Toxiproxy(toxiproxyUrl);
    await client.createProxy({ name: 'api', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' });
    const sleeper = spawnOwned(['sleep', '120']);
    const sleeperPid = sleeper.pid!;

    const events = [
      plannedFault({ kind: 'net-latency', latencyMs: 1_000 }, 'latency#1'),
      plannedFault({ kind: 'memory-pressure', mb: 32 }, 'memory#1'),
      plannedFault({ kind: 'db-lock', table: 'accounts' }, 'lock#1'),
      plannedFault({ kind: 'process-pause', pid: sleeperPid }, 'pause#1'),
    ].map((e) => ({ ...e, removeAtMs: 600_000 }));
    const runLedger = path.join(dir, 'run', 'faults-ledger.json');
    const stateDir = path.join(dir, 'state');
    const harness = spawnOwned(
      [process.execPath, '--import', 'tsx', 'test/support/fault-harness-child.ts', JSON.stringify({ runId: 'killed-run', runLedger, toxiproxyUrl, databaseUrl: db.url, events })],
      { STRESSLAB_STATE_DIR: stateDir },
    );
    await waitForLine(harness, /ALL_ACTIVE/, 45_000);
    harness.kill('SIGKILL');
    await new Promise((r) => harness.once('exit', r));

    // Everything is still there: a SIGKILL runs no rollback.
    const active = await listActive(runLedger);
    expect(active.map((e) => e.kind).sort()).toEqual(['db-lock', 'memory-pressure', 'net-latency', 'process-pause']);
    const hogs = active.flatMap((e) => e.undo).filter((a) => a.kind === 'kill-process');
    expect(hogs).toHaveLength(2);
    expect(hogs.every((h) => isAlive(h))).toBe(true);
    expect(procState(sleeperPid)).toBe('T');
    const toxics = async (): Promise<unknown[]> => (await (await fetch(`${toxiproxyUrl}/proxies/api/toxics`)).json()) as unknown[];
    expect(await toxics()).toHaveLength(1);
    const locks = () => sql(`SELECT 1 FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE a.application_name LIKE 'stresslab-fault%' AND l.relation = 'accounts'::regclass`);
    expect(await locks()).toHaveLength(1);

    // `stresslab faults cleanup` on the machine ledger (what a user runs), then the library twice on the run's.
    const out: string[] = [];
    const io = { out: (t: string) => void out.push(t), err: (t: string) => void out.push(t), isTTY: false, cwd: dir };
    expect(await faultsCommand.run({ action: 'cleanup', ledger: path.join(stateDir, 'ledger.json'), force: false }, io)).toBe(0);
    expect(out.join('\n')).toMatch(/killed-run\/lock#1 \(db-lock\): cleaned/);
    expect(hogs.some((h) => isAlive(h))).toBe(false);
    expect(procState(sleeperPid)).not.toBe('T');
    expect(await toxics()).toEqual([]);
    expect(await locks()).toEqual([]);
    expect(await listActive(runLedger)).toEqual([]);

    for (let i = 0; i < 2; i++) expect((await cleanupLedger(runLedger)).entries).toEqual([]);
    out.length = 0;
    expect(await faultsCommand.run({ action: 'list', ledger: path.join(stateDir, 'ledger.json'), force: false }, io)).toBe(0);
    expect(out.join('\n')).toMatch(/no active faults/);
    expect(isAlive({ pid: toxiproxy.pid!, startTime: null })).toBe(true);
  });
});
