import type pg from 'pg';
import type { TargetConfig } from '../config/target-config.ts';
import type { LogEvent } from '../log-event.ts';
import type { TargetMetrics } from '../metrics/target-metrics.ts';
import type { WorkFactor } from '../work-factor.ts';
import type { WorkerPool } from '../workers/worker-pool.ts';
import type { WorkMeter } from './work-meter.ts';

/** What the routes share; built once by startTarget. */
export interface AppContext {
  config: TargetConfig;
  pool: pg.Pool;
  metrics: TargetMetrics;
  workers: WorkerPool;
  workFactor: WorkFactor;
  workMeter: WorkMeter;
  log: LogEvent;
  version: string;
  random: () => number;
  isStopping: () => boolean;
}
