import type { PlannedFault } from './index.ts';
import type { FaultRecord } from '../contract/fault-record.ts';
import type { Clock } from '../core/clock.ts';
import type { FaultContext, FaultDriver } from './fault-kind.ts';
import { createFaultDriver, describeFault } from './index.ts';

export interface FaultRunEvent {
  event: 'fault-inject' | 'fault-remove' | 'fault-error';
  atMs: number;
  name: string;
  kind: string;
  detail?: string;
}

export interface FaultRunnerDeps {
  ctx: FaultContext;
  clock: Clock;
  /** Abort: nothing more is injected and every active fault is removed at once, newest first. */
  signal: AbortSignal;
  onEvent(e: FaultRunEvent): void;
}

interface ActiveFault {
  seq: number;
  event: PlannedFault;
  driver: FaultDriver;
  record: FaultRecord;
  injecting: Promise<void>;
  removal: Promise<void> | null;
}

/** Longest sleep between clock reads, so a manual clock in tests (or an abort) is noticed quickly. */
const pollMs = 25;

/** Drives a plan's fault events on the run clock; whatever is active is rolled back at the end. */
export class FaultRunner {
  private readonly active = new Map<string, ActiveFault>();
  private seq = 0;

  constructor(private readonly deps: FaultRunnerDeps) {}

  async run(events: readonly PlannedFault[]): Promise<FaultRecord[]> {
    const records = events.map((e): FaultRecord => ({ name: e.name, kind: e.kind, injectedAtMs: null, removedAtMs: null, error: null }));
    const onAbort = (): void => void this.rollbackAll();
    this.deps.signal.addEventListener('abort', onAbort, { once: true });
    try {
      await Promise.all(events.map((e, i) => this.runOne(e, records[i]!)));
    } finally {
      this.deps.signal.removeEventListener('abort', onAbort);
      await this.rollbackAll();
    }
    return records;
  }

  /** Removes every active fault, newest first, one at a time (Chaos Toolkit's rollbacks). */
  async rollbackAll(): Promise<void> {
    for (;;) {
      const newest = [...this.active.values()].sort((a, b) => b.seq - a.seq)[0];
      if (newest === undefined) return;
      await this.remove(newest);
    }
  }

  private async runOne(event: PlannedFault, record: FaultRecord): Promise<void> {
    if (!(await this.sleepUntil(event.injectAtMs))) return;
    let driver: FaultDriver;
    try {
      driver = createFaultDriver(event, this.deps.ctx);
      await this.deps.ctx.ledger.open(event);
    } catch (e) {
      this.fail(record, e);
      return;
    }
    const active: ActiveFault = { seq: this.seq++, event, driver, record, injecting: driver.inject(), removal: null };
    this.active.set(event.name, active);
    try {
      await active.injecting;
      record.injectedAtMs = this.deps.clock.nowMs();
      this.emit('fault-inject', event, describeFault(event));
    } catch (e) {
      this.fail(record, e);
      await this.remove(active);
      return;
    }
    if (await this.sleepUntil(event.removeAtMs)) await this.remove(active);
  }

  private remove(active: ActiveFault): Promise<void> {
    active.removal ??= (async () => {
      const { event, record } = active;
      await active.injecting.catch(() => undefined);
      try {
        await active.driver.remove();
      } catch (e) {
        this.fail(record, e);
        // Still active: the ledger keeps it for `stresslab faults cleanup`.
        this.active.delete(event.name);
        return;
      }
      this.active.delete(event.name);
      if (record.injectedAtMs !== null) {
        record.removedAtMs = this.deps.clock.nowMs();
        const observation = active.driver.observation?.() ?? null;
        if (observation !== null) record.observation = observation;
        this.emit('fault-remove', event);
      }
      await this.deps.ctx.ledger.done(event.name).catch((e: unknown) => this.emit('fault-error', event, `ledger not updated: ${message(e)}`));
    })();
    return active.removal;
  }

  /** Resolves true at `atMs` on the run clock, false as soon as the run is aborted. */
  private async sleepUntil(atMs: number): Promise<boolean> {
    const { clock, signal } = this.deps;
    while (!signal.aborted) {
      const left = atMs - clock.nowMs();
      if (left <= 0) return true;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, Math.min(left, pollMs));
        signal.addEventListener('abort', done, { once: true });
      });
    }
    return false;
  }

  private fail(record: FaultRecord, e: unknown): void {
    record.error ??= message(e);
    this.emit('fault-error', { name: record.name, kind: record.kind }, message(e));
  }

  private emit(event: FaultRunEvent['event'], fault: { name: string; kind: string }, detail?: string): void {
    this.deps.onEvent({ event, atMs: this.deps.clock.nowMs(), name: fault.name, kind: fault.kind, ...(detail === undefined ? {} : { detail }) });
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Injects and removes each event at its time on the run clock; see FaultRunner. */
export function runFaultSchedule(events: readonly PlannedFault[], deps: FaultRunnerDeps): Promise<FaultRecord[]> {
  return new FaultRunner(deps).run(events);
}
