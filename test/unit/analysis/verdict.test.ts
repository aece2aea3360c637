import { describe, expect, it } from 'vitest';
import { decideVerdict, exitCodeForVerdict } from '../../../harness/analysis/verdict.ts';
import type { VerdictInput } from '../../../harness/analysis/verdict.ts';
import { ExitCode } from '../../../harness/core/exit-codes.ts';

const clean: VerdictInput = {
  abortReason: null,
  steadyState: { valid: true, reason: null },
  thresholds: [{ metric: 'http_req_failed', expression: 'rate<0.01', actual: 0.001, pass: true }],
  regressions: [{ metric: 'p95Ms', baseline: 100, current: 101, changePct: 1, ciLowPct: -1, ciHighPct: 3, verdict: 'ok' }],
  integrity: { status: 'complete', reason: null, accepted: 100, terminal: 100, lost: 0, stuck: 0, duplicated: 0 },
  faults: [{ name: 'db-down#1', kind: 'db-down', injectedAtMs: 1, removedAtMs: 2, detectedAtMs: 1, recoveredAtMs: 3, ttdSec: 0, ttrSec: 1, recovered: true }],
};

describe('decideVerdict', () => {
  it('passes a clean run with exit 0', () => {
    expect(decideVerdict(clean)).toEqual({ verdict: 'pass', reasons: [], warnings: [] });
    expect(exitCodeForVerdict('pass')).toBe(ExitCode.ok);
  });

  it('fails with one sentence per failure and exit 1', () => {
    const v = decideVerdict({
      ...clean,
      steadyState: { valid: false, reason: 'steady state not met before the first fault' },
      thresholds: [{ metric: 'http_req_duration', expression: 'p(95)<300', actual: 412.5, pass: false }, { metric: 'ttd_seconds', expression: 'max<5', actual: null, pass: false }],
      regressions: [{ metric: 'p95Ms', baseline: 100, current: 112, changePct: 12, ciLowPct: 9.5, ciHighPct: 14.6, verdict: 'regression' }],
      integrity: { status: 'complete', reason: null, accepted: 100, terminal: 97, lost: 2, stuck: 1, duplicated: 1 },
      faults: [{ ...clean.faults[0]!, recovered: false, recoveredAtMs: null, ttrSec: null }],
    });
    expect(v.verdict).toBe('fail');
    expect(exitCodeForVerdict(v.verdict)).toBe(ExitCode.gateFailed);
    expect(v.reasons).toEqual([
      'experiment invalid: steady state not met before the first fault',
      'threshold http_req_duration p(95)<300 failed (actual 413)',
      'threshold ttd_seconds max<5 had no data',
      'p95Ms regressed: 100 → 112, +12.0 % (90 % CI +9.5 % … +14.6 %)',
      '2 of 100 accepted executions were lost',
      '1 executions ran more than once',
      'fault db-down#1 (db-down) never recovered within the observation window',
    ]);
    expect(v.warnings).toEqual(['1 executions were not in a terminal state after the grace period']);
  });

  it('only gated regressions fail; suspect and ungated ones warn', () => {
    const v = decideVerdict({
      ...clean,
      regressions: [
        { metric: 'p99Ms', baseline: 100, current: 130, changePct: 30, ciLowPct: 20, ciHighPct: 40, verdict: 'regression' },
        { metric: 'p95Ms', baseline: 100, current: 107, changePct: 7, ciLowPct: -2, ciHighPct: 15, verdict: 'suspect' },
        { metric: 'errorRate', baseline: 0, current: 0.01, changePct: null, ciLowPct: null, ciHighPct: null, verdict: 'regression', gated: false },
      ],
    });
    expect(v.verdict).toBe('pass');
    expect(v.warnings).toHaveLength(3);
    expect(v.warnings[0]).toMatch(/p99Ms regressed \(not gated\)/);
  });

  it('aborted wins with exit 3 and keeps the other reasons', () => {
    const v = decideVerdict({ ...clean, abortReason: 'http_req_failed: rate>0.5 for 30s', integrity: { ...clean.integrity!, lost: 1 } });
    expect(v.verdict).toBe('aborted');
    expect(exitCodeForVerdict(v.verdict)).toBe(ExitCode.aborted);
    expect(v.reasons).toEqual(['aborted: http_req_failed: rate>0.5 for 30s', '1 of 100 accepted executions were lost']);
  });
});
