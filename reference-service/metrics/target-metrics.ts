import client from 'prom-client';
import type pg from 'pg';
import { executionStates } from '../executions/execution-types.ts';

/** Reads queue statistics for a scrape; may throw while the database is down. */
export type QueueStatsReader = () => Promise<{ byState: Record<string, number>; oldestQueuedAgeMs: number }>;

/** One registry per target instance, so that several targets can live in one test process. */
export class TargetMetrics {
  readonly registry = new client.Registry();
  readonly httpDuration = new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly attempts = new client.Counter({
    name: 'target_execution_attempts_total',
    help: 'Execution attempts finished, by action and outcome',
    labelNames: ['action', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly retries = new client.Counter({ name: 'target_execution_retries_total', help: 'Failed attempts scheduled for retry', registers: [this.registry] });
  readonly deadLetters = new client.Counter({ name: 'target_dead_letters_total', help: 'Executions moved to dead letters', registers: [this.registry] });
  readonly leaseReclaims = new client.Counter({ name: 'target_lease_reclaims_total', help: 'Expired leases reclaimed from lost workers', registers: [this.registry] });
  readonly claimConflicts = new client.Counter({ name: 'target_claim_conflicts_total', help: 'Claims that lost the one-running-per-asset race and retried', registers: [this.registry] });
  readonly workerDbErrors = new client.Counter({ name: 'target_worker_db_errors_total', help: 'Database errors met by workers', registers: [this.registry] });
  readonly testDropped = new client.Counter({
    name: 'target_test_dropped_executions_total',
    help: 'TEST ONLY (TARGET_TEST_DROP_RATE): executions answered 202 but deliberately never stored',
    registers: [this.registry],
  });
  readonly ballastBytes = new client.Gauge({ name: 'target_chaos_ballast_bytes', help: 'Memory held by POST /chaos/memory', registers: [this.registry] });

  constructor(pool: pg.Pool, readQueueStats: QueueStatsReader) {
    client.collectDefaultMetrics({ register: this.registry });
    this.registerPoolGauges(pool);
    this.registerQueueGauges(readQueueStats);
  }

  private registerPoolGauges(pool: pg.Pool): void {
    const gauge = (name: string, help: string, read: () => number): void => {
      new client.Gauge({ name, help, registers: [this.registry], collect() { this.set(read()); } });
    };
    gauge('target_db_pool_total', 'Connections open in the pool', () => pool.totalCount);
    gauge('target_db_pool_idle', 'Idle connections in the pool', () => pool.idleCount);
    gauge('target_db_pool_waiting', 'Requests waiting for a pool connection', () => pool.waitingCount);
  }

  private registerQueueGauges(readQueueStats: QueueStatsReader): void {
    // prom-client collects gauges concurrently: they share one read per scrape instead of racing.
    let cached: { atMs: number; stats: ReturnType<QueueStatsReader> } | undefined;
    const read = (): ReturnType<QueueStatsReader> => {
      if (cached === undefined || Date.now() - cached.atMs > 250) cached = { atMs: Date.now(), stats: readQueueStats() };
      return cached.stats;
    };
    const registers = [this.registry];
    new client.Gauge({
      name: 'target_executions', help: 'Executions by state', labelNames: ['state'] as const, registers,
      async collect() {
        const s = await read().catch(() => undefined);
        for (const state of executionStates) if (s) this.set({ state }, s.byState[state] ?? 0);
      },
    });
    new client.Gauge({
      name: 'target_queue_depth', help: 'Executions queued or waiting to retry', registers,
      async collect() {
        const s = await read().catch(() => undefined);
        if (s) this.set((s.byState.queued ?? 0) + (s.byState.retrying ?? 0));
      },
    });
    new client.Gauge({
      name: 'target_queue_oldest_age_seconds', help: 'Age of the oldest waiting execution', registers,
      async collect() {
        const s = await read().catch(() => undefined);
        if (s) this.set(s.oldestQueuedAgeMs / 1000);
      },
    });
    new client.Gauge({
      name: 'target_queue_stats_up', help: '1 when the last scrape could read queue statistics from the database', registers,
      async collect() {
        this.set(await read().then(() => 1, () => 0));
      },
    });
  }
}
