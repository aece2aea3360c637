import http from 'node:http';
import path from 'node:path';
import pg from 'pg';
import { Toxiproxy } from 'toxiproxy-node-client';
import type { ICreateProxyBody } from 'toxiproxy-node-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../../harness/core/seeded-rng.ts';
import type { FaultObservation } from '../../../harness/contract/fault-observation.ts';
import { createFaultDriver } from '../../../harness/faults/index.ts';
import { listActive } from '../../../harness/faults/ledger-cleanup.ts';
import { checkToxiproxyReachable } from '../../../harness/run/check-toxiproxy-reachable.ts';
import { startToxiproxyServer } from '../../../harness/toxiproxy/index.ts';
import type { ToxiproxyServer } from '../../../harness/toxiproxy/index.ts';
import { createTargetTestDatabase } from '../../support/target-db.ts';
import { faultContext, plannedFault, removeTempDirs, runFault, tempDir } from './fault-fixture.ts';

/**
 * The db-* protocol faults (db-error, db-reject-connections, db-drop-in-transaction, db-slow-commit)
 * through their drivers, on a `db` proxy in PostgreSQL mode in front of a real PostgreSQL, seen by
 * the `pg` driver: what the client gets while the fault is active, and that it is gone after.
 */
let db: Awaited<ReturnType<typeof createTargetTestDatabase>>;
let server: ToxiproxyServer;
let client: Toxiproxy;
let proxied = '';
let ctx: ReturnType<typeof faultContext>;
const dir = tempDir('db-protocol-faults');

beforeAll(async () => {
  db = await createTargetTestDatabase('faults_pgproto');
  server = await startToxiproxyServer({ port: 0, random: createRng(11) });
  client = new Toxiproxy(server.url);
  const url = new URL(db.url);
  // As target-setup.ts creates it when the plan has a protocol fault.
  const proxy = await client.createProxy({ name: 'db', listen: '127.0.0.1:0', upstream: `127.0.0.1:${url.port}`, protocol: 'postgres' } as ICreateProxyBody);
  url.port = proxy.listen.slice(proxy.listen.lastIndexOf(':') + 1);
  proxied = url.toString();
  ctx = faultContext({ toxiproxy: { client, url: server.url }, dir });
  const c = await connect();
  await c.query('CREATE TABLE IF NOT EXISTS t (id int PRIMARY KEY, v int)');
  await c.query('INSERT INTO t VALUES (1, 0) ON CONFLICT DO NOTHING');
  await c.end();
});

afterAll(async () => {
  removeTempDirs();
  await server?.close();
  await db?.drop();
});

async function connect(): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: proxied, connectionTimeoutMillis: 5_000 });
  c.on('error', () => undefined);
  await c.connect();
  return c;
}

const codeOf = (p: Promise<unknown>): Promise<string | null> => p.then(() => null, (e: unknown) => (e as { code?: string }).code ?? (e as Error).message);

/** Injects, runs `during`, removes (twice), and checks the proxy and the ledger are clean. */
async function withFault(entry: Record<string, unknown>, during: () => Promise<void>): Promise<FaultObservation | null> {
  const driver = await runFault(ctx, entry, during);
  const proxies = (await (await fetch(`${server.url}/proxies`)).json()) as Record<string, { toxics: unknown[] }>;
  for (const [name, p] of Object.entries(proxies)) expect(p.toxics, name).toEqual([]);
  expect(await listActive(path.join(dir, 'run-ledger.json'))).toEqual([]);
  return driver.observation?.() ?? null;
}

/** The times the fault's toxic acted, from the proxy's counters (the fault's evidence). */
const fired = (o: FaultObservation | null): number | undefined => (o?.source === 'proxy' ? o.counters?.fired : undefined);

