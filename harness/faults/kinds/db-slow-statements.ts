import type pg from 'pg';
import * as z from 'zod';
import type { DatabaseObservation } from '../../contract/fault-observation.ts';
import { defineFaultKind } from '../fault-kind.ts';
import { PgWaitWatch } from '../pg-wait-watch.ts';
import { databaseText, databaseUrlEnvParam } from '../fault-params.ts';
import { faultIdentifier, resolveDatabaseUrl, withDatabase } from '../fault-database.ts';

/**
 * Every INSERT, UPDATE and DELETE on the table (or on every user table) takes `delayMs` longer: a
 * statement-level BEFORE trigger calls pg_sleep. Unlike `ALTER ROLE … SET`, a trigger acts at once
 * on the target's existing pooled sessions. Plain SELECTs are not slowed (no trigger fires for
 * them). The trigger function is unique to the injection; dropping it with CASCADE drops every
 * trigger, which is also what the ledger runs after a SIGKILL.
 */
export const dbSlowStatements = defineFaultKind({
  kind: 'db-slow-statements',
  params: {
    delayMs: z.number().int().positive().meta({ description: 'Extra time each statement takes while active.' }),
    table: z.string().min(1).optional().meta({ description: 'Only statements touching this table (default: all).' }),
    databaseUrlEnv: databaseUrlEnvParam,
  },
  recoveryAnchor: 'removal',
  describe: (p) => `+${p.delayMs} ms on every write statement${p.table ? ` to ${p.table}` : ''}`,
  touches: (p) => [{ category: 'database', text: `delays statements${p.table === undefined ? '' : ` touching ${p.table}`} by ${p.delayMs}ms on ${databaseText(p)}` }],
  create(event, ctx) {
    const p = event.params;
    const fn = `public.${faultIdentifier('stresslab_fault_sleep', ctx.ledger.entryId(event.name))}`;
    const trigger = faultIdentifier('stresslab_fault_slow', ctx.ledger.entryId(event.name));
    const dropSql = `DROP FUNCTION IF EXISTS ${fn}() CASCADE`;
    let url: string | null = null;
    let watch: PgWaitWatch | null = null;
    let seen: DatabaseObservation | null = null;
    return {
      async inject() {
        const databaseUrl = resolveDatabaseUrl(p.databaseUrlEnv, ctx);
        url = databaseUrl;
        await ctx.ledger.intend(event.name, { kind: 'run-sql', databaseUrl, sql: dropSql, label: `drop slow-statement trigger function ${fn}` });
        const tables = await withDatabase(databaseUrl, async (c) => {
          const names = p.table !== undefined ? [quoteTable(c, p.table)] : await userTables(c);
          await c.query('BEGIN');
          await c.query(
            `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(${p.delayMs / 1000}); RETURN NULL; END $$`,
          );
          for (const t of names) await c.query(`CREATE TRIGGER ${trigger} BEFORE INSERT OR UPDATE OR DELETE ON ${t} FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`);
          await c.query('COMMIT');
          return names;
        });
        ctx.log(`${event.name}: +${p.delayMs} ms trigger on ${tables.join(', ') || '(no tables)'}`);
        // The trigger's pg_sleep is what a slowed statement waits in: sessions seen in it were slowed.
        watch = new PgWaitWatch(databaseUrl, 'sleep', 'stresslab-harness');
        await watch.start();
      },
      async remove() {
        if (url === null) return;
        const w = watch;
        watch = null;
        const waits = await w?.stop();
        if (waits) seen = { source: 'database', action: 'slow-statements', backendsTerminated: null, connectionsHeld: null, ...waits };
        await withDatabase(url, (c) => c.query(dropSql));
      },
      observation: () => seen,
    };
  },
});

function quoteTable(c: pg.Client, table: string): string {
  return table.split('.').map((part) => c.escapeIdentifier(part)).join('.');
}

async function userTables(c: pg.Client): Promise<string[]> {
  const r = await c.query<{ schemaname: string; tablename: string }>(
    `SELECT schemaname, tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2`,
  );
  return r.rows.map((row) => `${c.escapeIdentifier(row.schemaname)}.${c.escapeIdentifier(row.tablename)}`);
}
