import { StresslabError } from '../core/stresslab-error.ts';
import { checksOfMachineReadable, checksOfRootGroup, type K6Check } from './k6-checks.ts';

/**
 * The three k6 end-of-test summary shapes, detected by shape and normalised into one model:
 * - `handle-summary`: the `data` object handleSummary gets (metrics[name] = {type, values, thresholds: {expr: {ok}}});
 * - `summary-export`: `--summary-export` (metrics[name] = flat values; Rate `value`; thresholds {expr: true = FAILED});
 * - `machine-readable`: `--new-machine-readable-summary` (version + results.metrics[]; no thresholds).
 * For Rate metrics `trues` are k6's `passes`: for http_req_failed, the FAILED requests.
 */

export type SummaryFormat = 'handle-summary' | 'summary-export' | 'machine-readable';

export type K6Metric =
  | { type: 'counter'; count: number; rate: number | null }
  | { type: 'gauge'; value: number; min: number; max: number }
  | { type: 'rate'; trues: number; falses: number }
  | { type: 'trend'; stats: Record<string, number> };

export interface K6Summary {
  format: SummaryFormat;
  /** Test run duration; null when the file does not say (summary-export: derived from a counter's count/rate when possible). */
  durationMs: number | null;
  /** By metric key as k6 writes it, sub-metrics included: "http_req_duration{request:validate}". */
  metrics: Record<string, K6Metric>;
  /** k6's own verdicts; null when the format has none (machine-readable). */
  thresholds: { metric: string; expression: string; pass: boolean }[] | null;
  /** Each check's passes and fails; null when the file lists none (no root group). */
  checks: K6Check[] | null;
  /**
   * When the summary was written, i.e. the end of the test, epoch ms: the machine-readable
   * summary's `metadata.generatedAt`, or the `stresslab.summaryAt` that scripts from `stresslab k6
   * export` add. Null when the file does not say (summary-export and other scripts' handleSummary
   * data carry no clock time at all).
   */
  endedAtMs: number | null;
  /** The scenario a script from `stresslab k6 export` was made from (its `stresslab` block); null otherwise. */
  exportedFrom: { scenario: string; hash: string | null } | null;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function detectSummaryFormat(raw: unknown): SummaryFormat | null {
  if (!isObject(raw)) return null;
  if (typeof raw.version === 'string' && isObject(raw.results) && Array.isArray(raw.results.metrics)) return 'machine-readable';
  if (!isObject(raw.metrics)) return null;
  const entries = Object.values(raw.metrics);
  if (isObject(raw.state) || entries.some((m) => isObject(m) && isObject(m.values) && typeof m.type === 'string')) return 'handle-summary';
  return entries.every(isObject) ? 'summary-export' : null;
}

/** Parses any of the three shapes; `file` names the input in errors. */
export function parseK6Summary(raw: unknown, file: string): K6Summary {
  const format = detectSummaryFormat(raw);
  if (format === null || !isObject(raw)) {
    throw new StresslabError('BAD_RESULT', `${file} is not a k6 summary`, {
      file,
      hint: 'pass the JSON written by handleSummary, --summary-export or --new-machine-readable-summary (or a log holding the stresslab summary markers)',
    });
  }
  switch (format) {
    case 'handle-summary':
      return parseHandleSummary(raw);
    case 'summary-export':
      return parseSummaryExport(raw);
    case 'machine-readable':
      return parseMachineReadable(raw);
  }
}

function parseHandleSummary(raw: Json): K6Summary {
  const metrics: Record<string, K6Metric> = {};
  const thresholds: NonNullable<K6Summary['thresholds']> = [];
  for (const [key, m] of Object.entries(raw.metrics as Json)) {
    if (!isObject(m) || !isObject(m.values)) continue;
    const metric = metricFrom(typeof m.type === 'string' ? m.type : null, m.values);
    if (metric) metrics[key] = metric;
    for (const [expression, verdict] of Object.entries(isObject(m.thresholds) ? m.thresholds : {})) {
      if (isObject(verdict) && typeof verdict.ok === 'boolean') thresholds.push({ metric: key, expression, pass: verdict.ok });
    }
  }
  const state = isObject(raw.state) ? raw.state : {};
  const stresslab = isObject(raw.stresslab) ? raw.stresslab : {};
  return {
    format: 'handle-summary', durationMs: num(state.testRunDurationMs), metrics, thresholds,
    checks: checksOfRootGroup(raw.root_group), endedAtMs: timeOf(stresslab.summaryAt),
    exportedFrom: typeof stresslab.scenario === 'string' ? { scenario: stresslab.scenario, hash: typeof stresslab.scenarioHash === 'string' ? stresslab.scenarioHash : null } : null,
  };
}

function parseSummaryExport(raw: Json): K6Summary {
  const metrics: Record<string, K6Metric> = {};
  const thresholds: NonNullable<K6Summary['thresholds']> = [];
  for (const [key, m] of Object.entries(raw.metrics as Json)) {
    if (!isObject(m)) continue;
    const metric = metricFrom(null, m);
    if (metric) metrics[key] = metric;
    // summary-export writes !ok: true means the threshold FAILED.
    for (const [expression, failed] of Object.entries(isObject(m.thresholds) ? m.thresholds : {})) {
      if (typeof failed === 'boolean') thresholds.push({ metric: key, expression, pass: !failed });
    }
  }
  return { format: 'summary-export', durationMs: durationFromCounters(raw.metrics as Json), metrics, thresholds, checks: checksOfRootGroup(raw.root_group), endedAtMs: null, exportedFrom: null };
}

function parseMachineReadable(raw: Json): K6Summary {
  const results = raw.results as Json;
  const metrics: Record<string, K6Metric> = {};
  for (const m of results.metrics as unknown[]) {
    if (!isObject(m) || typeof m.name !== 'string' || !isObject(m.values)) continue;
    const metric = metricFrom(typeof m.type === 'string' ? m.type : null, m.values);
    if (metric) metrics[m.name] = metric;
  }
  const config = isObject(raw.config) ? raw.config : {};
  const seconds = num(config.duration);
  const metadata = isObject(raw.metadata) ? raw.metadata : {};
  return {
    format: 'machine-readable', durationMs: seconds === null ? null : seconds * 1000, metrics, thresholds: null,
    checks: checksOfMachineReadable(results), endedAtMs: timeOf(metadata.generatedAt), exportedFrom: null,
  };
}

/** An ISO date-time with its zone, as epoch ms; null for anything else. */
function timeOf(v: unknown): number | null {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/.test(v)) return null;
  const ms = Date.parse(v);
  return Number.isFinite(ms) ? ms : null;
}

