import fs from 'node:fs';
import type pg from 'pg';
import { defaultTargetConfig } from './config/target-config.ts';
import type { TargetConfig } from './config/target-config.ts';
import { createPool } from './db/create-pool.ts';
import { startEmbeddedPostgres } from '../process-kit/postgres/embedded-postgres.ts';
import type { EmbeddedPostgresHandle } from '../process-kit/postgres/embedded-postgres.ts';
import { runMigrations } from './db/run-migrations.ts';
import { buildApp } from './http/build-app.ts';
import { WorkMeter } from './http/work-meter.ts';
import { silentLog, throttledLog } from './log-event.ts';
import type { LogEvent } from './log-event.ts';
import { TargetMetrics } from './metrics/target-metrics.ts';
import type { QueueStatsReader } from './metrics/target-metrics.ts';
import { WorkFactor } from './work-factor.ts';
import { WorkerPool } from './workers/worker-pool.ts';
import { packageFile } from './package-file.ts';

export interface RunningTarget {
  url: string;
  port: number;
  /** Drains (stops taking work, finishes or releases in-flight work within the grace period) and stops. */
  close(): Promise<void>;
}

export interface StartTargetOptions {
  log?: LogEvent;
}

const version = (JSON.parse(fs.readFileSync(packageFile('package.json'), 'utf8')) as { version: string }).version;

function queueStatsReader(pool: pg.Pool): QueueStatsReader {
  return async () => {
    const r = await pool.query<{ state: string; n: number; oldest_ms: number | null }>(
      `SELECT state, count(*)::int AS n,
              (extract(epoch FROM now() - min(created_at)) * 1000)::float8 AS oldest_ms
         FROM executions GROUP BY state`,
    );
    const byState: Record<string, number> = {};
    let oldest = 0;
    for (const row of r.rows) {
      byState[row.state] = row.n;
      if ((row.state === 'queued' || row.state === 'retrying') && row.oldest_ms !== null) oldest = Math.max(oldest, row.oldest_ms);
    }
    return { byState, oldestQueuedAgeMs: oldest };
  };
}

/** Starts the target in this process: embedded PostgreSQL if no databaseUrl, migrations, workers, HTTP. */
export async function startTarget(overrides: Partial<TargetConfig> = {}, opts: StartTargetOptions = {}): Promise<RunningTarget> {
  const config: TargetConfig = { ...defaultTargetConfig, ...overrides };
  const log = opts.log ?? silentLog;
  const quietLog = throttledLog(log, 1_000);
  let stopping = false;
  let embedded: EmbeddedPostgresHandle | null = null;
  if (config.databaseUrl === null) embedded = await startEmbeddedPostgres();
  const pool = createPool(config.databaseUrl ?? embedded?.url ?? '', config, (err) => {
    // During shutdown the embedded server going away is expected, not news.
    if (!stopping) quietLog('db_idle_client_error', { error: err.message });
  });
  try {
    await runMigrations(pool);
  } catch (err) {
    await pool.end().catch(() => undefined);
    await embedded?.stop();
    throw err;
  }
  const metrics = new TargetMetrics(pool, queueStatsReader(pool));
  const workFactor = new WorkFactor(config.workFactor);
  const workers = new WorkerPool({ ...config, pool, workers: config.workers, workFactor, metrics, log: quietLog });
  const app = await buildApp({
    config, pool, metrics, workers, workFactor, workMeter: new WorkMeter(workFactor), log: quietLog, version,
    random: Math.random, isStopping: () => stopping,
  });
  const address = await app.listen({ port: config.port, host: config.host });
  const port = new URL(address).port;
  workers.start();
  let closed: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    stopping = true;
    await Promise.all([app.close(), workers.stop(config.shutdownGraceMs)]);
    workFactor.stop();
    await pool.end().catch(() => undefined);
    await embedded?.stop();
  };
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return { url: `http://${host}:${port}`, port: Number(port), close: () => (closed ??= close()) };
}
