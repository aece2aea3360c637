import { Pool } from 'undici';
import type { OutcomeErrorKind } from '../contract/stats.ts';
import type { ConstantArrivalRatePhase, RampingArrivalRatePhase } from '../contract/plan-types.ts';
import { ArrivalSchedule } from './arrival-schedule.ts';
import type { EngineContext, LoadEngine, PhaseRunSummary } from './engine.ts';
import { isExpectedStatus, RequestTimeoutError } from './error-kind.ts';
import { InFlightRequest } from './in-flight-request.ts';

type ArrivalPhase = ConstantArrivalRatePhase | RampingArrivalRatePhase;

/** Longest sleep between scheduler ticks: bounds how late a timeout or the end of a drain is noticed. */
const MAX_SLEEP_MS = 50;

/**
 * One run of an open-model phase. A 1 ms timer sends every arrival that is due (a setImmediate
 * spin would take a whole core from the target on a small machine); latency is measured from the
 * intended time, so a stalled target shows in the percentiles instead of slowing the schedule.
 */
class ArrivalRun {
  readonly #phase: ArrivalPhase;
  readonly #ctx: EngineContext;
  readonly #pool: Pool;
  readonly #basePath: string;
  readonly #schedule: ArrivalSchedule;
  readonly #endMs: number;
  readonly #freeVus: number[] = [];
  /** In send order, so per-request timeouts expire from the head. */
  #flights: InFlightRequest[] = [];
  #head = 0;
  #nextAtMs: number | null;
  #inFlight = 0;
  readonly #summary: PhaseRunSummary = { sent: 0, completed: 0, dropped: 0 };
  #timer: NodeJS.Timeout | null = null;
  #finished = false;
  #resolve: (s: PhaseRunSummary) => void = () => {};
  #reject: (e: unknown) => void = () => {};
  /** One function for every request's wire time (InFlightRequest.onConnect), not a closure per request. */
  readonly #nowMs = (): number => this.#ctx.clock.nowMs();

  constructor(phase: ArrivalPhase, ctx: EngineContext) {
    this.#phase = phase;
    this.#ctx = ctx;
    const url = new URL(ctx.baseUrl);
    this.#basePath = url.pathname.replace(/\/$/, '');
    this.#pool = new Pool(url.origin, {
      connections: phase.maxVUs,
      pipelining: 1,
      // Timeouts are enforced by the scheduler from the send time, one mechanism for all phases.
      headersTimeout: 0,
      bodyTimeout: 0,
      connectTimeout: Math.max(1, ctx.timeoutMs),
    });
    for (let vu = phase.maxVUs - 1; vu >= 0; vu--) this.#freeVus.push(vu);
    this.#schedule = new ArrivalSchedule(phase);
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
      while (this.#nextAtMs !== null && this.#nextAtMs <= now) {
        this.#fire(this.#nextAtMs, now);
        this.#nextAtMs = this.#nextIntended();
      }
      this.#expire(now);
      if (this.#nextAtMs === null && (this.#inFlight === 0 || now >= this.#endMs + this.#phase.gracefulStopMs)) {
        this.#giveUpAll('timeout', new RequestTimeoutError('graceful stop expired'));
        return this.#end();
      }
      const wait = this.#nextAtMs === null ? MAX_SLEEP_MS : this.#nextAtMs - this.#ctx.clock.nowMs();
      this.#timer = setTimeout(this.#tick, Math.min(MAX_SLEEP_MS, Math.max(1, Math.floor(wait))));
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
    const flight = new InFlightRequest(intendedAtMs, now, vu, req, this.#done, this.#nowMs);
    this.#ctx.sink.onStart(intendedAtMs);
    this.#inFlight++;
    this.#summary.sent++;
    this.#flights.push(flight);
    this.#pool.dispatch({ path: this.#basePath + req.path, method: req.method, headers: req.headers, body: req.body ?? null }, flight);
  }

  readonly #done = (f: InFlightRequest, status: number | null, errorKind: OutcomeErrorKind | null, body: string | null): void => {
    f.done = true;
    const now = this.#ctx.clock.nowMs();
    if (body !== null && status !== null) {
      try {
        f.req.onBody?.(status, body);
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
      bytes: f.bytes,
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
        f.giveUp('timeout', new RequestTimeoutError(`no response within ${this.#ctx.timeoutMs} ms`));
      }
      this.#head++;
    }
    if (this.#head > 4096 && this.#head * 2 > q.length) {
      this.#flights = q.slice(this.#head);
      this.#head = 0;
    }
  }

  #giveUpAll(kind: OutcomeErrorKind, reason: Error): void {
    for (let i = this.#head; i < this.#flights.length; i++) this.#flights[i]?.giveUp(kind, reason);
    this.#flights = [];
    this.#head = 0;
  }

  /** Signal: stop at once; requests still in flight are reported `cancelled` (the harness's doing, not the target's) so nothing stays open. */
  readonly #cancel = (): void => {
    if (this.#finished) return;
    this.#nextAtMs = null;
    this.#giveUpAll('cancelled', new Error('run aborted'));
    this.#end();
  };

  #cleanup(): Promise<void> {
    this.#finished = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#ctx.signal.removeEventListener('abort', this.#cancel);
    return this.#pool.destroy().catch(() => undefined);
  }

  #end(): void {
    if (this.#finished) return;
    void this.#cleanup().then(() => this.#resolve({ ...this.#summary }));
  }

  #fail(e: unknown): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#giveUpAll('other', new Error('engine failed'));
    void this.#cleanup().then(() => this.#reject(e));
  }
}

function isArrivalPhase(phase: { executor: string }): phase is ArrivalPhase {
  return phase.executor === 'constant-arrival-rate' || phase.executor === 'ramping-arrival-rate';
}

/** Open-model engine (k6's arrival-rate executors) on undici. */
export const arrivalEngine: LoadEngine = {
  name: 'arrival',
  run(phase, ctx) {
    if (!isArrivalPhase(phase)) {
      return Promise.reject(new Error(`arrival engine cannot run executor ${phase.executor}`));
    }
    return new ArrivalRun(phase, ctx).run();
  },
};
