import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { FaultObservation } from '../../../harness/contract/fault-observation.ts';
import { observationVerdict } from '../../../harness/analysis/fault-effect.ts';
import { createFaultDriver } from '../../../harness/faults/index.ts';
import { createTestDatabase } from '../../support/postgres.ts';
import { faultContext, plannedFault, removeTempDirs, tempDir } from './fault-fixture.ts';

/**
 * What faults see of their own effect (docs/fault-effect.md), against a real PostgreSQL and real
 * helper processes, with a known amount of work: sessions this test opens play the target.
 */
let db: Awaited<ReturnType<typeof createTestDatabase>>;
const dir = tempDir('fault-observations');
const sessions: pg.Client[] = [];

async function session(applicationName: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: db.url, application_name: applicationName });
  c.on('error', () => undefined);
  await c.connect();
  sessions.push(c);
  return c;
}

beforeAll(async () => {
  db = await createTestDatabase('fault_obs');
  const c = await session('setup');
  // One table per fault: the tests run at once (each waits mostly on a helper process starting).
  await c.query('CREATE TABLE locked_jobs (id serial PRIMARY KEY, note text); CREATE TABLE slow_jobs (id serial PRIMARY KEY, note text)');
});
afterAll(async () => {
  removeTempDirs();
  await Promise.all(sessions.map((c) => c.end().catch(() => undefined)));
  await db?.drop();
});

/** Injects the fault through its real driver, runs `during`, removes it, and returns its observation. */
async function observe(entry: Record<string, unknown>, during: () => Promise<void> = async () => undefined): Promise<FaultObservation | null> {
  const ctx = faultContext({ databaseUrl: db.url, dir });
  const event = plannedFault(entry, `${String(entry.kind)}-${Math.random().toString(36).slice(2, 6)}#1`);
  const driver = createFaultDriver(event, ctx);
  await ctx.ledger.open(event);
  await driver.inject();
  try {
    await during();
  } finally {
    await driver.remove();
    await ctx.ledger.done(event.name);
  }
  return driver.observation?.() ?? null;
}

describe.concurrent('faults count what they did', () => {
  it('db-kill-backends: pg_terminate_backend\'s count of the target\'s sessions; 0 when it has none', async () => {
    await Promise.all([session('obs-target'), session('obs-target'), session('obs-target')]);
    const hit = await observe({ kind: 'db-kill-backends', applicationName: 'obs-target' });
    expect(hit).toMatchObject({ source: 'database', action: 'kill-backends', backendsTerminated: 3 });
    const miss = await observe({ kind: 'db-kill-backends', applicationName: 'nobody-here' });
    expect(miss).toMatchObject({ backendsTerminated: 0 });
    expect(observationVerdict(miss!, 0)).toBe('not-seen');
  });

  it('db-lock: the statements that queued behind the lock, each once', async () => {
    const writers = await Promise.all([session('obs-writer'), session('obs-writer')]);
    let done: Promise<unknown> = Promise.resolve();
    const o = await observe({ kind: 'db-lock', table: 'locked_jobs' }, async () => {
      done = Promise.all(writers.map((w) => w.query(`INSERT INTO locked_jobs (note) VALUES ('blocked')`)));
      // Long enough for a few samples of the two waiting inserts.
      await new Promise((r) => setTimeout(r, 800));
    });
    await done;
    expect(o).toMatchObject({ source: 'database', action: 'lock', connectionsHeld: 1, statementsWaiting: 2, maxWaiting: 2 });
    expect(o?.source === 'database' && o.samples).toBeGreaterThanOrEqual(2);
  });

  it('db-slow-statements: the writes seen sleeping in the trigger', async () => {
    const writer = await session('obs-slow');
    const o = await observe({ kind: 'db-slow-statements', delayMs: 600, table: 'slow_jobs' }, async () => {
      for (let i = 0; i < 2; i++) await writer.query(`INSERT INTO slow_jobs (note) VALUES ('slowed')`);
    });
    // Each 600 ms sleep spans at least one 250 ms sample; a loaded machine may delay one past it.
    expect(o).toMatchObject({ source: 'database', action: 'slow-statements' });
    const waiting = o?.source === 'database' ? o.statementsWaiting : null;
    expect(waiting).toBeGreaterThanOrEqual(1);
    expect(waiting).toBeLessThanOrEqual(2);
  });

  it('memory-pressure (host): exactly the MiB it allocated and wrote', async () => {
    const o = await observe({ kind: 'memory-pressure', mb: 24 });
    expect(o).toEqual({ source: 'hog', resource: 'memory', where: 'host', processes: 1, cpuSeconds: null, bytesTouched: 24 * 1024 * 1024 });
  });

  it('cpu-hog: the CPU its busy loops used after they were ready, at most their duty of the wall time', async () => {
    const started = performance.now();
    const o = await observe({ kind: 'cpu-hog', processes: 2, dutyPercent: 50 }, () => new Promise((r) => setTimeout(r, 600)));
    const wallSec = (performance.now() - started) / 1000;
    expect(o).toMatchObject({ source: 'hog', resource: 'cpu', where: 'host', processes: 2, bytesTouched: null });
    const cpu = o?.source === 'hog' ? (o.cpuSeconds ?? 0) : 0;
    expect(cpu).toBeGreaterThan(0);
    // 2 × 50 % of the time they ran, plus the odd overrun of a 50 ms busy slice.
    expect(cpu).toBeLessThan(2 * 0.5 * wallSec + 0.3);
    // eslint-disable-next-line no-console
    console.log(`cpu-hog 2 × 50 % for ${wallSec.toFixed(2)} s wall: ${cpu} CPU s`);
  });
});
