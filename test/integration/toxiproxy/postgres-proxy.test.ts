import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { execFile } from 'node:child_process';
import type { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ICreateToxicBody, Proxy, Toxiproxy } from 'toxiproxy-node-client';
import { cancelRequestCode } from '../../../harness/toxiproxy/postgres/pg-framer.ts';
import { copyIn } from '../../support/pg-copy-in.ts';
import { createTestDatabase } from '../../support/postgres.ts';
import { connectTo, portOf, sleep } from './loopback.ts';
import { startFixture } from './toxiproxy-fixture.ts';
import type { Fixture } from './toxiproxy-fixture.ts';

// A `"protocol": "postgres"` proxy in front of the run's real PostgreSQL, driven with the pg driver;
// the toxics are created with the official toxiproxy-node-client like any other toxic.
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let fx: Fixture;
let proxy: Proxy;
let admin: pg.Client;
const clients = new Set<pg.Client>();
const psqlInstalled = (process.env.PATH ?? '').split(':').some((dir) => existsSync(`${dir}/psql`));

beforeAll(async () => {
  db = await createTestDatabase('pg_proxy');
  fx = await startFixture(11);
  const target = new URL(db.url);
  const body = { name: 'pg', listen: '127.0.0.1:0', upstream: `${target.hostname}:${target.port}`, protocol: 'postgres' };
  proxy = await fx.client.createProxy(body as Parameters<Toxiproxy['createProxy']>[0]);
  admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  await admin.query('CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL)');
  await admin.query('INSERT INTO accounts SELECT g, 100 FROM generate_series(1, 10) g');
  await admin.query('CREATE TABLE blobs (id int, body text)');
});

afterEach(async () => {
  for (const client of clients) await client.end().catch(() => {});
  clients.clear();
  const response = await fetch(`${fx.server.url}/proxies/pg/toxics`);
  for (const toxic of (await response.json()) as Array<{ name: string }>) {
    await fetch(`${fx.server.url}/proxies/pg/toxics/${toxic.name}`, { method: 'DELETE' });
  }
});

afterAll(async () => {
  await admin?.end();
  await fx?.close();
  await db?.drop();
});

/** A pg client through the proxy, closed after the test; connection errors after a cut are expected. */
async function connect(options: { pipeline?: boolean } = {}): Promise<pg.Client> {
  const url = new URL(db.url);
  url.hostname = '127.0.0.1';
  url.port = String(portOf(proxy.listen));
  const client = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 5000, ...options });
  client.on('error', () => {});
  clients.add(client);
  await client.connect();
  return client;
}

function addToxic(type: string, attributes: object, extra: { name?: string; toxicity?: number } = {}) {
  return proxy.addToxic({ type, attributes, stream: 'upstream', ...extra } as unknown as ICreateToxicBody<object>);
}

/** The error a promise rejects with (fails the test if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected a failure');
}

/**
 * The names of the backend messages the client receives for `run` (pg's own parser names them), up to
 * and including ReadyForQuery: pg settles a failed query on the ErrorResponse, before ReadyForQuery
 * (and the transaction status in it) has arrived.
 */
async function backendMessages(client: pg.Client, run: () => Promise<unknown>): Promise<string[]> {
  const names: string[] = [];
  const connection = (client as unknown as { connection: EventEmitter }).connection;
  let ready: () => void = () => {};
  const readyForQuery = new Promise<void>((resolve) => (ready = resolve));
  const record = (message: { name: string }) => {
    names.push(message.name);
    if (message.name === 'readyForQuery') ready();
  };
  connection.on('message', record);
  try {
    await run().catch(() => {});
    await Promise.race([readyForQuery, sleep(2000)]);
  } finally {
    connection.off('message', record);
  }
  return names;
}

/** The error of a statement that must fail, once its ReadyForQuery has arrived (so the status is current). */
async function failure(client: pg.Client, sql: string | pg.QueryConfig, values?: unknown[]): Promise<Error & { code?: string }> {
  let error: (Error & { code?: string }) | undefined;
  await backendMessages(client, () => client.query(sql, values).catch((e: Error) => (error = e)));
  if (error === undefined) throw new Error('expected the statement to fail');
  return error;
}

