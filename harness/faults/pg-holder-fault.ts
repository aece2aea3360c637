import type { DatabaseObservation } from '../contract/fault-observation.ts';
import type { FaultEventPlan } from '../contract/plan-types.ts';
import type { FaultContext, FaultDriver } from './fault-kind.ts';
import { faultApplicationName, resolveDatabaseUrl, terminateBackends } from './fault-database.ts';
import { startHelper } from './helper-process.ts';
import type { HelperProcess } from './helper-process.ts';
import { PgWaitWatch } from './pg-wait-watch.ts';

export type HolderJob = { mode: 'connections'; count: number } | { mode: 'lock'; table: string; lockMode: string };

/** Margin after the planned removal before a forgotten holder gives up by itself. */
const lifetimeMarginMs = 10 * 60_000;

/**
 * A PostgreSQL resource held by a separate process (pg-holder.ts). Killing the holder closes its
 * sessions, which releases everything; the ledger also names its sessions for pg_terminate_backend.
 */
export function pgHolderDriver(event: FaultEventPlan, ctx: FaultContext, job: HolderJob, databaseUrlEnv: string | undefined): FaultDriver {
  let holder: HelperProcess | null = null;
  let attempted = false;
  let databaseUrl = '';
  const applicationName = faultApplicationName(ctx.ledger.entryId(event.name));
  let watch: PgWaitWatch | null = null;
  let seen: DatabaseObservation | null = null;
  return {
    async inject() {
      databaseUrl = resolveDatabaseUrl(databaseUrlEnv, ctx);
      attempted = true;
      await ctx.ledger.intend(event.name, { kind: 'terminate-backends', databaseUrl, applicationName });
      const maxLifetimeMs = event.removeAtMs - event.injectAtMs + lifetimeMarginMs;
      holder = await startHelper('pg-holder', { ...job, applicationName, maxLifetimeMs }, {
        ctx,
        fault: event.name,
        label: job.mode === 'lock' ? `lock holder (${job.table})` : 'connection holder',
        env: { STRESSLAB_FAULT_DATABASE_URL: databaseUrl },
      });
      ctx.log(`${event.name}: holder pid ${holder.pid} ready ${JSON.stringify(holder.ready)}`);
      const held = holder.ready.connections;
      seen = {
        source: 'database',
        action: job.mode === 'lock' ? 'lock' : 'connections',
        backendsTerminated: null,
        connectionsHeld: typeof held === 'number' ? held : job.mode === 'lock' ? 1 : null,
        statementsWaiting: null,
        maxWaiting: null,
        samples: 0,
      };
      // Who queued behind the lock is the lock's effect; held connections show only in the target's errors.
      if (job.mode === 'lock') {
        watch = new PgWaitWatch(databaseUrl, 'lock', applicationName);
        await watch.start();
      }
    },
    async remove() {
      if (!attempted) return;
      const w = watch;
      watch = null;
      const waits = await w?.stop();
      if (seen !== null && waits) seen = { ...seen, ...waits };
      const h = holder;
      holder = null;
      await h?.stop();
      // A session still queued for a lock does not notice its client is gone; end it explicitly.
      const left = await terminateBackends(databaseUrl, { applicationName });
      if (left > 0) ctx.log(`${event.name}: terminated ${left} leftover holder session(s)`);
    },
    observation: () => seen,
  };
}
