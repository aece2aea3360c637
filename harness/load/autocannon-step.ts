import type { EventEmitter } from 'node:events';
import autocannon from 'autocannon';
import type { OutcomeErrorKind } from '../contract/stats.ts';
import { ConnectBackoff } from './connect-backoff.ts';
import type { EngineContext, PhaseRunSummary, PreparedRequest } from './engine.ts';
import { classifyError, isExpectedStatus } from './error-kind.ts';
import { EncodedRequests } from './encode-request.ts';

/* The parts of autocannon v9 this file relies on; @types/autocannon 7 lacks or mistypes them. */
interface AcRequest {
  onResponse?: (status: number, body: string) => void;
}
interface AcClient extends EventEmitter {
  reqsMade: number;
  responseMax: number | undefined;
  destroyed: boolean;
  /** Opens the socket and writes the first request; autocannon calls it again at once after every connection error or close. */
  _connect(): void;
  setRequests(requests: AcRequest[]): void;
  /** Called by the client's send path right before each socket write (autocannon 9 `httpClient.js`). */
  getRequestBuffer(): Buffer;
  destroy(): void;
}
interface AcInstance extends EventEmitter {
  stop(): void;
}
type AutocannonFn = (opts: Record<string, unknown>, cb: (err: Error | null) => void) => AcInstance;

/** A request on a client's connection; closed model: intended = actual send time. */
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
  backoff: ConnectBackoff;
  /** A reconnect waiting out the backoff. */
  retry: NodeJS.Timeout | null;
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
 * and its aggregate result is not used. Each request comes from `ctx.requests.next(vu)`; every
 * connection is one VU.
 *
 * The request bytes are produced by overriding each client's `getRequestBuffer()`, which autocannon 9
 * calls right before every write. Its public per-request hook (`setupRequest`) rebuilds the request
 * through a generic builder that measured ≈ +20 µs of CPU per request (more than autocannon's whole
 * cost otherwise); this also gives the exact moment a request goes out.
 */
export class AutocannonStep {
  readonly done: Promise<void>;
  readonly #ctx: EngineContext;
  readonly #counters: PhaseRunSummary;
  readonly #clients: ClientState[] = [];
  readonly #encoded: EncodedRequests;
  #inFlight = 0;
  #stopped = false;
  /** What a stopped step answers autocannon's last asks with (it is never sent: the clients are stopping). */
  #lastBuffer: Buffer | null = null;
  #instance: AcInstance | null = null;

  constructor(opts: StepOptions, ctx: EngineContext, counters: PhaseRunSummary) {
    this.#ctx = ctx;
    this.#counters = counters;
    const url = new URL(ctx.baseUrl);
    this.#encoded = new EncodedRequests(url.pathname.replace(/\/$/, ''), url.host);
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
          setupClient: this.#setupClient,
        },
        (err) => {
          this.#giveUpAll('other');
          for (const s of this.#clients) this.#cancelRetry(s);
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
      if (s.pending !== null && s.client.reqsMade > 0) s.client.responseMax = s.client.reqsMade;
      else {
        this.#cancelRetry(s);
        s.client.destroy();
      }
    }
  }

  /** Ends now: requests still in flight are reported failed with `kind` (the harness gave up on them). */
  hardStop(kind: OutcomeErrorKind): void {
    this.#giveUpAll(kind);
    this.#stopped = true;
    for (const s of this.#clients) this.#cancelRetry(s);
    this.#instance?.stop();
  }

  readonly #setupClient = (raw: unknown): void => {
    const client = raw as AcClient;
    const state: ClientState = { vu: this.#clients.length, client, pending: null, orphan: null, backoff: new ConnectBackoff(), retry: null };
    this.#clients.push(state);
    client.getRequestBuffer = () => this.#next(state);
    // Every reconnect goes through the VU's backoff (see connect-backoff.ts). autocannon's timeout
    // timer may ask again while one waits: the waiting one stands.
    const connect = client._connect.bind(client);
    client._connect = () => {
      const delayMs = state.backoff.delayMs;
      // A VU that has made its last request connects only for autocannon to see that and end it.
      // (autocannon's own test is truthiness: 0 means no limit.)
      const last = client.responseMax !== undefined && client.responseMax > 0 && client.reqsMade >= client.responseMax;
      if (delayMs === 0 || last || this.#stopped) return connect();
      if (state.retry !== null) return;
      state.retry = setTimeout(() => {
        state.retry = null;
        if (!client.destroyed && !this.#stopped) connect();
      }, delayMs);
    };
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
    // A static request (no setupRequest), so autocannon never rebuilds it; only the hook above matters.
    client.setRequests([{ onResponse }]);
  };

  /** The bytes of the client's next request, taken from the factory at the moment of writing. */
  #next(state: ClientState): Buffer {
    if (this.#stopped) return this.#lastBuffer ?? Buffer.from('GET / HTTP/1.1\r\n\r\n');
    if (state.pending !== null) this.#orphan(state, state.pending);
    const req = this.#ctx.requests.next(state.vu);
    const pending: Pending = { req, intendedAtMs: this.#ctx.clock.nowMs() };
    state.pending = pending;
    this.#ctx.sink.onStart(pending.intendedAtMs);
    this.#counters.sent++;
    this.#inFlight++;
    this.#lastBuffer = this.#encoded.bytesOf(req);
    return this.#lastBuffer;
  }

  #orphan(state: ClientState, p: Pending): void {
    state.pending = null;
    state.orphan = p;
    // A timeout reconnects first and reports after, synchronously; anything else that replaced a live request reset it.
    queueMicrotask(() => {
      if (state.orphan === p) this.#resolve(state, p, null, 'reset', 0);
    });
  }

  #cancelRetry(state: ClientState): void {
    if (state.retry !== null) clearTimeout(state.retry);
    state.retry = null;
  }

  #resolve(state: ClientState, p: Pending, status: number | null, errorKind: OutcomeErrorKind | null, bytes: number): void {
    if (state.pending === p) state.pending = null;
    if (state.orphan === p) state.orphan = null;
    if (status !== null) state.backoff.answered();
    else if (errorKind !== 'cancelled') state.backoff.failed();
    const now = this.#ctx.clock.nowMs();
    const failed = errorKind !== null || status === null || !isExpectedStatus(status, p.req.expectedStatuses);
    this.#inFlight--;
    this.#counters.completed++;
    this.#ctx.sink.onOutcome({ name: p.req.name, intendedAtMs: p.intendedAtMs, latencyUs: (now - p.intendedAtMs) * 1000, status, failed, errorKind, bytes });
  }

  #giveUpAll(kind: OutcomeErrorKind): void {
    for (const s of this.#clients) {
      if (s.orphan !== null) this.#resolve(s, s.orphan, null, kind, 0);
      if (s.pending !== null) this.#resolve(s, s.pending, null, kind, 0);
    }
  }
}
