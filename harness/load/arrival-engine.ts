import type { OutcomeErrorKind } from '../contract/stats.ts';
import type { ConstantArrivalRatePhase, RampingArrivalRatePhase } from '../contract/plan-types.ts';
import { ArrivalSchedule } from './arrival-schedule.ts';
import { segmentShare, WHOLE } from './execution-segment.ts';
import type { EngineContext, LoadEngine, PhaseRunSummary } from './engine.ts';
import { isExpectedStatus } from './error-kind.ts';
import { ConnectionPool } from './connection-pool.ts';
import { originOf } from './http1-connection.ts';
import { EncodedRequests } from './encode-request.ts';
import { InFlightRequest } from './in-flight-request.ts';

type ArrivalPhase = ConstantArrivalRatePhase | RampingArrivalRatePhase;

/** Longest sleep between scheduler ticks: bounds how late a timeout or the end of a drain is noticed. */
const MAX_SLEEP_MS = 50;
/**
 * After a stall the scheduler catches up at this multiple of the schedule, never in one burst: the
 * target sees at most twice the intended rate, and the requests sent late still count their latency
 * from their intended time.
 */
const CATCH_UP_FACTOR = 2;
/**
 * Longest real time one tick may credit to the catch-up: a normal tick is ~1 ms, a loaded machine's a
 * few; the first tick after a long stall sends at most 2 × this much of the schedule at once.
 */
const CATCH_UP_STEP_MS = 10;

/**
 * One run of an open-model phase. A 1 ms timer sends every arrival that is due (a setImmediate
 * spin would take a whole core from the target on a small machine); latency is measured from the
 * intended time, so a stalled target shows in the percentiles instead of slowing the schedule.
 */
class ArrivalRun {
  readonly #phase: ArrivalPhase;
  readonly #ctx: EngineContext;
  readonly #pool: ConnectionPool;
  readonly #encoded: EncodedRequests;
  readonly #schedule: ArrivalSchedule;
  readonly #endMs: number;
  readonly #freeVus: number[] = [];
  /** In send order, so per-request timeouts expire from the head. */
  #flights: InFlightRequest[] = [];
  #head = 0;
  #nextAtMs: number | null;
  /** Arrivals intended up to here may go out now (catch-up without bursts, see CATCH_UP_FACTOR). */
  #horizonMs: number | null = null;
  #lastTickMs = 0;
  /** When the timer was meant to fire: arrivals due until then are on schedule, whatever the timer's delay; null while catching up. */
  #plannedMs: number | null = null;
  #inFlight = 0;
  readonly #summary: PhaseRunSummary = { sent: 0, completed: 0, dropped: 0 };
  #timer: NodeJS.Timeout | null = null;
  #finished = false;
  #resolve: (s: PhaseRunSummary) => void = () => {};
  #reject: (e: unknown) => void = () => {};
  /** One function for every request's wire time (InFlightRequest.onWired), not a closure per request. */
  readonly #nowMs = (): number => this.#ctx.clock.nowMs();

  constructor(phase: ArrivalPhase, ctx: EngineContext) {
    this.#phase = phase;
    this.#ctx = ctx;
    const url = new URL(ctx.baseUrl);
    this.#encoded = new EncodedRequests(url.pathname.replace(/\/$/, ''), url.host);
    // Timeouts (connecting included) are enforced by the scheduler from the send time, one mechanism for all phases.
    this.#pool = new ConnectionPool(originOf(url), (open) => ctx.sink.onSockets?.(open));
    // A segment gets its share of maxVUs (k6 does the same), so N segments never hold more requests
    // in flight than the whole load may, and drop what one thread would drop.
    for (let vu = segmentShare(phase.maxVUs, ctx.segment ?? WHOLE) - 1; vu >= 0; vu--) this.#freeVus.push(vu);
    this.#schedule = new ArrivalSchedule(phase, ctx.segment);
    this.#endMs = phase.startMs + phase.durationMs;
    this.#nextAtMs = this.#nextIntended();
  }