describe('PostgreSQL protocol faults through their drivers', () => {
  it('db-error: matching statements fail with the SQLSTATE, the transaction is aborted, ROLLBACK makes the session usable; gone after removal', async () => {
    const c = await connect();
    await withFault({ kind: 'db-error', sqlstate: '40001', match: '^UPDATE' }, async () => {
      expect(await codeOf(c.query('SELECT 1'))).toBeNull();
      await c.query('BEGIN');
      expect(await codeOf(c.query('UPDATE t SET v = v + 1 WHERE id = 1'))).toBe('40001');
      // As PostgreSQL aborts a transaction after an error: 25P02 until ROLLBACK.
      expect(await codeOf(c.query('SELECT 1'))).toBe('25P02');
      await c.query('ROLLBACK');
      expect(await codeOf(c.query('SELECT 1'))).toBeNull();
      // The extended protocol (a parameterised statement) too.
      expect(await codeOf(c.query('UPDATE t SET v = $1 WHERE id = 1', [5]))).toBe('40001');
    });
    expect(await codeOf(c.query('UPDATE t SET v = v + 1 WHERE id = 1'))).toBeNull();
    await c.end();
  });

  it('db-error with count: only the first matches fail', async () => {
    const c = await connect();
    const codes: (string | null)[] = [];
    const seen = await withFault({ kind: 'db-error', sqlstate: '40P01', match: '^UPDATE', count: 2 }, async () => {
      for (let i = 0; i < 4; i++) codes.push(await codeOf(c.query('UPDATE t SET v = v + 1 WHERE id = 1')));
    });
    expect(codes).toEqual(['40P01', '40P01', null, null]);
    // Its evidence: the toxic acted twice (the run judges the fault's effect `observed` from it).
    expect(fired(seen)).toBe(2);
    // A pattern that never matches acts on nothing: evidence of no effect.
    expect(fired(await withFault({ kind: 'db-error', match: '^DELETE FROM nowhere' }, async () => void (await c.query('SELECT 1'))))).toBe(0);
    await c.end();
  });

  it('db-reject-connections: new sessions are refused with 53300, open ones keep working', async () => {
    const open = await connect();
    await withFault({ kind: 'db-reject-connections' }, async () => {
      expect(await codeOf(connect().then((c) => c.end()))).toBe('53300');
      expect(await codeOf(open.query('SELECT 1'))).toBeNull();
    });
    const fresh = await connect();
    expect(await codeOf(fresh.query('SELECT 1'))).toBeNull();
    await fresh.end();
    await open.end();
  });

  it('db-slow-commit: COMMIT waits the latency, other statements do not', async () => {
    const c = await connect();
    let commitMs = 0;
    let selectMs = 0;
    await withFault({ kind: 'db-slow-commit', latencyMs: 300 }, async () => {
      let t = performance.now();
      await c.query('SELECT 1');
      selectMs = performance.now() - t;
      await c.query('BEGIN');
      await c.query('UPDATE t SET v = v + 1 WHERE id = 1');
      t = performance.now();
      await c.query('COMMIT');
      commitMs = performance.now() - t;
    });
    expect(commitMs).toBeGreaterThanOrEqual(295);
    expect(selectMs).toBeLessThan(150);
    await c.end();
  });

  it('db-drop-in-transaction: the connection is cut after the N-th statement of a transaction; statements outside one are untouched', async () => {
    const inside = await connect();
    const outside = await connect();
    let cut: string | null = null;
    await withFault({ kind: 'db-drop-in-transaction', afterStatements: 1 }, async () => {
      for (let i = 0; i < 3; i++) expect(await codeOf(outside.query('SELECT 1'))).toBeNull();
      await inside.query('BEGIN');
      expect(await codeOf(inside.query('UPDATE t SET v = v + 1 WHERE id = 1'))).toBeNull();
      cut = await codeOf(inside.query('SELECT 2'));
    });
    expect(cut).not.toBeNull();
    // The server rolled the cut transaction back; a new session works.
    await outside.end();
    const again = await connect();
    expect(await codeOf(again.query('SELECT 1'))).toBeNull();
    await again.end();
  });
});

describe('db-drop-in-transaction with autocommit: the answer lost, the work done', () => {
  it('a matching autocommitted UPDATE runs and commits on the server while its client loses the connection; others are untouched', async () => {
    const direct = new pg.Client({ connectionString: db.url });
    await direct.connect();
    const before = Number((await direct.query('SELECT v FROM t WHERE id = 1')).rows[0]?.v);
    const c = await connect();
    let lost: string | null = null;
    let read: string | null = 'not run';
    await withFault({ kind: 'db-drop-in-transaction', autocommit: true, match: '^UPDATE t', count: 1 }, async () => {
      read = await codeOf(c.query('SELECT 1'));
      // Extended protocol (a parameterised statement): committed at its Sync, before the cut.
      lost = await codeOf(c.query('UPDATE t SET v = v + $1 WHERE id = 1', [10]));
    });
    expect(read).toBeNull();
    expect(lost).not.toBeNull();
    // The client heard an error; the database did the work.
    expect(Number((await direct.query('SELECT v FROM t WHERE id = 1')).rows[0]?.v)).toBe(before + 10);
    await direct.end();
    await c.end().catch(() => undefined);
  });
});

describe('toxics on stresslab\'s own proxy carry a ttl', () => {
  it('one minute past the planned removal, so a fault ends even if its run died; none without toxicTtl', async () => {
    const ttlOf = async (withTtl: boolean): Promise<unknown> => {
      const event = plannedFault({ kind: 'db-slow-commit', latencyMs: 10 }, `ttl-${String(withTtl)}`);
      const driver = createFaultDriver(event, { ...ctx, toxicTtl: withTtl });
      await ctx.ledger.open(event);
      try {
        await driver.inject();
        const toxics = (await (await fetch(`${server.url}/proxies/db/toxics`)).json()) as { attributes: Record<string, unknown> }[];
        return toxics[0]?.attributes.ttl;
      } finally {
        await driver.remove();
        await ctx.ledger.done(event.name);
      }
    };
    // plannedFault: injected at 0 s, removed at 30 s.
    expect(await ttlOf(true)).toBe(90_000);
    expect(await ttlOf(false)).toBeUndefined();
  });
});

describe('a Toxiproxy without PostgreSQL mode', () => {
  it('is refused before the run when the plan has protocol faults; stresslab\'s own proxy is accepted', async () => {
    // A real Toxiproxy cannot run here: a stand-in answers GET /version as Toxiproxy 2.12 does (no stresslab header).
    const real = http.createServer((_req, res) => {
      res.setHeader('Content-Type', 'application/json;charset=utf-8');
      res.end('{"version": "2.12.0"}\n');
    });
    await new Promise<void>((r) => real.listen(0, '127.0.0.1', () => r()));
    const address = real.address();
    const realUrl = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
    try {
      await expect(checkToxiproxyReachable(realUrl, '--toxiproxy', { needsProtocols: ['postgres'] })).rejects.toThrow(/need stresslab's proxy.*a real Toxiproxy/);
      await expect(checkToxiproxyReachable(realUrl, '--toxiproxy', { needsProtocols: [] })).resolves.toBeUndefined();
      await expect(checkToxiproxyReachable(server.url, '--toxiproxy', { needsProtocols: ['postgres'] })).resolves.toBeUndefined();
    } finally {
      await new Promise<void>((r) => real.close(() => r()));
    }
  });
});
