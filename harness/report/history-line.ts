import * as z from 'zod';
import { cpuMsPerRequest } from '../analysis/resource-summary.ts';
import { verdictSchema, type RunResult } from '../contract/run-result.ts';
import type { InputProblem } from '../core/stresslab-error.ts';
import { targetDied } from '../contract/target-exit.ts';
import { gateTable } from './gate-table.ts';

export const HISTORY_SCHEMA_VERSION = 1;

/**
 * One line of `reports/<env>/history.jsonl`: the summary of one run, small enough that a year
 * of nightly runs stays a few hundred kilobytes, and enough to chart trends and spot steps.
 * Reading accepts unknown keys, so later versions may add fields without breaking old readers.
 */
export const historyLineSchema = z.object({
  schemaVersion: z.literal(HISTORY_SCHEMA_VERSION),
  runId: z.string(),
  scenario: z.string(),
  profile: z.string().nullable(),
  scenarioHash: z.string(),
  environment: z.string(),
  fingerprintHash: z.string(),
  startedAt: z.iso.datetime(),
  endedAt: z.iso.datetime(),
  gitSha: z.string().nullable(),
  verdict: verdictSchema,
  requests: z.number().nonnegative(),
  rps: z.number().nonnegative(),
  errorRate: z.number().min(0).max(1),
  droppedIterations: z.number().nonnegative(),
  p50Ms: z.number(),
  p95Ms: z.number(),
  p99Ms: z.number(),
  maxMs: z.number(),
  /** Mean time to recover (null without faults, or when an injection did not recover: see notRecovered). */
  mttrSec: z.number().nullable(),
  notRecovered: z.number().int().nonnegative(),
  /**
   * Fault injections in the run, and the longest time to recover and the mean and longest time to
   * detect over them (null when no injection had a measured value): the trend page's recovery
   * charts. Absent in older lines, which the page then charts from mttrSec and notRecovered alone.
   */
  faults: z.number().int().nonnegative().optional(),
  maxTtrSec: z.number().nonnegative().nullable().optional(),
  ttdSec: z.number().nonnegative().nullable().optional(),
  maxTtdSec: z.number().nonnegative().nullable().optional(),
  lost: z.number().int().nonnegative().nullable(),
  thresholdsFailed: z.number().int().nonnegative(),
  /** Gated regressions: those that failed the run (a reported-only metric that got worse is not one). */
  regressions: z.number().int().nonnegative(),
  /** The target's CPU ms per request, when its process was sampled (absent in older lines). */
  targetCpuMsPerRequest: z.number().nonnegative().nullable().optional(),
  /** The machine's speed during the run (result.json environment.calibration; absent in older lines). */
  calibrationUs: z.number().positive().nullable().optional(),
  /**
   * The managed target died during the load (an exit no fault asked for): its rps and latency are
   * those of a dead port, not of the system. Absent in older lines.
   */
  targetExited: z.boolean().optional(),
});
export type HistoryLine = z.infer<typeof historyLineSchema>;

/** The history summary of a run; `gitSha` when the caller knows the commit under test. */
export function historyLine(result: RunResult, gitSha?: string): HistoryLine {
  const t = result.totals;
  return {
    schemaVersion: HISTORY_SCHEMA_VERSION,
    runId: result.runId,
    scenario: result.scenario.name,
    profile: result.scenario.profile,
    scenarioHash: result.scenario.hash,
    environment: result.environment.name,
    fingerprintHash: result.environment.fingerprintHash,
    startedAt: result.startedAt,
    endedAt: result.endedAt,
    gitSha: gitSha ?? null,
    verdict: result.verdict,
    requests: t.requests,
    rps: t.rps,
    errorRate: t.errorRate,
    droppedIterations: t.droppedIterations,
    p50Ms: t.latencyMs.p50,
    p95Ms: t.latencyMs.p95,
    p99Ms: t.latencyMs.p99,
    maxMs: t.latencyMs.max,
    mttrSec: result.recovery.mttrSec,
    notRecovered: result.recovery.notRecovered,
    faults: result.faults.length,
    maxTtrSec: result.recovery.maxTtrSec,
    ...detection(result.faults),
    lost: result.integrity?.lost ?? null,
    thresholdsFailed: result.thresholds.filter((x) => !x.pass).length,
    regressions: gateTable(result).counts.regression,
    targetCpuMsPerRequest: cpuMsPerRequest(result.resources.target, t.requests),
    calibrationUs: result.environment.calibration?.unitCpuUs ?? null,
    targetExited: targetDied(result.targetExits),
  };
}

/** Mean and longest time to detect over the injections that had an effect (others have no TTD). */
function detection(faults: RunResult['faults']): { ttdSec: number | null; maxTtdSec: number | null } {
  const ttds = faults.flatMap((f) => (f.ttdSec === null ? [] : [f.ttdSec]));
  if (ttds.length === 0) return { ttdSec: null, maxTtdSec: null };
  return { ttdSec: ttds.reduce((a, b) => a + b, 0) / ttds.length, maxTtdSec: Math.max(...ttds) };
}

/** Whether a run injected faults; older lines (no `faults`) tell by their recovery figures. */
export function hasFaults(line: HistoryLine): boolean {
  if (line.faults !== undefined) return line.faults > 0;
  return line.mttrSec !== null || line.notRecovered > 0;
}

/**
 * Parses history.jsonl text. A bad line (say, half a line left by a machine that lost power
 * mid-append) is reported as a problem with its line number and skipped, so one damaged night
 * does not hide a year of trend.
 */
export function parseHistory(text: string): { lines: HistoryLine[]; problems: InputProblem[] } {
  const lines: HistoryLine[] = [];
  const problems: InputProblem[] = [];
  text.split('\n').forEach((raw, index) => {
    if (raw.trim() === '') return;
    const path = `line ${index + 1}`;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      problems.push({ path, message: 'not valid JSON' });
      return;
    }
    const parsed = historyLineSchema.safeParse(json);
    if (parsed.success) lines.push(parsed.data);
    else problems.push({ path, message: issueSummary(parsed.error.issues) });
  });
  return { lines, problems };
}

/** A line's schema problems, the first few spelled out: a line of another file fails every field, and 24 of them say no more than 3. */
function issueSummary(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  const shown = issues.slice(0, 3).map((i) => `${i.path.map(String).join('.') || '(line)'}: ${i.message}`);
  const more = issues.length - shown.length;
  return more > 0 ? `${shown.join('; ')}; and ${more} more field${more === 1 ? '' : 's'}` : shown.join('; ');
}
