import { durationMs } from '../core/duration.ts';
import type { FaultKindModule } from './fault-kind.ts';
import { paramsOf } from './fault-kind.ts';
import { resolveDatabaseUrl, terminateBackends } from './fault-database.ts';

/** The reference target's application_name (reference-service/config/target-config.ts). */
const defaultApplicationName = 'stresslab-target';

/**
 * pg_terminate_backend of the target's sessions, by application_name and/or user: once at
 * injection, or every `interval` while active. Nothing to undo: the target must reconnect.
 */
export const dbKillBackends: FaultKindModule<'db-kill-backends'> = {
  kind: 'db-kill-backends',
  describe: (p) => {
    const who = [p.applicationName || p.user === undefined ? `application_name ${p.applicationName ?? defaultApplicationName}` : null, p.user ? `user ${p.user}` : null];
    return `terminate backends of ${who.filter(Boolean).join(' and ')}${p.interval ? `, every ${p.interval}` : ''}`;
  },
  create(event, ctx) {
    const p = paramsOf(event, 'db-kill-backends');
    const where = { applicationName: p.applicationName ?? (p.user === undefined ? defaultApplicationName : undefined), user: p.user };
    let timer: NodeJS.Timeout | null = null;
    let url = '';
    let killing: Promise<void> = Promise.resolve();
    const killOnce = async (): Promise<void> => {
      const n = await terminateBackends(url, where);
      ctx.log(`${event.name}: terminated ${n} backend(s)`);
    };
    return {
      async inject() {
        url = resolveDatabaseUrl(p.databaseUrlEnv, ctx);
        await killOnce();
        if (p.interval !== undefined) {
          const everyMs = Math.max(100, durationMs(p.interval));
          timer = setInterval(() => {
            // One round at a time; a failed round is logged, the next one tries again.
            killing = killing.then(killOnce).catch((e: unknown) => ctx.log(`${event.name}: ${(e as Error).message}`));
          }, everyMs);
        }
      },
      async remove() {
        if (timer !== null) clearInterval(timer);
        timer = null;
        await killing;
      },
    };
  },
};