  run(): Promise<PhaseRunSummary> {
    return new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
      if (this.#ctx.signal.aborted) return this.#cancel();
      this.#ctx.signal.addEventListener('abort', this.#cancel, { once: true });
      this.#tick();
    });
  }

  #nextIntended(): number | null {
    const off = this.#schedule.next();
    if (off === null) return null;
    const at = this.#phase.startMs + off;
    return at < this.#endMs ? at : null;
  }

  readonly #tick = (): void => {
    this.#timer = null;
    if (this.#finished) return;
    try {
      const now = this.#ctx.clock.nowMs();
      // On schedule the horizon is `now`. When the tick came later than planned (a stall, a busy loop),
      // it advances from the planned time at twice the ticks' real time, so the backlog drains at
      // twice the rate instead of at once.
      const catchUp = this.#horizonMs === null ? now : this.#horizonMs + CATCH_UP_FACTOR * Math.min(now - this.#lastTickMs, CATCH_UP_STEP_MS);
      const horizon = Math.min(now, this.#plannedMs === null ? catchUp : Math.max(this.#plannedMs, catchUp));
      this.#horizonMs = horizon;
      this.#lastTickMs = now;
      while (this.#nextAtMs !== null && this.#nextAtMs <= horizon) {
        this.#fire(this.#nextAtMs, now);
        this.#nextAtMs = this.#nextIntended();
      }
      this.#expire(now);
      if (this.#nextAtMs === null && (this.#inFlight === 0 || now >= this.#endMs + this.#phase.gracefulStopMs)) {
        this.#giveUpAll('timeout');
        return this.#end();
      }
      const at = this.#ctx.clock.nowMs();
      const wait = this.#nextAtMs === null ? MAX_SLEEP_MS : this.#nextAtMs - at;
      const delay = Math.min(MAX_SLEEP_MS, Math.max(1, Math.ceil(wait)));
      // Behind schedule, the next tick is a catch-up step, not a planned wake-up.
      this.#plannedMs = wait > 0 ? at + delay : null;
      this.#timer = setTimeout(this.#tick, delay);
    } catch (e) {
      this.#fail(e);
    }
  };

  #fire(intendedAtMs: number, now: number): void {
    const vu = this.#freeVus.pop();
    if (vu === undefined) {
      this.#summary.dropped++;
      this.#ctx.sink.onDropped(intendedAtMs);
      return;
    }
    const req = this.#ctx.requests.next(vu);
    const conn = this.#pool.acquire();
    const flight = new InFlightRequest(intendedAtMs, now, vu, req, conn, this.#done, this.#nowMs);
    this.#ctx.sink.onStart(intendedAtMs, now);
    this.#inFlight++;
    this.#summary.sent++;
    this.#flights.push(flight);
    conn.send(flight, this.#encoded.bytesOf(req));
  }

  readonly #done = (f: InFlightRequest, status: number | null, errorKind: OutcomeErrorKind | null, bytes: number, body: Buffer | null): void => {
    f.done = true;
    const now = this.#ctx.clock.nowMs();
    if (body !== null && status !== null) {
      try {
        f.req.onBody?.(status, body.toString('utf8'));
      } catch {
        // A failing capture must not stop the load; the request itself is still recorded.
      }
    }
    const failed = errorKind !== null || status === null || !isExpectedStatus(status, f.req.expectedStatuses);
    this.#ctx.sink.onOutcome({
      name: f.req.name,
      intendedAtMs: f.intendedAtMs,
      latencyUs: (now - f.intendedAtMs) * 1000,
      status,
      failed,
      errorKind,
      bytes,
      sentAtMs: f.wiredAtMs ?? f.sentAtMs,
    });
    this.#inFlight--;
    this.#summary.completed++;
    this.#freeVus.push(f.vu);
    if (!this.#finished && this.#nextAtMs === null && this.#inFlight === 0) this.#end();
  };

  /** Gives up on requests older than the timeout, from the head of the send-ordered queue. */
  #expire(now: number): void {
    const q = this.#flights;
    while (this.#head < q.length) {
      const f = q[this.#head];
      if (f === undefined) break;
      if (!f.done) {
        if (now - f.sentAtMs < this.#ctx.timeoutMs) break;
        f.giveUp('timeout');
      }
      this.#head++;
    }
    if (this.#head > 4096 && this.#head * 2 > q.length) {
      this.#flights = q.slice(this.#head);
      this.#head = 0;
    }
  }

  #giveUpAll(kind: OutcomeErrorKind): void {
    for (let i = this.#head; i < this.#flights.length; i++) this.#flights[i]?.giveUp(kind);
    this.#flights = [];
    this.#head = 0;
  }

  /** Signal: stop at once; requests still in flight are reported `cancelled` (the harness's doing, not the target's) so nothing stays open. */
  readonly #cancel = (): void => {
    if (this.#finished) return;
    this.#nextAtMs = null;
    this.#giveUpAll('cancelled');
    this.#end();
  };

  #cleanup(): Promise<void> {
    this.#finished = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#ctx.signal.removeEventListener('abort', this.#cancel);
    this.#pool.destroy();
    return Promise.resolve();
  }

  #end(): void {
    if (this.#finished) return;
    void this.#cleanup().then(() => this.#resolve({ ...this.#summary }));
  }

  #fail(e: unknown): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#giveUpAll('other');
    void this.#cleanup().then(() => this.#reject(e));
  }
}

function isArrivalPhase(phase: { executor: string }): phase is ArrivalPhase {
  return phase.executor === 'constant-arrival-rate' || phase.executor === 'ramping-arrival-rate';
}

/** Open-model engine (k6's arrival-rate executors) on raw keep-alive sockets (connection-pool.ts). */
export const arrivalEngine: LoadEngine = {
  name: 'arrival',
  run(phase, ctx) {
    if (!isArrivalPhase(phase)) {
      return Promise.reject(new Error(`arrival engine cannot run executor ${phase.executor}`));
    }
    return new ArrivalRun(phase, ctx).run();
  },
};
