import { describe, expect, it } from 'vitest';
import { splitTimeline } from '../../../harness/metrics/split-timeline.ts';
import type { MetricFamily } from '../../../harness/report/metric-family.ts';
import { ALL_REQUESTS, runMetricFamilies } from '../../../harness/report/run-metric-families.ts';
import { GT, groundTruthResult, groundTruthTimeline, inFault } from '../../fixtures/outputs/ground-truth-run.ts';

const START = 1_800_000_000_000;
const families = runMetricFamilies(groundTruthResult(START, 'r1'), splitTimeline(groundTruthTimeline()));
const RUN = { scenario: 'outputs-gt', profile: 'quick', env: 'ci', run_id: 'r1' };

function values(name: string, labels: Record<string, string>): Array<[number, number]> {
  const f = families.find((x) => x.name === name) as MetricFamily;
  const s = f.series.filter((x) => Object.entries(labels).every(([k, v]) => x.labels[k] === v));
  expect(s, `${name} ${JSON.stringify(labels)}`).toHaveLength(1);
  return (s[0]?.samples ?? []).map((p) => [p.timestampMs, p.value]);
}

describe('a run\'s metric families', () => {
  it('label every series with scenario, profile, env and run id, and stamp second t at startedAt + t s', () => {
    for (const f of families) for (const s of f.series) expect(s.labels).toMatchObject(RUN);
    const ok = values('stresslab_requests_per_second', { request: 'status', outcome: 'ok' });
    expect(ok.map(([t]) => t)).toEqual([...Array(GT.seconds).keys()].map((t) => START + t * 1000));
  });

  it('count OK and KO per request and over all, with the late line in its second', () => {
    const ok = values('stresslab_requests_per_second', { request: 'validate', outcome: 'ok' }).map(([, v]) => v);
    const koAll = values('stresslab_requests_per_second', { request: ALL_REQUESTS, outcome: 'ko' }).map(([, v]) => v);
    expect(ok).toEqual([...Array(GT.seconds).keys()].map((t) => (inFault(t) ? 8 : t === 5 ? 21 : 20)));
    expect(koAll).toEqual([...Array(GT.seconds).keys()].map((t) => (inFault(t) ? 12 : 0)));
  });

  it('split the KO by kind so that the kinds add up to the KO count', () => {
    const kinds = ['timeout', 'refused', 'reset', 'other', 'status'];
    const at = (kind: string): number => values('stresslab_errors_per_second', { request: 'validate', kind })[12]?.[1] ?? -1;
    expect(Object.fromEntries(kinds.map((k) => [k, at(k)]))).toEqual({ timeout: 2, refused: 4, reset: 0, other: 0, status: 6 });
    const classes = families.find((f) => f.name === 'stresslab_responses_per_second')?.series.filter((s) => s.labels.request === 'validate').map((s) => s.labels.status_class);
    expect(classes?.sort()).toEqual(['2xx', '5xx']);
    expect(values('stresslab_responses_per_second', { request: 'validate', status_class: '5xx' })[12]?.[1]).toBe(6);
  });

  it('give OK latency without the failures: p95 40 ms during the fault, not the 2 ms of the 503s', () => {
    const p95 = values('stresslab_ok_latency_seconds', { request: 'validate', quantile: '0.95' });
    expect(p95[12]?.[1]).toBeCloseTo(0.04, 4);
    expect(p95[3]?.[1]).toBeCloseTo(0.01, 4);
    expect(values('stresslab_ko_latency_seconds', { request: 'validate' })[0]).toEqual([START + 10_000, expect.closeTo(2, 2)]);
  });

  it('draw the fault window with its exact edges, and give TTD, TTR, MTTR and the verdict at the run\'s end', () => {
    const active = new Map(values('stresslab_fault_active', { fault: 'api-partition', kind: 'partition' }));
    expect([10_000, 10_250, 15_000, 20_000, 20_750, 21_000].map((ms) => active.get(START + ms))).toEqual([0, 1, 1, 1, 0, 0]);
    const end = START + GT.seconds * 1000 + 500;
    expect(values('stresslab_fault_ttd_seconds', { injection: '1' })).toEqual([[end, 0.3]]);
    expect(values('stresslab_fault_ttr_seconds', { injection: '1' })).toEqual([[end, 1.5]]);
    expect(values('stresslab_fault_injected_timestamp_seconds', {})).toEqual([[end, (START + 10_250) / 1000]]);
    expect(values('stresslab_mttr_seconds', {})).toEqual([[end, 1.5]]);
    const verdicts = families.find((f) => f.name === 'stresslab_run_verdict')?.series.map((s) => [s.labels.verdict, s.samples[0]?.value]);
    expect(Object.fromEntries(verdicts ?? [])).toEqual({ pass: 0, fail: 1, inconclusive: 0, aborted: 0, error: 0 });
  });

  it('keep every series in time order with one sample per timestamp (what Prometheus accepts)', () => {
    for (const f of families) {
      for (const s of f.series) for (let i = 1; i < s.samples.length; i++) expect((s.samples[i]?.timestampMs ?? 0) > (s.samples[i - 1]?.timestampMs ?? 0)).toBe(true);
    }
  });

  it('leave out what a run without faults or timeline has no data for', () => {
    const bare = runMetricFamilies({ ...groundTruthResult(START, 'r2'), faults: [], recovery: { mttrSec: null, medianTtrSec: null, maxTtrSec: null, notRecovered: 0, probe: { mttrSec: null } } }, { seconds: [], late: [] });
    expect(bare.map((f) => f.name)).toEqual(['stresslab_run_verdict']);
  });
});
