/**
 * The debounced impact/recovery search (docs/recovery.md, sections Impact and time to detect, and
 * Recovery), on a plain sequence of health flags (one per 100 ms slice, or per second for an older
 * timeline, for traffic; one per probe for the prober). The rules' durations are converted to
 * counts of flags by the callers.
 *
 * - Impact onset: the first index ≥ `fromIndex` that starts `onsetRun` (M) consecutive unhealthy flags.
 * - Recovery: the smallest index after the impact that starts `recoveryRun` (N) consecutive healthy
 *   flags, with no run of ≥ M unhealthy flags starting at or after it inside the window. Blips
 *   shorter than M do not reset recovery; a relapse does, so recovery is the start of the last stable
 *   healthy stretch. No such index (the N flags must fit in the window) → censored.
 */

export interface RunSearchOptions {
  /** M: consecutive unhealthy flags that make an impact (and a relapse). */
  onsetRun: number;
  /** N: consecutive healthy flags that make a recovery. */
  recoveryRun: number;
}

export type RunSearchOutcome =
  | { impacted: false }
  | { impacted: true; impactIndex: number; recoveryIndex: number | null };

/**
 * Search `healthy[fromIndex … endIndex]` (inclusive bounds, clamped to the array).
 * Indexes in the outcome refer to `healthy`.
 */
export function findImpactAndRecovery(
  healthy: readonly boolean[],
  fromIndex: number,
  endIndex: number,
  opts: RunSearchOptions,
): RunSearchOutcome {
  const from = Math.max(0, fromIndex);
  const end = Math.min(healthy.length - 1, endIndex);
  const runStarts = unhealthyRunStarts(healthy, from, end, opts.onsetRun);
  const impactIndex = runStarts[0];
  if (impactIndex === undefined) return { impacted: false };
  const lastRunStart = runStarts[runStarts.length - 1] ?? impactIndex;
  return { impacted: true, impactIndex, recoveryIndex: firstHealthyRun(healthy, lastRunStart + 1, end, opts.recoveryRun) };
}

/** Starts of maximal unhealthy runs of length ≥ minRun that begin inside [from, end]; runs are cut at `end`. */
function unhealthyRunStarts(healthy: readonly boolean[], from: number, end: number, minRun: number): number[] {
  const starts: number[] = [];
  let i = from;
  while (i <= end) {
    if (healthy[i] === true) {
      i++;
      continue;
    }
    const start = i;
    while (i <= end && healthy[i] !== true) i++;
    if (i - start >= minRun) starts.push(start);
  }
  return starts;
}

function firstHealthyRun(healthy: readonly boolean[], from: number, end: number, run: number): number | null {
  let streak = 0;
  for (let i = from; i <= end; i++) {
    streak = healthy[i] === true ? streak + 1 : 0;
    if (streak >= run) return i - run + 1;
  }
  return null;
}