async function balance(id: number): Promise<number> {
  return Number((await admin.query<{ balance: number }>('SELECT balance FROM accounts WHERE id = $1', [id])).rows[0]?.balance);
}

describe('postgres mode without toxics', () => {
  it('is echoed in the proxy JSON; an unknown protocol is a 400', async () => {
    const json = (await (await fetch(`${fx.server.url}/proxies/pg`)).json()) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['name', 'listen', 'upstream', 'protocol', 'enabled', 'Logger', 'toxics']);
    expect(json.protocol).toBe('postgres');
    const bad = await fetch(`${fx.server.url}/proxies`, {
      method: 'POST',
      body: JSON.stringify({ name: 'x', upstream: '127.0.0.1:1', protocol: 'mysql' }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('unknown protocol');

    // An update may switch the mode (the proxy restarts, like a new upstream); populate sets it too.
    const flip = await fx.client.createProxy({ name: 'flip', listen: '127.0.0.1:0', upstream: proxy.upstream });
    const keys = async () => Object.keys((await (await fetch(`${fx.server.url}/proxies/flip`)).json()) as object);
    expect(await keys()).toEqual(['name', 'listen', 'upstream', 'enabled', 'Logger', 'toxics']);
    await fetch(`${fx.server.url}/proxies/flip`, { method: 'POST', body: JSON.stringify({ protocol: 'postgres' }) });
    expect(await keys()).toContain('protocol');
    await fetch(`${fx.server.url}/proxies/flip`, { method: 'POST', body: JSON.stringify({ protocol: 'tcp' }) });
    expect(await keys()).not.toContain('protocol');
    await flip.remove();
    const populated = await fetch(`${fx.server.url}/populate`, {
      method: 'POST',
      body: JSON.stringify([{ name: 'pop-pg', listen: '127.0.0.1:0', upstream: proxy.upstream, protocol: 'postgres' }]),
    });
    expect(((await populated.json()) as { proxies: Array<{ protocol?: string }> }).proxies[0]?.protocol).toBe('postgres');
    await fetch(`${fx.server.url}/proxies/pop-pg`, { method: 'DELETE' });
  });

  it('keeps TCP toxics working in front of the protocol layer (latency on the requests)', async () => {
    const client = await connect();
    await addToxic('latency', { latency: 150, jitter: 0 }, { name: 'tcp-latency' });
    const start = performance.now();
    expect((await client.query<{ n: number }>('SELECT $1::int AS n', [3])).rows).toEqual([{ n: 3 }]);
    expect(performance.now() - start).toBeGreaterThanOrEqual(145);
  });

  it('passes simple and extended queries, a 10 MB value, a COPY FROM STDIN and a pipeline unchanged', async () => {
    const client = await connect();
    expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    const big = 'x'.repeat(5_000_000) + 'y'.repeat(5_000_000);
    await client.query('INSERT INTO blobs VALUES ($1, $2)', [1, big]);
    const back = await client.query<{ body: string }>('SELECT body FROM blobs WHERE id = 1');
    expect(createHash('md5').update(back.rows[0]?.body ?? '').digest('hex')).toBe(createHash('md5').update(big).digest('hex'));

    const lines = Array.from({ length: 5000 }, (_, i) => `${100 + i}\trow ${i} with a tab\\there and ünïcode\n`);
    const payload = Buffer.from(lines.join(''));
    const chunks = [payload.subarray(0, 7), payload.subarray(7, 70_001), payload.subarray(70_001)];
    expect(await copyIn(client, 'COPY blobs FROM STDIN', chunks)).toBe('COPY 5000');
    const copied = await admin.query<{ n: string; digest: string }>(
      "SELECT count(*) AS n, md5(string_agg(id || E'\\t' || replace(body, E'\\t', '\\t') || E'\\n', '' ORDER BY id)) AS digest FROM blobs WHERE id >= 100",
    );
    expect(copied.rows[0]).toEqual({ n: '5000', digest: createHash('md5').update(payload).digest('hex') });

    const pipelined = await connect({ pipeline: true });
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => pipelined.query<{ n: number }>('SELECT $1::int AS n', [i])));
    expect(results.map((r) => r.rows[0]?.n)).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it('passes a CancelRequest on a new connection to the server: a running query is cancelled (57014)', async () => {
    const client = await connect();
    const { processID, secretKey } = client as unknown as { processID: number; secretKey: number };
    const start = performance.now();
    const sleeping = rejection(client.query('SELECT pg_sleep(5)'));
    await sleep(200);
    const cancel = Buffer.alloc(16);
    cancel.writeInt32BE(16, 0);
    cancel.writeInt32BE(cancelRequestCode, 4);
    cancel.writeInt32BE(processID, 8);
    cancel.writeInt32BE(secretKey, 12);
    const socket = await connectTo(portOf(proxy.listen));
    socket.end(cancel);
    expect((await sleeping).code).toBe('57014');
    expect(performance.now() - start).toBeLessThan(3000);
    socket.destroy();
  });
});

describe('pg_error', () => {
  it('fails a matching UPDATE with 40001; the transaction is aborted (25P02) until ROLLBACK, then the connection works', async () => {
    const client = await connect(); // opened before the toxic: toxics reach live sessions
    const toxic = await addToxic('pg_error', { match: '^\\s*UPDATE', sqlstate: '40001' });
    expect(toxic.toJson()).toMatchObject({ type: 'pg_error', attributes: { match: '^\\s*UPDATE', sqlstate: '40001', message: '', count: 0, after: 0 } });
    await client.query('BEGIN');
    await client.query('SELECT balance FROM accounts WHERE id = 1');
    const error = await failure(client, 'UPDATE accounts SET balance = balance - 1 WHERE id = 1');
    expect(error.code).toBe('40001');
    expect(error.message).toBe('could not serialize access due to concurrent update');
    expect(client.getTransactionStatus()).toBe('E');
    expect((await failure(client, 'SELECT 1')).code).toBe('25P02');
    await client.query('ROLLBACK');
    expect(client.getTransactionStatus()).toBe('I');
    expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    expect(await balance(1)).toBe(100);
    // Outside a transaction block the statement fails alone and the session stays idle.
    expect((await failure(client, "UPDATE accounts SET balance = 0 WHERE id = 2")).code).toBe('40001');
    expect(client.getTransactionStatus()).toBe('I');
    expect(await balance(2)).toBe(100);
  });

  it('does the same over the extended protocol, for unnamed and named prepared statements', async () => {
    await addToxic('pg_error', { match: 'UPDATE accounts', sqlstate: '40P01', message: 'deadlock detected (injected)' });
    const client = await connect();
    await client.query('BEGIN');
    const error = await failure(client, 'UPDATE accounts SET balance = balance - $1 WHERE id = $2', [5, 3]);
    expect([error.code, error.message]).toEqual(['40P01', 'deadlock detected (injected)']);
    expect((await failure(client, 'SELECT $1::int', [1])).code).toBe('25P02');
    await client.query('ROLLBACK');
    expect((await client.query<{ n: number }>('SELECT $1::int AS n', [7])).rows).toEqual([{ n: 7 }]);

    // The client receives exactly what PostgreSQL sends when such a statement fails while executing
    // (here a real division by zero): the proxy's own ParseComplete and BindComplete are not seen.
    const real = await backendMessages(client, () => client.query('UPDATE accounts SET balance = balance / $1 WHERE id = $2', [0, 3]));
    const injected = await backendMessages(client, () => client.query('UPDATE accounts SET balance = balance - $1 WHERE id = $2', [5, 3]));
    expect(real).toEqual(['parseComplete', 'bindComplete', 'noData', 'error', 'readyForQuery']);
    expect(injected).toEqual(real);

    const named = { name: 'debit', text: 'UPDATE accounts SET balance = balance - $1 WHERE id = $2', values: [5, 3] };
    expect((await failure(client, named)).code).toBe('40P01');
    expect(client.getTransactionStatus()).toBe('I');
    await proxy.getToxic('pg_error_upstream').then((t) => t.remove());
    expect((await client.query(named)).rowCount).toBe(1); // the prepared statement survived the fault
    expect(await balance(3)).toBe(95);
  });

  it('fails only the matching statement of a pipeline; every other pipelined query gets its own result', async () => {
    await addToxic('pg_error', { match: 'marker', sqlstate: '40001' });
    const client = await connect({ pipeline: true });
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => {
        const sql = i % 10 === 5 ? `SELECT $1::int AS n, 'marker' AS m` : 'SELECT $1::int AS n';
        return client.query<{ n: number }>(sql, [i]).then((r) => r.rows[0]?.n, (e: { code: string }) => e.code);
      }),
    );
    expect(results).toEqual(Array.from({ length: 40 }, (_, i) => (i % 10 === 5 ? '40001' : i)));
  });

  it('fails COMMIT as PostgreSQL does: the transaction is rolled back and over, no ROLLBACK needed', async () => {
    await addToxic('pg_error', { match: 'COMMIT', sqlstate: '40001' });
    const client = await connect();
    await client.query('SELECT 1'); // not in a transaction: not a COMMIT match
    await client.query('BEGIN');
    await client.query('UPDATE accounts SET balance = balance + 10 WHERE id = 4');
    expect((await failure(client, 'COMMIT')).code).toBe('40001');
    expect(client.getTransactionStatus()).toBe('I');
    expect(await balance(4)).toBe(100);
    await client.query('BEGIN');
    await client.query('UPDATE accounts SET balance = balance + 10 WHERE id = 4');
    // Over the extended protocol; the messages are those of a COMMIT that fails (a deferred constraint here).
    let committed = '';
    const commit = { text: 'COMMIT', queryMode: 'extended' as const };
    const injected = await backendMessages(client, () => client.query(commit).catch((e: { code: string }) => (committed = e.code)));
    expect(committed).toBe('40001');
    expect(injected).toEqual(['parseComplete', 'bindComplete', 'noData', 'error', 'readyForQuery']);
    expect(client.getTransactionStatus()).toBe('I');
    expect(await balance(4)).toBe(100);
    expect((await client.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
  });

  it('with count 2 fails exactly the first two matches; with after 3 and count 1 exactly the fourth', async () => {
    await addToxic('pg_error', { match: 'UPDATE', count: 2 }, { name: 'first-two' });
    const client = await connect();
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++) {
      outcomes.push(await client.query('UPDATE accounts SET balance = balance WHERE id = 5').then(() => 'ok', (e: { code: string }) => e.code));
    }
    expect(outcomes).toEqual(['40001', '40001', 'ok', 'ok', 'ok']);
    await proxy.getToxic('first-two').then((t) => t.remove());

    await addToxic('pg_error', { match: 'UPDATE', after: 3, count: 1, sqlstate: '57014' }, { name: 'fourth' });
    const later: string[] = [];
    for (let i = 0; i < 6; i++) {
      later.push(await client.query('UPDATE accounts SET balance = balance WHERE id = $1', [5]).then(() => 'ok', (e: { code: string }) => e.code));
    }
    expect(later).toEqual(['ok', 'ok', 'ok', '57014', 'ok', 'ok']);
  });

  it('with toxicity 0.5 fails about half of 200 statements', async () => {
    await addToxic('pg_error', { match: 'SELECT' }, { toxicity: 0.5 });
    const client = await connect();
    let failed = 0;
    for (let i = 0; i < 200; i++) {
      await client.query('SELECT $1::int', [i]).catch((e: { code: string }) => {
        expect(e.code).toBe('40001');
        failed++;
      });
    }
    console.info(`pg_error toxicity 0.5: ${failed} of 200 statements failed`);
    // The proxy's stats count what the toxic did, so a run can prove the fault bit.
    const stats = (await (await fetch(`${fx.server.url}/proxies/pg/stats`)).json()) as { toxics: Record<string, { fired?: number }> };
    expect(stats.toxics.pg_error_upstream?.fired).toBe(failed);
    // Binomial(200, 0.5): mean 100, sd 7.07; ±4 sd is [72, 128] (fails by chance with p < 1e-4).
    expect(failed).toBeGreaterThanOrEqual(72);
    expect(failed).toBeLessThanOrEqual(128);
  });

  it('is refused on a TCP proxy, and updated and removed with the official client like any toxic', async () => {
    const tcp = await fx.client.createProxy({ name: 'tcp-pg', listen: '127.0.0.1:0', upstream: proxy.upstream });
    await expect(tcp.addToxic({ type: 'pg_error', attributes: {} } as unknown as ICreateToxicBody<object>)).rejects.toThrow('status code 400');
    await tcp.remove();
    await expect(addToxic('pg_error', { match: '(' })).rejects.toThrow('status code 400');
    await expect(addToxic('pg_error', { sqlstate: '00000' })).rejects.toThrow('status code 400');
    for (const [type, attributes] of [
      ['pg_error', { match: 'x', sqlstate: '40001', message: 'm', count: 1, after: 2 }],
      ['pg_reject_connect', { sqlstate: '57P03', message: '', count: 0, after: 0 }],
      ['pg_delay', { match: 'COMMIT', latency: 50, count: 0, after: 0 }],
      ['pg_drop_in_transaction', { after: 3, count: 1, match: '^UPDATE', autocommit: 1 }],
    ] as const) {
      const toxic = await addToxic(type, attributes);
      expect(toxic.toJson()).toEqual({ attributes, name: `${type}_upstream`, stream: 'upstream', toxicity: 1, type });
      const updated = await toxic.update({ attributes: { count: 9 }, toxicity: 0.5 } as unknown as ICreateToxicBody<object>);
      expect(updated.toJson()).toEqual({ attributes: { ...attributes, count: 9 }, name: `${type}_upstream`, stream: 'upstream', toxicity: 0.5, type });
      await updated.remove();
      await expect(proxy.getToxic(`${type}_upstream`)).rejects.toThrow('status code 404');
    }
  });
});

/** psql through the proxy (sslmode prefer: it sends SSLRequest first, which the proxy answers 'N'). */
function psql(sql: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const url = new URL(db.url);
  const args = ['-X', '-h', '127.0.0.1', '-p', String(portOf(proxy.listen)), '-U', url.username, '-d', url.pathname.slice(1)];
  const env = { ...process.env, PGPASSWORD: decodeURIComponent(url.password), PGSSLMODE: 'prefer', PGCONNECT_TIMEOUT: '5' };
  return new Promise((resolve) => {
    execFile('psql', [...args, '-v', 'VERBOSITY=verbose', '-c', sql], { env, timeout: 10_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

describe('psql', () => {
  it.skipIf(!psqlInstalled)('connects with SSLRequest refused and gets the injected SQLSTATE and a message with quotes', async () => {
    await addToxic('pg_error', { match: 'accounts', sqlstate: '40001', message: "it's $stresslab$ ünïcode" });
    expect(await psql('SELECT 41 + 1')).toMatchObject({ code: 0, stdout: expect.stringContaining('42') });
    const failed = await psql('UPDATE accounts SET balance = 0 WHERE id = 7');
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain("ERROR:  40001: it's $stresslab$ ünïcode");
    expect(await balance(7)).toBe(100);
  });
});

describe('pg_reject_connect', () => {
  it('refuses new sessions with 53300 while existing sessions keep working', async () => {
    const existing = await connect();
    await addToxic('pg_reject_connect', {});
    const error = await rejection(connect());
    expect([error.code, error.message]).toEqual(['53300', 'sorry, too many clients already']);
    expect((await existing.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    const stats = (await (await fetch(`${fx.server.url}/proxies/pg/stats`)).json()) as { toxics: Record<string, unknown> };
    expect(stats.toxics.pg_reject_connect_upstream).toMatchObject({ fired: 1 });
  });

  it('with 57P03 and count 1 refuses exactly the next session', async () => {
    await addToxic('pg_reject_connect', { sqlstate: '57P03', count: 1 });
    expect((await rejection(connect())).code).toBe('57P03');
    const second = await connect();
    expect((await second.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });
});

describe('pg_delay', () => {
  it('adds at least latency to a matching statement and nothing to the others', async () => {
    await addToxic('pg_delay', { match: 'slow_marker', latency: 300 });
    const client = await connect();
    await client.query('SELECT 1');
    const timed = async (sql: string) => {
      const start = performance.now();
      await client.query(sql);
      return performance.now() - start;
    };
    const slow = await timed("SELECT 'slow_marker'");
    const fast = await timed('SELECT 2');
    console.info(`pg_delay 300 ms: matching ${slow.toFixed(0)} ms, other ${fast.toFixed(0)} ms`);
    expect(slow).toBeGreaterThanOrEqual(300);
    expect(fast).toBeLessThan(100);
  });

  it('holds a pipelined statement without reordering or delaying what was sent before it', async () => {
    await addToxic('pg_delay', { match: 'slow_marker', latency: 250 });
    const client = await connect({ pipeline: true });
    const start = performance.now();
    const settled: Array<[number, number]> = [];
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => {
        const sql = i === 6 ? "SELECT $1::int AS n, 'slow_marker' AS m" : 'SELECT $1::int AS n';
        return client.query<{ n: number }>(sql, [i]).then((r) => void settled.push([r.rows[0]?.n ?? -1, performance.now() - start]));
      }),
    );
    expect(settled.map(([n]) => n)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(settled.filter(([n]) => n < 6).every(([, ms]) => ms < 200)).toBe(true);
    expect(settled.filter(([n]) => n >= 6).every(([, ms]) => ms >= 250)).toBe(true);
  });

  it('delays COMMIT of an open transaction block', async () => {
    await addToxic('pg_delay', { match: 'COMMIT', latency: 200 });
    const client = await connect();
    await client.query('BEGIN');
    const start = performance.now();
    await client.query('COMMIT');
    expect(performance.now() - start).toBeGreaterThanOrEqual(200);
  });
});

describe('pg_drop_in_transaction', () => {
  it('closes the connection after the N-th statement of a transaction; the server rolls it back', async () => {
    await addToxic('pg_drop_in_transaction', { after: 2 });
    const client = await connect();
    for (let i = 0; i < 5; i++) await client.query('UPDATE accounts SET balance = balance WHERE id = 6'); // outside: untouched
    await client.query('BEGIN');
    await client.query('UPDATE accounts SET balance = balance + 1 WHERE id = 6');
    await client.query('UPDATE accounts SET balance = balance + 1 WHERE id = 6');
    const error = await rejection(client.query('UPDATE accounts SET balance = balance + 1 WHERE id = 6'));
    expect(error.message).toMatch(/Connection terminated/);
    // The server notices its client is gone and rolls back: the row lock is free and nothing stuck.
    const start = performance.now();
    while (performance.now() - start < 3000) {
      const stuck = await admin.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'");
      if (stuck.rows[0]?.n === 0) break;
      await sleep(20);
    }
    await admin.query("SET lock_timeout = '1s'");
    await admin.query('UPDATE accounts SET balance = balance WHERE id = 6');
    expect(await balance(6)).toBe(100);
  });

  it('with count 1 cuts one connection; the next transaction commits', async () => {
    await addToxic('pg_drop_in_transaction', { after: 0, count: 1 });
    const first = await connect();
    await first.query('BEGIN');
    await rejection(first.query('SELECT 1'));
    const second = await connect();
    await second.query('BEGIN');
    await second.query('SELECT 1');
    await second.query('COMMIT');
    expect(second.getTransactionStatus()).toBe('I');
  });
});
