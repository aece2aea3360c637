import type { ErrorKinds } from '../contract/stats.ts';
import { emptyErrorKinds } from '../contract/stats.ts';

/**
 * Exact statistics rebuilt from k6 `--out json` NDJSON Points: every
 * http_req_duration sample is kept, so percentiles are computed exactly as k6 computes them
 * (sorted samples, linear interpolation; k6 metrics/sink.go TrendSink.P) and points from several
 * pods merge without approximation. Grouped by the `request` and `phase` tags the exported script
 * sets, plus the whole run.
 */

export interface ExactGroup {
  durationsMs: number[];
  requests: number;
  /** http_req_failed samples with value 1 / 0. */
  failed: number;
  succeeded: number;
  droppedIterations: number;
  statusCounts: Record<string, number>;
  errorKinds: ErrorKinds;
}

export interface ExactPoints {
  total: ExactGroup;
  requests: Record<string, ExactGroup>;
  phases: Record<string, ExactGroup>;
  /** The earliest and latest time of any point, epoch ms (the run's bounds, to the sampling period). */
  firstMs: number | null;
  lastMs: number | null;
  points: number;
}

export function emptyExactPoints(): ExactPoints {
  return { total: emptyGroup(), requests: {}, phases: {}, firstMs: null, lastMs: null, points: 0 };
}

function emptyGroup(): ExactGroup {
  return { durationsMs: [], requests: 0, failed: 0, succeeded: 0, droppedIterations: 0, statusCounts: {}, errorKinds: emptyErrorKinds() };
}

const TRACKED = new Set(['http_req_duration', 'http_reqs', 'http_req_failed', 'dropped_iterations']);

/** Adds one NDJSON line; returns false for a line that is not JSON (the caller counts them). */
export function addOutJsonLine(acc: ExactPoints, line: string): boolean {
  if (line.trim() === '') return true;
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return false;
  }
  if (!isPoint(o)) return true;
  // Every metric's points bound the run (vus and vus_max are sampled from its first second), not only the tracked ones.
  const t = Date.parse(o.data.time);
  if (Number.isFinite(t)) {
    acc.firstMs = acc.firstMs === null ? t : Math.min(acc.firstMs, t);
    acc.lastMs = acc.lastMs === null ? t : Math.max(acc.lastMs, t);
  }
  if (!TRACKED.has(o.metric)) return true;
  const tags = o.data.tags ?? {};
  acc.points++;
  const groups = [acc.total];
  if (tags.request !== undefined) groups.push((acc.requests[tags.request] ??= emptyGroup()));
  if (tags.phase !== undefined) groups.push((acc.phases[tags.phase] ??= emptyGroup()));
  for (const g of groups) record(g, o.metric, o.data.value, tags);
  return true;
}

function record(g: ExactGroup, metric: string, value: number, tags: Record<string, string>): void {
  switch (metric) {
    case 'http_req_duration':
      g.durationsMs.push(value);
      break;
    case 'http_reqs': {
      g.requests += value;
      const status = Number(tags.status ?? '0');
      const cls = status >= 100 ? `${Math.floor(status / 100)}xx` : 'none';
      g.statusCounts[cls] = (g.statusCounts[cls] ?? 0) + value;
      if (!(status >= 100)) g.errorKinds[errorKindOf(tags.error_code)] += value;
      break;
    }
    case 'http_req_failed':
      if (value !== 0) g.failed++;
      else g.succeeded++;
      break;
    case 'dropped_iterations':
      g.droppedIterations += value;
      break;
  }
}

/** k6 error codes (docs "Error codes") of transport failures, by the harness's kinds. */
function errorKindOf(code: string | undefined): keyof ErrorKinds {
  switch (code) {
    case '1050': // request timeout
    case '1211': // dial timeout
      return 'timeout';
    case '1212': // connection refused
      return 'refused';
    case '1220': // reset by peer
    case '1201': // broken pipe
      return 'reset';
    default:
      return 'other';
  }
}

interface Point {
  type: 'Point';
  metric: string;
  data: { time: string; value: number; tags?: Record<string, string> | null };
}

function isPoint(o: unknown): o is Point {
  if (o === null || typeof o !== 'object') return false;
  const p = o as Partial<Point>;
  return p.type === 'Point' && typeof p.metric === 'string' && typeof p.data?.value === 'number' && typeof p.data.time === 'string';
}

/** k6's percentile of sorted samples, p in 0…100 (linear interpolation between neighbours). */
export function k6Percentile(sorted: readonly number[], p: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  if (n === 1) return sorted[0] ?? 0;
  const i = (p / 100) * (n - 1);
  const lo = sorted[Math.floor(i)] ?? 0;
  const hi = sorted[Math.ceil(i)] ?? lo;
  return lo + (hi - lo) * (i - Math.floor(i));
}
