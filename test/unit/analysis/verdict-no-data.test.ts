import { describe, expect, it } from 'vitest';
import { decideVerdict } from '../../../harness/analysis/verdict.ts';
import type { VerdictInput } from '../../../harness/analysis/verdict.ts';
import type { RegressionResult } from '../../../harness/contract/run-result.ts';

// A gated metric the gate could not judge is a gate that is off: the verdict must say so, or a
// pass reads as "no regression" when nothing was compared.

const input = (regressions: VerdictInput['regressions']): VerdictInput => ({
  abortReason: null,
  steadyState: null,
  thresholds: [],
  regressions,
  integrity: null,
  faults: [],
});
const noData = (metric: string, gated?: boolean): RegressionResult & { gated?: boolean } => ({
  metric, baseline: null, current: 3.1, changePct: null, ciLowPct: null, ciHighPct: null, verdict: 'no-data', ...(gated === undefined ? {} : { gated }),
});

describe('verdict warnings for gated metrics without data', () => {
  it('names each gated no-data metric in a warning and still passes', () => {
    const v = decideVerdict(input([noData('p95Ms'), noData('errorRate{request:validate}', true)]));
    expect(v.verdict).toBe('pass');
    expect(v.warnings).toEqual([
      expect.stringMatching(/^gated metric p95Ms has no data: the regression gate did not judge it/),
      expect.stringMatching(/^gated metric errorRate\{request:validate\} has no data/),
    ]);
  });

  it('says nothing of ungated metrics without data (p99, throughput) or of judged ones', () => {
    const ok: RegressionResult = { ...noData('p50Ms'), verdict: 'ok' };
    expect(decideVerdict(input([noData('p99Ms'), noData('rps'), noData('p95Ms', false), ok])).warnings).toEqual([]);
  });

  it('groups many into one warning listing them all', () => {
    const many = ['p50Ms', 'p95Ms', 'errorRate', 'mttrSec', 'targetPeakRssBytes'].map((m) => noData(m));
    const v = decideVerdict(input(many));
    expect(v.warnings).toHaveLength(1);
    expect(v.warnings[0]).toMatch(/^5 gated metrics have no data.*: p50Ms, p95Ms, errorRate, mttrSec, targetPeakRssBytes$/);
  });
});
