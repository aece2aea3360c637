import type { CheckResults } from '../contract/check-results.ts';
import type { ThresholdResult } from '../contract/run-result.ts';
import { rate } from './k6-stats.ts';
import type { K6Summary } from './summary-formats.ts';

/**
 * k6 checks for the result: the totals from the `checks` Rate metric (every format has it; k6's
 * `passes` are the checks that held), the per-check counts from the group tree, and the verdicts of
 * the thresholds on `checks`. Null when the run had no checks.
 */
export function importedChecks(summary: K6Summary, thresholds: readonly ThresholdResult[]): CheckResults | null {
  const metric = rate(summary.metrics.checks);
  const byName = summary.checks ?? [];
  if (metric === null && byName.length === 0) return null;
  // Without the metric (a filtered summary), the per-check counts add up to the same totals.
  const passes = metric?.trues ?? byName.reduce((a, c) => a + c.passes, 0);
  const fails = metric?.falses ?? byName.reduce((a, c) => a + c.fails, 0);
  return {
    passes,
    fails,
    rate: passes + fails > 0 ? passes / (passes + fails) : null,
    byName,
    thresholds: thresholds.filter((t) => t.metric === 'checks').map(({ expression, actual, pass }) => ({ expression, actual, pass })),
  };
}
