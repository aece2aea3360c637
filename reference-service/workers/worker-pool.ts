import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { isDatabaseUnavailable } from '../db/database-unavailable.ts';
import type { LogEvent } from '../log-event.ts';
import type { TargetMetrics } from '../metrics/target-metrics.ts';
import type { WorkFactor } from '../work-factor.ts';
import { IdleWaiter } from './idle-waiter.ts';
import {
  claimNext, completeExecution, extendLease, failExecution, reclaimExpiredLeases, releaseExecution, wallClockMs,
} from './queue-sql.ts';
import type { ClaimedExecution } from './queue-sql.ts';
import { retryDelayMs } from './retry-delay.ts';
import { runAction } from './run-action.ts';

export interface WorkerPoolOptions {
  pool: pg.Pool;
  workers: number;
  leaseMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  workFactor: WorkFactor;
  metrics: TargetMetrics;
  log: LogEvent;
  random?: () => number;
}

interface InFlight {
  claim: ClaimedExecution;
  abort: AbortController;
}

/** Idle polling backs off from 10 to 100 ms; a local insert wakes the workers at once. */
const pollMinMs = 10;
const pollMaxMs = 100;
const dbErrorBackoffMs = 250;

/**
 * `workers` loops in this process, each claiming one execution at a time under a lease, plus a reaper
 * that reclaims the expired leases of lost workers (of any instance).
 */
export class WorkerPool {
  private readonly idle = new IdleWaiter();
  private readonly inFlight = new Set<InFlight>();
  private readonly loops: Promise<void>[] = [];
  private readonly instanceId = randomUUID().slice(0, 8);
  private readonly random: () => number;
  private reaper: NodeJS.Timeout | undefined;
  private reaping = false;
  private stopping = false;
  private alive = 0;

  constructor(private readonly o: WorkerPoolOptions) {
    this.random = o.random ?? Math.random;
  }

  /** Worker loops currently running (readiness reports it). */
  get running(): number {
    return this.alive;
  }

  start(): void {
    for (let i = 0; i < this.o.workers; i++) this.loops.push(this.loop(i));
    const everyMs = Math.max(100, Math.min(this.o.leaseMs / 2, 1_000));
    this.reaper = setInterval(() => void this.reap(), everyMs);
    this.reaper.unref();
  }

  /** New work was stored: an idle worker looks now instead of at its next poll. */
  wake(): void {
    this.idle.wakeOne();
  }

  /**
   * Stops claiming, lets in-flight attempts finish within `graceMs`, then aborts the rest and hands
   * them back to the queue (not counted as attempts), so another instance picks them up at once.
   */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    if (this.reaper) clearInterval(this.reaper);
    this.idle.wakeAll();
    const all = Promise.all(this.loops);
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), graceMs)));
    const outcome = await Promise.race([all.then(() => 'done' as const), graceOver]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      for (const f of this.inFlight) f.abort.abort(new Error('shutdown'));
      await all;
    }
  }

  private async loop(worker: number): Promise<void> {
    this.alive++;
    let pollMs = pollMinMs;
    try {
      while (!this.stopping) {
        const owner = `${this.instanceId}:${worker}:${randomUUID()}`;
        const claim = await claimNext(this.o.pool, owner, this.o.leaseMs).catch((err: unknown) => {
          this.onDbError('claim', err);
          return 'error' as const;
        });
        if (claim === 'contended') this.o.metrics.claimConflicts.inc();
        else if (claim === 'empty' || claim === 'error') {
          await this.idle.wait(claim === 'error' ? dbErrorBackoffMs : pollMs);
          pollMs = Math.min(pollMaxMs, pollMs * 2);
        } else {
          pollMs = pollMinMs;
          await this.execute(claim);
        }
      }
    } finally {
      this.alive--;
    }
  }

  private async execute(claim: ClaimedExecution): Promise<void> {
    const flight: InFlight = { claim, abort: new AbortController() };
    this.inFlight.add(flight);
    const heartbeat = setInterval(() => void this.heartbeat(flight), Math.max(50, this.o.leaseMs / 3));
    try {
      const ctx = { signal: flight.abort.signal, random: this.random, workFactor: this.o.workFactor };
      const outcome = await runAction(claim.action, claim.params, ctx).then(
        (result) => ({ ok: true as const, result }),
        (err: unknown) => ({ ok: false as const, error: err instanceof Error ? err.message : String(err) }),
      );
      const ranToMs = wallClockMs();
      clearInterval(heartbeat);
      if (flight.abort.signal.aborted) await this.persist('release', () => releaseExecution(this.o.pool, claim));
      else if (outcome.ok) await this.recordSuccess(claim, ranToMs, outcome.result);
      else await this.recordFailure(claim, ranToMs, outcome.error);
    } finally {
      clearInterval(heartbeat);
      this.inFlight.delete(flight);
    }
  }

  private async recordSuccess(claim: ClaimedExecution, ranToMs: number, result: unknown): Promise<void> {
    const done = await this.persist('complete', () => completeExecution(this.o.pool, claim, ranToMs, result));
    this.o.metrics.attempts.inc({ action: claim.action, outcome: done ? 'succeeded' : 'lease_lost' });
  }

  private async recordFailure(claim: ClaimedExecution, ranToMs: number, error: string): Promise<void> {
    const delayMs = retryDelayMs(claim.attempt, this.o.retryBaseMs, this.o.retryMaxMs, this.random);
    const state = await this.persist('fail', () => failExecution(this.o.pool, claim, ranToMs, error, this.o.maxAttempts, delayMs));
    this.o.metrics.attempts.inc({ action: claim.action, outcome: state === undefined || state === null ? 'lease_lost' : 'failed' });
    if (state === 'retrying') this.o.metrics.retries.inc();
    if (state === 'dead_lettered') this.o.metrics.deadLetters.inc();
  }

  /**
   * Retries a bookkeeping write through a short outage while the lease still holds; after that the
   * lease expires and the reaper hands the execution to another attempt, so nothing is lost.
   */
  private async persist<T>(what: string, write: () => Promise<T>): Promise<T | undefined> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await write();
      } catch (err) {
        this.onDbError(what, err);
        if (attempt >= 8 || !isDatabaseUnavailable(err)) return undefined;
        await new Promise((resolve) => setTimeout(resolve, dbErrorBackoffMs));
      }
    }
  }

  private async heartbeat(flight: InFlight): Promise<void> {
    const held = await extendLease(this.o.pool, flight.claim, this.o.leaseMs).catch((err: unknown) => {
      this.onDbError('heartbeat', err);
      return true;
    });
    // Someone reclaimed it: whatever this attempt does now must not be recorded.
    if (!held) flight.abort.abort(new Error('lease lost'));
  }

  private async reap(): Promise<void> {
    if (this.reaping || this.stopping) return;
    this.reaping = true;
    try {
      const r = await reclaimExpiredLeases(this.o.pool, this.o.maxAttempts);
      if (r.reclaimed > 0) {
        this.o.metrics.leaseReclaims.inc(r.reclaimed);
        this.o.metrics.deadLetters.inc(r.deadLettered);
        this.o.log('lease_reclaimed', { count: r.reclaimed, deadLettered: r.deadLettered });
        this.idle.wakeAll();
      }
    } catch (err) {
      this.onDbError('reap', err);
    } finally {
      this.reaping = false;
    }
  }

  private onDbError(where: string, err: unknown): void {
    this.o.metrics.workerDbErrors.inc();
    this.o.log('worker_db_error', { where, error: err instanceof Error ? err.message : String(err) });
  }
}