/** A metric from its values; the type is inferred from the keys when the format does not say. */
function metricFrom(type: string | null, v: Json): K6Metric | null {
  const t = type ?? inferType(v);
  switch (t) {
    case 'counter': {
      const count = num(v.count);
      return count === null ? null : { type: 'counter', count, rate: num(v.rate) };
    }
    case 'gauge': {
      const value = num(v.value);
      return value === null ? null : { type: 'gauge', value, min: num(v.min) ?? value, max: num(v.max) ?? value };
    }
    case 'rate':
      return rateFrom(v);
    case 'trend': {
      const stats: Record<string, number> = {};
      for (const [k, x] of Object.entries(v)) if (num(x) !== null && k !== 'thresholds') stats[k] = x as number;
      return { type: 'trend', stats };
    }
    default:
      return null;
  }
}

function rateFrom(v: Json): K6Metric | null {
  const passes = num(v.passes);
  const fails = num(v.fails);
  if (passes !== null && fails !== null) return { type: 'rate', trues: passes, falses: fails };
  // The machine-readable generator writes matches/total.
  const matches = num(v.matches);
  const total = num(v.total);
  return matches !== null && total !== null ? { type: 'rate', trues: matches, falses: total - matches } : null;
}

function inferType(v: Json): string | null {
  if ('passes' in v || 'matches' in v) return 'rate';
  if ('count' in v && 'rate' in v && !('avg' in v)) return 'counter';
  if ('value' in v && 'min' in v && 'max' in v && !('avg' in v)) return 'gauge';
  if ('avg' in v || 'med' in v || 'max' in v) return 'trend';
  return null;
}

/** summary-export has no duration; a counter's count/rate gives it back. */
function durationFromCounters(metrics: Json): number | null {
  for (const key of ['iterations', 'http_reqs', 'data_sent', 'data_received']) {
    const m = metrics[key];
    const count = isObject(m) ? num(m.count) : null;
    const rate = isObject(m) ? num(m.rate) : null;
    if (count !== null && rate !== null && rate > 0) return (count / rate) * 1000;
  }
  return null;
}
