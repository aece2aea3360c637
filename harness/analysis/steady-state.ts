import type { SecondPoint } from '../contract/second-point.ts';
import { median, medianAbsoluteDeviation } from './stats/order-stats.ts';

/**
 * The steady state before the first fault (docs/recovery.md, section Steady state): baseline SLIs
 * from the window [max(loadStart + warmup, t_i − W_pre), t_i − 2 s), the health predicate H(b)
 * derived from them, and the validity gate (H must hold in ≥ 99 % of the window's buckets, else
 * `invalid`; one unhealthy second is always tolerated, see `allowedUnhealthy`).
 *
 * Short windows: quick profiles leave 10–30 s before the first fault, so the window is whatever is
 * available after the warm-up, but at least `minBuckets` (default 5) seconds; fewer → invalid,
 * because a median and MAD of 3 buckets say nothing about noise.
 */

export interface HealthTolerances {
  /** Highest healthy error rate of a bucket. Default max(2·ε₀, ε₀ + 1 pp). */
  maxErrorRate: number;
  /** Highest healthy success p95 (ms). Default max(1.25·ℓ₀, ℓ₀ + 4·σ_ℓ, ℓ₀ + minLatencySlackMs). */
  maxSuccessP95Ms: number;
  /** Lowest healthy successful throughput (req/s), open model only. Default 0.9·g₀; 0 disables. */
  minSuccessRps: number;
  /** Lowest healthy attempted requests per bucket. Default 0.5 × offered per bucket (an empty bucket is unhealthy). */
  minRequests: number;
}

export interface SteadyStateOptions {
  /** Seconds after the first loaded second that never count as steady state (connection set-up, JIT). Default 3; pass the scenario's warm-up when it has one. */
  warmupSec?: number;
  /** Longest window before the fault (W_pre). Default 60 s. */
  maxWindowSec?: number;
  /** Gap left before the injection so the fault's own set-up is not in the window. Default 2 s. */
  guardSec?: number;
  /** Fewest buckets a window may have to be valid. Default 5. */
  minBuckets?: number;
  /** Fraction of window buckets that must be healthy. Default 0.99. */
  minHealthyFraction?: number;
  /**
   * Absolute latency slack added to ℓ₀ (ms). Default 25 ms: on loopback ℓ₀ is 1–5 ms, and on a
   * shared 2-core machine one second's p95 jumps by 10–20 ms from GC or a neighbour's CPU burst, which
   * would make the 99 % steady-state gate fail on noise; faults worth measuring add far more
   * (an addition for fast local targets).
   */
  minLatencySlackMs?: number;
  /** Closed-model runs (VUs) slow down when the target does, so throughput is not a health signal there. Default true. */
  openModel?: boolean;
  /** Overrides for the derived tolerances (Chaos Toolkit-style per-experiment tolerances). */
  tolerances?: Partial<HealthTolerances>;
  /**
   * How the validity check judges second `t` of the window; default `isHealthy` on its point. The
   * chaos analysis passes the sub-second judgement (slice-series.ts sliceSecondHealth), which leaves
   * the harness's own event-loop stalls out, as recovery does.
   */
  secondHealth?: (t: number, tolerances: HealthTolerances) => boolean;
}

export interface SteadyStateWindow {
  /** First second index of the window. */
  startSec: number;
  /** Second index after the last one of the window (exclusive). */
  endSec: number;
  buckets: number;
}

export interface SteadyState {
  valid: boolean;
  /** Why the steady state is invalid (a sentence for reports), null when valid. */
  reason: string | null;
  window: SteadyStateWindow;
  /** ε₀: errors / requests over the window. */
  errorRate: number;
  /** ℓ₀: median of the buckets' success p95 (ms). */
  successP95Ms: number;
  /** σ_ℓ = 1.4826 · MAD of the buckets' success p95 (ms). */
  successP95SigmaMs: number;
  /** g₀: median successful requests per second. */
  successRps: number;
  /** Median intended sends per second (requests + dropped iterations). */
  offeredPerSec: number;
  tolerances: HealthTolerances;
  healthyFraction: number;
}

type Settings = Required<Omit<SteadyStateOptions, 'tolerances' | 'secondHealth'>>;

const DEFAULTS: Settings = {
  warmupSec: 3,
  maxWindowSec: 60,
  guardSec: 2,
  minBuckets: 5,
  minHealthyFraction: 0.99,
  minLatencySlackMs: 25,
  openModel: true,
};

/** H(b): is this second healthy under the tolerances? A second without traffic is not. */
export function isHealthy(point: SecondPoint | undefined, tol: HealthTolerances): boolean {
  if (point === undefined || point.requests <= 0) return false;
  if (point.requests < tol.minRequests) return false;
  if (point.errors / point.requests > tol.maxErrorRate) return false;
  if (point.successP95Ms === null || point.successP95Ms > tol.maxSuccessP95Ms) return false;
  return point.successes >= tol.minSuccessRps;
}

