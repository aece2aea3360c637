import type { EventEmitter } from 'node:events';
import autocannon from 'autocannon';
import type { ErrorKind } from '../metrics/stats.ts';
import type { EngineContext, PhaseRunSummary, PreparedRequest } from './engine.ts';
import { classifyError, isExpectedStatus } from './error-kind.ts';

/* The parts of autocannon v9 this file relies on; @types/autocannon 7 lacks or mistypes them. */
interface AcRequest {
  vu?: number;
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: AcRequest, context: object) => AcRequest;
  onResponse?: (status: number, body: string) => void;
}
interface AcClient extends EventEmitter {
  reqsMade: number;
  responseMax: number | undefined;
  setRequests(requests: AcRequest[]): void;
  destroy(): void;
}
interface AcInstance extends EventEmitter {
  stop(): void;
}
type AutocannonFn = (opts: Record<string, unknown>, cb: (err: Error | null) => void) => AcInstance;

/** A request built for a client; `intendedAtMs` is NaN until it is written. */
interface Pending {
  req: PreparedRequest;
  intendedAtMs: number;
}

interface ClientState {
  vu: number;
  client: AcClient;
  pending: Pending | null;
  /** A request replaced by a reconnect before anything ended it: a timeout claims it, otherwise it was reset. */
  orphan: Pending | null;
}

export interface StepOptions {
  connections: number;
  /** Total requests (iterations executors); unlimited when undefined. */
  amount?: number;
  /** Backstop only: the engine stops the step itself. */
  maxDurationMs: number;
}

/**
 * One autocannon instance (a fixed set of connections = VUs, closed loop), recording every request
 * into the sink with its own microsecond timing: autocannon's histograms hold whole milliseconds,
 * and its aggregate result is not used. Each request comes from `ctx.requests.next(vu)` through a
 * `setupRequest` hook installed per client, so every connection is one VU.
 */
export class AutocannonStep {
  readonly done: Promise<void>;
  readonly #ctx: EngineContext;
  readonly #counters: PhaseRunSummary;
  readonly #clients: ClientState[] = [];
  readonly #basePath: string;
  #inFlight = 0;
  #stopped = false;
  #instance: AcInstance | null = null;

  constructor(opts: StepOptions, ctx: EngineContext, counters: PhaseRunSummary) {
    this.#ctx = ctx;
    this.#counters = counters;
    this.#basePath = new URL(ctx.baseUrl).pathname.replace(/\/$/, '');
    this.done = new Promise((resolve, reject) => {
      const start = autocannon as unknown as AutocannonFn;
      this.#instance = start(
        {
          url: ctx.baseUrl,
          connections: opts.connections,
          pipelining: 1,
          ...(opts.amount === undefined ? {} : { amount: opts.amount }),
          duration: Math.max(1, opts.maxDurationMs / 1000),
          // autocannon's own timer; it rejects values under 1 s.
          timeout: Math.max(1, ctx.timeoutMs / 1000),
          // Checked for the stop flag each sample: short, so a stopped step ends promptly.
          sampleInt: 100,
          skipAggregateResult: true,
          requests: [{ setupRequest: this.#build }],
          setupClient: this.#setupClient,
        },
        (err) => {
          this.#giveUpAll('other');
          if (err) reject(err);
          else resolve();
        },
      );
    });
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** Each connection stops after its current request (nothing is cut off). */
  softStop(): void {
    for (const s of this.#clients) {
      if (s.pending !== null && !Number.isNaN(s.pending.intendedAtMs) && s.client.reqsMade > 0) s.client.responseMax = s.client.reqsMade;
      else s.client.destroy();
    }
  }

  /** Ends now: requests still in flight are reported failed with `kind` (the harness gave up on them). */
  hardStop(kind: ErrorKind): void {
    this.#giveUpAll(kind);
    this.#stopped = true;
    this.#instance?.stop();
  }

  readonly #setupClient = (raw: unknown): void => {
    const client = raw as AcClient;
    const state: ClientState = { vu: this.#clients.length, client, pending: null, orphan: null };
    this.#clients.push(state);
    client.on('request', () => {
      // The first request is built before its connection exists: it counts from its first write.
      if (client.reqsMade === 0 && state.pending !== null && Number.isNaN(state.pending.intendedAtMs)) this.#markSent(state.pending);
    });
    client.on('timeout', () => {
      const p = state.orphan ?? state.pending;
      if (p !== null) this.#resolve(state, p, null, 'timeout', 0);
    });
    client.on('connError', (err: unknown) => {
      if (state.pending !== null) this.#resolve(state, state.pending, null, classifyError(err), 0);
    });
    const onResponse = (status: number, body: string): void => {
      const p = state.pending;
      if (p === null || this.#stopped) return;
      if (p.req.onBody !== undefined) {
        try {
          p.req.onBody(status, body);
        } catch {
          // A failing capture must not stop the load.
        }
      }
      this.#resolve(state, p, status, null, Buffer.byteLength(body));
    };
    client.setRequests([{ vu: state.vu, setupRequest: this.#build, onResponse }]);
  };

  readonly #build = (req: AcRequest): AcRequest => {
    const vu = req.vu;
    if (vu === undefined || this.#stopped) return req;
    const state = this.#clients[vu];
    if (state === undefined) return req;
    if (state.pending !== null) this.#orphan(state, state.pending);
    const prepared = this.#ctx.requests.next(vu);
    const pending: Pending = { req: prepared, intendedAtMs: Number.NaN };
    state.pending = pending;
    // Rebuilt inside the client's send path (after a response or a reconnect): it is written right after.
    if (state.client.reqsMade > 0) this.#markSent(pending);
    const out: AcRequest = { ...req, method: prepared.method, path: this.#basePath + prepared.path, headers: prepared.headers };
    if (prepared.body !== undefined) out.body = prepared.body;
    else delete out.body;
    return out;
  };

  #orphan(state: ClientState, p: Pending): void {
    state.pending = null;
    if (Number.isNaN(p.intendedAtMs)) return;
    state.orphan = p;
    // A timeout reconnects first and reports after, synchronously; anything else that replaced a live request reset it.
    queueMicrotask(() => {
      if (state.orphan === p) this.#resolve(state, p, null, 'reset', 0);
    });
  }

  #markSent(p: Pending): void {
    p.intendedAtMs = this.#ctx.clock.nowMs();
    this.#ctx.sink.onStart(p.intendedAtMs);
    this.#counters.sent++;
    this.#inFlight++;
  }

  #resolve(state: ClientState, p: Pending, status: number | null, errorKind: ErrorKind | null, bytes: number): void {
    if (state.pending === p) state.pending = null;
    if (state.orphan === p) state.orphan = null;
    if (Number.isNaN(p.intendedAtMs)) return;
    const now = this.#ctx.clock.nowMs();
    const failed = errorKind !== null || status === null || !isExpectedStatus(status, p.req.expectedStatuses);
    this.#inFlight--;
    this.#counters.completed++;
    this.#ctx.sink.onOutcome({ name: p.req.name, intendedAtMs: p.intendedAtMs, latencyUs: (now - p.intendedAtMs) * 1000, status, failed, errorKind, bytes });
  }

  #giveUpAll(kind: ErrorKind): void {
    for (const s of this.#clients) {
      if (s.orphan !== null) this.#resolve(s, s.orphan, null, kind, 0);
      if (s.pending !== null) this.#resolve(s, s.pending, null, kind, 0);
    }
  }
}
