import type { Clock } from '../core/clock.ts';
import type { OutcomeErrorKind } from '../contract/stats.ts';
import type { LoadPhasePlan } from '../contract/plan-types.ts';
import type { ExecutionSegment } from './execution-segment.ts';

/** A request ready to send: templating already applied. */
export interface PreparedRequest {
  /** The scenario request's name: the key of per-request stats and of `{request:NAME}` thresholds. */
  name: string;
  method: string;
  /** Path and query, appended to the target's base URL. */
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
  /** Statuses that count as success; k6's default (200–399) when undefined. */
  expectedStatuses: readonly number[] | undefined;
  /** When set, the engine reads the response body and hands it over (captures); otherwise it discards it unread. */
  onBody?: (status: number, body: string) => void;
  /**
   * The factory hands out this very object again for every such request (nothing in it is templated
   * per request): engines encode its bytes once (encode-request.ts). It must then never be mutated.
   */
  constant?: boolean;
}

/** Produces the next request for a virtual user (weights, templating and captures live behind this). */
export interface RequestFactory {
  next(vu: number): PreparedRequest;
}

/** What happened to one request. */
export interface RequestOutcome {
  name: string;
  /** When the request was meant to go out (open model) or went out (closed model), on the run clock. */
  intendedAtMs: number;
  /**
   * Time in microseconds from `intendedAtMs` to the end of the response (or the error). Only a
   * response or a timeout makes it a latency sample (metrics/request-second-builder.ts).
   */
  latencyUs: number;
  status: number | null;
  /** True when a transport error happened or the status is not an expected one. */
  failed: boolean;
  /** `cancelled`: the harness stopped the request (the run was interrupted); counted apart from target errors. */
  errorKind: OutcomeErrorKind | null;
  /** Response bytes received (headers not counted). */
  bytes: number;
  /**
   * When the request went onto the wire, on the run clock: later than `intendedAtMs` when the
   * generator lagged behind its schedule or waited for a connection. Absent: at `intendedAtMs`
   * (the closed model sends when it intends to). Recovery puts its instants there.
   */
  sentAtMs?: number;
}

/** Where engines report; the timeline recorder implements it. */
export interface OutcomeSink {
  /**
   * A request is about to be sent for this intended time (lets the recorder know a second is still
   * open). The open model also says when it took the arrival off its schedule (`startedAtMs`): the
   * difference is the generator's send lag (contract/generator-second.ts).
   */
  onStart(intendedAtMs: number, startedAtMs?: number): void;
  onOutcome(outcome: RequestOutcome): void;
  /** An open-model iteration that could not start because `maxVUs` requests were in flight (k6 `dropped_iterations`). */
  onDropped(intendedAtMs: number): void;
  /** The engine's sockets open to the target changed (the generator's own health). */
  onSockets?(open: number): void;
}

export interface EngineContext {
  /** Base URL of the target (no trailing slash), e.g. http://127.0.0.1:8080 */
  baseUrl: string;
  clock: Clock;
  requests: RequestFactory;
  sink: OutcomeSink;
  /** Aborting stops scheduling at once; in-flight requests are cancelled. */
  signal: AbortSignal;
  /** Per-request timeout (k6 default 60 s). */
  timeoutMs: number;
  /** Run only this part of the phase (execution-segment.ts); absent: all of it. */
  segment?: ExecutionSegment | undefined;
}

export interface PhaseRunSummary {
  sent: number;
  completed: number;
  dropped: number;
}

/** A load engine runs one phase of the plan. Intended times are laid out from `phase.startMs`. */
export interface LoadEngine {
  readonly name: 'arrival' | 'autocannon';
  run(phase: LoadPhasePlan, ctx: EngineContext): Promise<PhaseRunSummary>;
}