/** Steady state before `firstInjectAtMs` (ms from the run's start). */
export function computeSteadyState(
  points: readonly SecondPoint[],
  firstInjectAtMs: number,
  options: SteadyStateOptions = {},
): SteadyState {
  const o: Settings = { ...DEFAULTS, ...definedOnly(options) };
  const window = steadyWindow(points, firstInjectAtMs, o);
  const inWindow = points.filter((p) => p.t >= window.startSec && p.t < window.endSec);
  const requests = sum(inWindow, (p) => p.requests);
  const errorRate = requests > 0 ? sum(inWindow, (p) => p.errors) / requests : 0;
  const p95s = inWindow.flatMap((p) => (p.successP95Ms === null ? [] : [p.successP95Ms]));
  const successP95Ms = p95s.length > 0 ? median(p95s) : 0;
  const successP95SigmaMs = p95s.length > 0 ? 1.4826 * medianAbsoluteDeviation(p95s) : 0;
  const successRps = inWindow.length > 0 ? median(inWindow.map((p) => p.successes)) : 0;
  const offeredPerSec = inWindow.length > 0 ? median(inWindow.map((p) => p.requests + p.droppedIterations)) : 0;
  const tolerances: HealthTolerances = {
    maxErrorRate: Math.max(2 * errorRate, errorRate + 0.01),
    maxSuccessP95Ms: Math.max(1.25 * successP95Ms, successP95Ms + 4 * successP95SigmaMs, successP95Ms + o.minLatencySlackMs),
    minSuccessRps: o.openModel ? 0.9 * successRps : 0,
    minRequests: 0.5 * offeredPerSec,
    ...definedOnly(options.tolerances ?? {}),
  };
  // Missing seconds inside the window count as empty buckets, hence unhealthy.
  const judge = options.secondHealth;
  const healthy = judge === undefined ? inWindow.filter((p) => isHealthy(p, tolerances)).length : countHealthy(window, (t) => judge(t, tolerances));
  const healthyFraction = window.buckets > 0 ? healthy / window.buckets : 0;
  const reason = invalidReason(window, requests, healthy, o.minBuckets, o.minHealthyFraction);
  return { valid: reason === null, reason, window, errorRate, successP95Ms, successP95SigmaMs, successRps, offeredPerSec, tolerances, healthyFraction };
}

function steadyWindow(points: readonly SecondPoint[], firstInjectAtMs: number, o: Settings): SteadyStateWindow {
  const loadStart = points.find((p) => p.requests > 0)?.t ?? 0;
  const endSec = Math.max(0, Math.floor((firstInjectAtMs - o.guardSec * 1000) / 1000));
  const startSec = Math.ceil(Math.max(loadStart + o.warmupSec, endSec - o.maxWindowSec));
  return { startSec, endSec, buckets: Math.max(0, endSec - startSec) };
}

/**
 * Unhealthy buckets a valid window may hold: 1 % of them, but never fewer than one. Read literally,
 * "≥ 99 %" forbids any unhealthy second in a window under 100 s (a quick profile's is 5–30 s, the
 * default 60 s), so one GC pause or neighbour's CPU burst would void the experiment; a single second
 * also cannot be an impact, which takes 3 consecutive unhealthy buckets (recovery-runs.ts).
 */
export function allowedUnhealthy(buckets: number, minHealthyFraction: number): number {
  return Math.max(1, Math.floor(buckets * (1 - minHealthyFraction) + 1e-9));
}

function invalidReason(w: SteadyStateWindow, requests: number, healthy: number, minBuckets: number, minHealthy: number): string | null {
  if (w.buckets < minBuckets) {
    return `steady state before the first fault is ${w.buckets} s long (seconds ${w.startSec}–${w.endSec}), at least ${minBuckets} s are needed: inject the first fault later or shorten the warm-up`;
  }
  if (requests === 0) return `no requests completed in the steady-state window (seconds ${w.startSec}–${w.endSec})`;
  const unhealthy = w.buckets - healthy;
  const allowed = allowedUnhealthy(w.buckets, minHealthy);
  if (unhealthy > allowed) {
    const pct = ((healthy / w.buckets) * 100).toFixed(1);
    return `steady state not met before the first fault: ${pct} % of seconds ${w.startSec}–${w.endSec} were healthy (${unhealthy} unhealthy, at most ${allowed} allowed: ${(minHealthy * 100).toFixed(0)} % healthy, and one second is always tolerated)`;
  }
  return null;
}

function countHealthy(w: SteadyStateWindow, healthyAt: (t: number) => boolean): number {
  let n = 0;
  for (let t = w.startSec; t < w.endSec; t++) if (healthyAt(t)) n++;
  return n;
}

function sum(points: readonly SecondPoint[], f: (p: SecondPoint) => number): number {
  let s = 0;
  for (const p of points) s += f(p);
  return s;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
