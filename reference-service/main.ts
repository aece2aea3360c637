import { ConfigError } from './config/config-error.ts';
import { isDatabaseUnavailable } from './db/database-unavailable.ts';
import { loadTargetConfig } from './config/target-config.ts';
import { ServiceExit } from './exit-codes.ts';
import { stderrLog } from './log-event.ts';
import { startTarget } from './start-target.ts';

/**
 * `npm run reference-service`: one JSON line `{"event":"listening",...}` on stdout when ready (the harness waits
 * for it); logs are JSON lines on stderr. SIGTERM/SIGINT drain and exit 0.
 */
async function main(): Promise<void> {
  const config = loadTargetConfig(process.env);
  const target = await startTarget(config, { log: stderrLog });
  process.stdout.write(`${JSON.stringify({ event: 'listening', url: target.url, pid: process.pid })}\n`);
  let signalled = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (signalled) return;
    signalled = true;
    stderrLog('shutdown', { signal, graceMs: config.shutdownGraceMs });
    target.close().then(
      () => {
        stderrLog('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        stderrLog('shutdown_failed', { error: String(err) });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.format()}\n`);
    process.exit(ServiceExit.badConfig);
  }
  stderrLog('start_failed', { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  // An unreachable database is the environment's fault, not ours: the harness maps 4 to "not ready".
  process.exit(isDatabaseUnavailable(err) ? ServiceExit.databaseUnreachable : ServiceExit.internal);
});
