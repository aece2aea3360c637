import * as z from 'zod';
import { durationSchema, formatDuration } from '../../core/duration.ts';
import { defineFaultKind } from '../fault-kind.ts';
import { databaseText, databaseUrlEnvParam } from '../fault-params.ts';
import { resolveDatabaseUrl, terminateBackends } from '../fault-database.ts';

/** The reference service's application_name (reference-service/config/target-config.ts). */
const defaultApplicationName = 'stresslab-target';

/**
 * pg_terminate_backend of the target's sessions, by application_name and/or user: once at
 * injection, or every `interval` while active. Nothing to undo: the target must reconnect, which
 * its pool should do while the fault is still "active", so recovery counts from injection.
 */
export const dbKillBackends = defineFaultKind({
  kind: 'db-kill-backends',
  params: {
    applicationName: z.string().min(1).optional().meta({ description: 'Kill backends with this application_name (default: the managed target\'s).' }),
    user: z.string().min(1).optional(),
    interval: durationSchema.optional().meta({ description: 'Kill again every interval while active (default: once per injection).' }),
    databaseUrlEnv: databaseUrlEnvParam,
  },
  resolve: ({ interval, ...p }) => ({ ...p, intervalMs: interval ?? null }),
  scale: (p, factor) => (p.intervalMs === null ? p : { ...p, intervalMs: Math.round(p.intervalMs * factor) }),
  recoveryAnchor: 'injection',
  describe: (p) => {
    const who = [p.applicationName || p.user === undefined ? `application_name ${p.applicationName ?? defaultApplicationName}` : null, p.user ? `user ${p.user}` : null];
    return `terminate backends of ${who.filter(Boolean).join(' and ')}${p.intervalMs !== null ? `, every ${formatDuration(p.intervalMs)}` : ''}`;
  },
  touches: (p) => [
    {
      category: 'database',
      text: `terminates backends (pg_terminate_backend) with ${p.user === undefined ? '' : `user ${p.user} and `}application_name ${p.applicationName ?? 'of the managed target'} on ${databaseText(p)}${p.intervalMs === null ? '' : `, every ${formatDuration(p.intervalMs)}`}`,
    },
  ],
  create(event, ctx) {
    const p = event.params;
    const where = { applicationName: p.applicationName ?? (p.user === undefined ? defaultApplicationName : undefined), user: p.user };
    let timer: NodeJS.Timeout | null = null;
    let url = '';
    let killing: Promise<void> = Promise.resolve();
    let terminated: number | null = null;
    const killOnce = async (): Promise<void> => {
      const n = await terminateBackends(url, where);
      terminated = (terminated ?? 0) + n;
      ctx.log(`${event.name}: terminated ${n} backend(s)`);
    };
    return {
      async inject() {
        url = resolveDatabaseUrl(p.databaseUrlEnv, ctx);
        await killOnce();
        if (p.intervalMs !== null) {
          timer = setInterval(() => {
            // One round at a time; a failed round is logged, the next one tries again.
            killing = killing.then(killOnce).catch((e: unknown) => ctx.log(`${event.name}: ${(e as Error).message}`));
          }, Math.max(100, p.intervalMs));
        }
      },
      async remove() {
        if (timer !== null) clearInterval(timer);
        timer = null;
        await killing;
      },
      // pg_terminate_backend's own answer: how many of the target's sessions this fault ended.
      observation: () =>
        terminated === null
          ? null
          : { source: 'database', action: 'kill-backends', backendsTerminated: terminated, connectionsHeld: null, statementsWaiting: null, maxWaiting: null, samples: 0 },
    };
  },
});
