import type pg from 'pg';
import { StresslabError } from '../core/stresslab-error.ts';
import type { FaultContext } from './fault-kind.ts';

/** The admin URL for PostgreSQL-level faults: the variable the scenario names, else the run's own. */
export function resolveDatabaseUrl(databaseUrlEnv: string | undefined, ctx: FaultContext, env: NodeJS.ProcessEnv = process.env): string {
  if (databaseUrlEnv !== undefined) {
    const url = env[databaseUrlEnv];
    if (!url) {
      throw new StresslabError('FAULT_FAILED', `Environment variable ${databaseUrlEnv} (databaseUrlEnv) is not set`, {
        hint: `export ${databaseUrlEnv}=postgres://user:password@host:5432/db before the run`,
      });
    }
    return url;
  }
  if (ctx.databaseUrl === null) {
    throw new StresslabError('FAULT_FAILED', 'This database fault needs a PostgreSQL admin URL and the run has none', {
      hint: 'Set databaseUrlEnv on the fault to a variable holding the URL (the embedded target provides one itself).',
    });
  }
  return ctx.databaseUrl;
}

/**
 * application_name of one fault's helper sessions: `stresslab-fault` plus a hash of the ledger
 * entry, so cleaning up a dead run never terminates the sessions of a live one.
 */
export function faultApplicationName(entryId: string): string {
  return `stresslab-fault ${entryHash(entryId)}`;
}

/** A short SQL identifier suffix unique to a ledger entry. */
export function faultIdentifier(prefix: string, entryId: string): string {
  return `${prefix}_${entryHash(entryId)}`;
}

function entryHash(entryId: string): string {
  // node:crypto loaded on first use, not imported: `validate` and `plan` load every fault kind, and
  // crypto is ~10 ms of their start-up (docs/startup.md).
  return process.getBuiltinModule('node:crypto').createHash('sha1').update(entryId).digest('hex').slice(0, 12);
}

export async function withDatabase<T>(url: string, use: (c: pg.Client) => Promise<T>): Promise<T> {
  // Loaded when a fault first reaches the database: scenario validation and `plan` load every fault
  // kind, and the driver would be ~70 ms of their start-up.
  const { default: driver } = await import('pg');
  const c = new driver.Client({ connectionString: url, application_name: 'stresslab-harness', connectionTimeoutMillis: 5_000 });
  c.on('error', () => undefined);
  await c.connect();
  try {
    return await use(c);
  } finally {
    await c.end().catch(() => undefined);
  }
}

export async function terminateBackends(url: string, where: { applicationName?: string; user?: string }): Promise<number> {
  return withDatabase(url, async (c) => {
    const r = await c.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity
        WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'
          AND ($1::text IS NULL OR application_name = $1) AND ($2::text IS NULL OR usename = $2)`,
      [where.applicationName ?? null, where.user ?? null],
    );
    let killed = 0;
    for (const { pid } of r.rows) {
      const t = await c.query<{ ok: boolean }>('SELECT pg_terminate_backend($1) AS ok', [pid]);
      if (t.rows[0]?.ok) killed++;
    }
    return killed;
  });
}
