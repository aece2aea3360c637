import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import pg from 'pg';
import { createFaultDriver } from '../../../harness/faults/index.ts';
import { listActive } from '../../../harness/faults/ledger-cleanup.ts';
import { isAlive } from '../../../process-kit/process-identity.ts';
import { startTarget } from '../../../reference-service/index.ts';
import type { RunningTarget } from '../../../reference-service/index.ts';
import { createTargetTestDatabase } from '../../support/target-db.ts';
import { backgroundLoad, faultContext, median, plannedFault, postExecution, tempDir, removeTempDirs } from './fault-fixture.ts';

let db: Awaited<ReturnType<typeof createTargetTestDatabase>>;
let target: RunningTarget;
let roleUrl = '';
const role = `fault_app_${process.pid}`;
const dir = tempDir('db-faults');
const connectionLimit = 14;

async function query<R extends pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []): Promise<R[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<R>(sql, values)).rows;
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  db = await createTargetTestDatabase('faults_db');
  const name = new URL(db.url).pathname.slice(1);
  // The target runs as a role with a connection limit, so pool exhaustion has a ceiling to reach.
  await query(db.url, `DROP ROLE IF EXISTS ${role}`);
  await query(db.url, `CREATE ROLE ${role} LOGIN PASSWORD 'pw' CONNECTION LIMIT ${connectionLimit}`);
  await query(db.url, `ALTER DATABASE ${name} OWNER TO ${role}`);
  const u = new URL(db.url);
  u.username = role;
  u.password = 'pw';
  roleUrl = u.toString();
  target = await startTarget({ databaseUrl: roleUrl, workers: 2, poolMax: 6, statementTimeoutMs: 4_000 });
});

afterAll(async () => {
  removeTempDirs();
  await target?.close();
  await db?.drop();
  await query(db.url.replace(/\/[^/]+$/, '/postgres'), `DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
});

const faultSessions = async (): Promise<number> =>
  Number((await query<{ n: string }>(db.url, `SELECT count(*) AS n FROM pg_stat_activity WHERE application_name LIKE 'stresslab-fault%'`))[0]?.n);

async function runFault(entry: Record<string, unknown>, databaseUrl: string, during: (logs: string[]) => Promise<void>): Promise<string[]> {
  const ctx = faultContext({ databaseUrl, dir });
  const event = plannedFault(entry);
  const driver = createFaultDriver(event, ctx);
  await ctx.ledger.open(event);
  const load = backgroundLoad(async () => (await postExecution(target.url, 8_000)).status, 100);
  try {
    await driver.inject();
    await during(ctx.logs);
  } finally {
    await driver.remove();
    await driver.remove();
    await ctx.ledger.done(event.name);
    const outcomes = await load.stop();
    expect(outcomes.length).toBeGreaterThan(0);
  }
  expect(await faultSessions()).toBe(0);
  expect(await listActive(path.join(dir, 'run-ledger.json'))).toEqual([]);
  return ctx.logs;
}

const holderPid = (logs: string[]): number => Number(/holder pid (\d+)/.exec(logs.join('\n'))?.[1]);

describe('PostgreSQL-level faults against the real target', () => {
  it('db-lock: writes stall behind an ACCESS EXCLUSIVE lock and complete once it is released', async () => {
    let pending: Promise<{ status: number; ms: number }> | null = null;
    let settledDuringLock = true;
    const logs = await runFault({ kind: 'db-lock', table: 'executions' }, db.url, async () => {
      const locks = await query<{ mode: string; granted: boolean }>(
        db.url,
        `SELECT l.mode, l.granted FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE a.application_name LIKE 'stresslab-fault%' AND l.relation = 'executions'::regclass`,
      );
      expect(locks).toContainEqual({ mode: 'AccessExclusiveLock', granted: true });
      pending = postExecution(target.url, 10_000);
      settledDuringLock = await Promise.race([pending.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 800))]);
    });
    expect(settledDuringLock).toBe(false);
    const r = await pending!;
    expect(r.status).toBe(202);
    expect(r.ms).toBeGreaterThan(700);
    expect(isAlive({ pid: holderPid(logs), startTime: null })).toBe(false);
  });

  it('db-slow-statements: writes take delayMs longer; the trigger is dropped at removal', async () => {
    const sample = async (): Promise<number> => median(await Promise.all([0, 1, 2, 3, 4].map(async () => (await postExecution(target.url)).ms)));
    const before = await sample();
    let during = 0;
    await runFault({ kind: 'db-slow-statements', delayMs: 300, table: 'executions' }, db.url, async () => {
      during = await sample();
    });
    expect(during - before).toBeGreaterThan(250);
    const left = await query(db.url, `SELECT tgname FROM pg_trigger WHERE tgname LIKE 'stresslab_fault%' UNION ALL SELECT proname FROM pg_proc WHERE proname LIKE 'stresslab_fault%'`);
    expect(left).toEqual([]);
    expect((await postExecution(target.url)).status).toBe(202);
  });

  it('db-kill-backends: the target\'s sessions are terminated (every interval) and it recovers', async () => {
    const targetSessions = async (): Promise<number> =>
      Number((await query<{ n: string }>(db.url, `SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'stresslab-target'`))[0]?.n);
    expect(await targetSessions()).toBeGreaterThan(0);
    const logs = await runFault({ kind: 'db-kill-backends', interval: '300ms' }, db.url, async () => {
      await new Promise((r) => setTimeout(r, 1_000));
    });
    const rounds = logs.map((l) => /terminated (\d+) backend/.exec(l)?.[1]).filter((n): n is string => n !== undefined).map(Number);
    expect(rounds.length).toBeGreaterThanOrEqual(3);
    expect(rounds[0]).toBeGreaterThan(0);
    await expect.poll(async () => (await postExecution(target.url)).status, { timeout: 10_000, interval: 200 }).toBe(202);
  });

  it('db-pool-exhaustion: new connections are refused while held, accepted after removal', async () => {
    const connectOnce = async (): Promise<string> => {
      const c = new pg.Client({ connectionString: roleUrl });
      try {
        await c.connect();
        await c.end();
        return 'ok';
      } catch (e) {
        return (e as { code?: string }).code ?? 'error';
      }
    };
    let refused = '';
    const logs = await runFault({ kind: 'db-pool-exhaustion', connections: 40 }, roleUrl, async () => {
      refused = await connectOnce();
    });
    const held = Number(/"connections":(\d+)/.exec(logs.join('\n'))?.[1]);
    expect(held).toBeGreaterThan(0);
    expect(held).toBeLessThanOrEqual(connectionLimit);
    expect(refused).toBe('53300');
    expect(await connectOnce()).toBe('ok');
    await expect.poll(async () => (await postExecution(target.url)).status, { timeout: 10_000, interval: 200 }).toBe(202);
  });
});
