import { describe, expect, it } from 'vitest';
import { analyzeProbeRecovery } from '../../../harness/analysis/probe-recovery.ts';
import type { ProbePoint } from '../../../harness/analysis/probe-recovery.ts';
import type { FaultInjection } from '../../../harness/analysis/recovery.ts';
import { probeBlindSpots, summarizeRecovery } from '../../../harness/analysis/recovery-summary.ts';
import type { FaultResult } from '../../../harness/contract/run-result.ts';

/** Probes every 250 ms for `seconds`; `ok(atMs)` decides each outcome. */
function probes(seconds: number, ok: (atMs: number) => boolean): ProbePoint[] {
  return Array.from({ length: seconds * 4 }, (_, i) => ({ atMs: i * 250, ok: ok(i * 250) }));
}

/** The recovery section's defaults: a 250 ms probe, N = 5 s healthy, W_post = 120 s. */
const RULES = { periodMs: 250, healthyForMs: 5000, postWindowMs: 120_000 };

const fault: FaultInjection = { name: 'db-down#1', kind: 'db-down', injection: 1, injectAtMs: 10_000, removeAtMs: 13_000, params: {}, recoveryAnchor: 'removal' };

describe('analyzeProbeRecovery', () => {
  it('detects at the 3rd consecutive failure and recovers at the first of 20 successes (S·P = 5 s)', () => {
    const [r] = analyzeProbeRecovery(probes(40, (t) => t < 10_000 || t >= 14_000), [fault], RULES);
    expect(r?.detectedAtMs).toBe(10_500);
    expect(r?.ttdSec).toBe(0.5);
    expect(r?.recoveredAtMs).toBe(14_000);
    expect(r?.ttrSec).toBe(1); // db-down counts from removal (13 s)
    expect(r?.recovered).toBe(true);
  });

  it('ignores fewer than F failures and breaks recovery on a relapse of F failures', () => {
    const blip = analyzeProbeRecovery(probes(40, (t) => !(t >= 10_000 && t < 10_500)), [fault], RULES);
    expect(blip[0]?.impacted).toBe(false);
    expect(blip[0]?.ttrSec).toBe(0);
    const relapse = analyzeProbeRecovery(probes(60, (t) => t < 10_000 || (t >= 14_000 && t < 20_000) || t >= 21_000), [fault], RULES);
    expect(relapse[0]?.recoveredAtMs).toBe(21_000);
  });

  it('needs S consecutive successes inside the window, else censored', () => {
    const [r] = analyzeProbeRecovery(probes(20, (t) => t < 10_000 || t >= 17_000), [fault], RULES);
    expect(r?.recovered).toBe(false);
    expect(r?.ttrSec).toBeNull();
  });

  it("leaves out timeouts during the harness's own stalls: no evidence, not a failure", () => {
    // 14.0–14.5 s: two probes timed out while the harness's loop was stalled; the target had recovered at 14 s
    const points = probes(40, (t) => t < 10_000 || t >= 14_000).map((p) =>
      p.atMs === 14_250 || p.atMs === 14_500 ? { ...p, ok: false, status: null, stalledMs: 180 } : { ...p, status: p.ok ? 200 : 503 },
    );
    expect(analyzeProbeRecovery(points, [fault], RULES)[0]).toMatchObject({ recoveredAtMs: 14_000, ttrSec: 1 });
    // an error status during a stall is an answer: it counts
    const answered = points.map((p) => (p.atMs === 14_250 ? { ...p, status: 503 } : p));
    expect(analyzeProbeRecovery(answered, [fault], RULES)[0]?.recoveredAtMs).toBe(14_500 + 250);
    // without a stall, a timeout is a failure
    const timedOut = points.map((p) => (p.atMs === 14_250 ? { ...p, stalledMs: 0 } : p));
    expect(analyzeProbeRecovery(timedOut, [fault], RULES)[0]?.recoveredAtMs).toBe(14_750);
  });

  it('counts healthy time, not probes: slots the prober skipped are bridged up to a second, a longer gap starts again', () => {
    // after 14 s only every third slot was probed (a busy harness): 5 s of successes are still 5 s
    const sparse = probes(40, (t) => t < 10_000 || t >= 14_000).filter((p) => p.atMs < 14_000 || p.atMs % 750 === 500);
    expect(analyzeProbeRecovery(sparse, [fault], RULES)[0]).toMatchObject({ recoveredAtMs: 14_000, ttrSec: 1 });
    // a 2 s hole without probes at 16–18 s is no evidence: the count starts again after it
    const holed = probes(40, (t) => t < 10_000 || t >= 14_000).filter((p) => p.atMs < 16_000 || p.atMs >= 18_000);
    expect(analyzeProbeRecovery(holed, [fault], RULES)[0]?.recoveredAtMs).toBe(18_000);
  });

  it('derives S from the period: at 1 s probes 5 successes suffice', () => {
    const points = Array.from({ length: 30 }, (_, i) => ({ atMs: i * 1000, ok: i < 10 || i >= 15 }));
    const [r] = analyzeProbeRecovery(points, [{ ...fault, recoveryAnchor: 'injection' }], { ...RULES, periodMs: 1000 });
    expect(r?.detectedAtMs).toBe(12_000);
    expect(r?.recoveredAtMs).toBe(15_000);
    expect(r?.ttrSec).toBe(5);
  });
});

function faultResult(name: string, ttrSec: number | null, recovered = ttrSec !== null): FaultResult {
  return { name, kind: 'db-down', injectedAtMs: 0, removedAtMs: 0, detectedAtMs: 0, recoveredAtMs: null, ttdSec: 0, ttrSec, recovered };
}

describe('summarizeRecovery', () => {
  it('reports mean, median, max and no censored injection', () => {
    const s = summarizeRecovery([faultResult('a', 2), faultResult('b', 4), faultResult('c', 9)]);
    expect(s).toEqual({ mttrSec: 5, medianTtrSec: 4, maxTtrSec: 9, notRecovered: 0, probe: { mttrSec: null } });
  });

  it('never averages a censored injection: MTTR becomes null and notRecovered counts it', () => {
    const s = summarizeRecovery([faultResult('a', 2), faultResult('b', null)]);
    expect(s.mttrSec).toBeNull();
    expect(s.maxTtrSec).toBeNull();
    expect(s.notRecovered).toBe(1);
  });

  it('computes the probe MTTR and the blind spot per fault', () => {
    const traffic = [faultResult('a', 6), faultResult('b', 3)];
    const probe = [
      { name: 'a', anchor: 'removal' as const, impacted: true, detectedAtMs: 1, recoveredAtMs: 2, ttdSec: 0.5, ttrSec: 1, recovered: true },
      { name: 'b', anchor: 'removal' as const, impacted: false, detectedAtMs: null, recoveredAtMs: null, ttdSec: null, ttrSec: 0, recovered: true },
    ];
    expect(summarizeRecovery(traffic, probe).probe.mttrSec).toBe(0.5);
    const spots = probeBlindSpots(traffic, probe);
    expect(spots[0]).toMatchObject({ gapSec: 5, probeMissedImpact: false });
    expect(spots[1]).toMatchObject({ gapSec: 3, probeMissedImpact: true });
  });
});
