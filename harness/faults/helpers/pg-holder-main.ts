import pg from 'pg';
import { announceReady, helperConfig, runUntilStopped } from './helper-protocol.ts';

/**
 * Holds PostgreSQL resources until stopped: `connections` open idle sessions (pool exhaustion) or a
 * table lock in an open transaction. The database URL comes from STRESSLAB_FAULT_DATABASE_URL.
 * Sessions are named application_name=stresslab-fault so cleanup can terminate leftovers.
 */
type HolderConfig = { mode: 'connections'; count: number } | { mode: 'lock'; table: string; lockMode: string };

const config = helperConfig<HolderConfig & { applicationName?: string }>();
const url = process.env.STRESSLAB_FAULT_DATABASE_URL ?? '';
const clients: pg.Client[] = [];

async function connect(): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url, application_name: config.applicationName ?? 'stresslab-fault', connectionTimeoutMillis: 10_000 });
  c.on('error', () => undefined);
  await c.connect();
  clients.push(c);
  return c;
}

function isTooMany(e: unknown): boolean {
  // 53300 too_many_connections (server, role or database limit)
  return (e as { code?: string }).code === '53300';
}

async function holdConnections(count: number): Promise<number> {
  const batch = 8;
  while (clients.length < count) {
    const n = Math.min(batch, count - clients.length);
    const results = await Promise.allSettled(Array.from({ length: n }, connect));
    const refused = results.filter((r) => r.status === 'rejected');
    if (refused.length > 0) {
      const first = (refused[0] as PromiseRejectedResult).reason;
      if (!isTooMany(first)) throw first;
      break;
    }
  }
  return clients.length;
}

function quoteTable(table: string): string {
  return table.split('.').map((part) => pg.escapeIdentifier(part)).join('.');
}

async function holdLock(table: string, lockMode: string): Promise<void> {
  const c = await connect();
  await c.query('BEGIN');
  await c.query(`LOCK TABLE ${quoteTable(table)} IN ${lockMode} MODE`);
  // A terminated session releases the lock: the helper's job is over then.
  c.on('end', () => process.exit(1));
}

async function main(): Promise<void> {
  runUntilStopped(config.maxLifetimeMs, async () => {
    await Promise.race([Promise.allSettled(clients.map((c) => c.end())), new Promise((r) => setTimeout(r, 2_000))]);
  });
  if (config.mode === 'connections') {
    const held = await holdConnections(config.count);
    if (held === 0) throw new Error('the server refused every connection');
    announceReady({ connections: held, backendPids: clients.map((c) => (c as unknown as { processID: number }).processID) });
  } else {
    await holdLock(config.table, config.lockMode);
    announceReady({ table: config.table, lockMode: config.lockMode });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
