import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeRun, analyzeRunWithSeries } from '../../../harness/analysis/analyze-run.ts';
import type { RunRecord } from '../../../harness/contract/run-record.ts';
import { runResultSchema } from '../../../harness/contract/run-result.ts';
import type { RunResult } from '../../../harness/contract/run-result.ts';
import type { TimelineLate, TimelineSecond } from '../../../harness/contract/timeline-types.ts';
import { LatencyHistogram } from '../../../harness/metrics/latency-histogram.ts';
import type { Stats } from '../../../harness/contract/stats.ts';
import type { AnalysisSettings } from '../../../harness/run/analysis-settings.ts';
import { fixtureRunDir, fixtureSettings, loadFixtureRecord } from '../../fixtures/run-record/load-run-record.ts';
import type { FixtureRun } from '../../fixtures/run-record/load-run-record.ts';

/** Counts straight from the timeline file's traffic lines, without the analysis. */
function lineTotals(lines: ReadonlyArray<TimelineSecond | TimelineLate>, name?: string) {
  let requests = 0;
  let errors = 0;
  let dropped = 0;
  const histogram = LatencyHistogram.empty();
  for (const l of lines) {
    if (name === undefined) dropped += l.droppedIterations;
    for (const [n, r] of Object.entries(l.requests)) {
      if (name !== undefined && n !== name) continue;
      requests += r.count;
      errors += r.errors;
      histogram.add(LatencyHistogram.decode(r.histogram));
    }
  }
  return { requests, errors, dropped, histogram };
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;

function withoutOutcomeLatency(s: Stats): Stats {
  const { okLatencyMs: _ok, koLatencyMs: _ko, ...rest } = s;
  return rest;
}

const runs: Record<FixtureRun, { record: RunRecord; settings: AnalysisSettings }> = {} as never;
beforeAll(async () => {
  for (const name of ['short-light', 'stall-chaos'] as const) runs[name] = { record: await loadFixtureRecord(name), settings: await fixtureSettings(name) };
});

describe('analyzeRun on recorded runs', () => {
  for (const name of ['short-light', 'stall-chaos'] as const) {
    it(`${name}: totals and per-request counts are the timeline's, late lines included; p95 is the merged histogram's`, () => {
      const { record, settings } = runs[name];
      const result = analyzeRun(record, settings);
      const traffic = [...record.timeline.seconds, ...record.timeline.late];
      const all = lineTotals(traffic);
      expect(result.totals.requests).toBe(all.requests);
      expect(result.totals.errors).toBe(all.errors);
      expect(result.totals.droppedIterations).toBe(all.dropped);
      for (const p of [50, 95, 99] as const) expect(result.totals.latencyMs[`p${p}`]).toBe(round3(all.histogram.percentileMs(p)));
      for (const [req, stats] of Object.entries(result.requests)) {
        const one = lineTotals(traffic, req);
        expect(stats.requests, req).toBe(one.requests);
        expect(stats.latencyMs.p95, req).toBe(round3(one.histogram.percentileMs(95)));
      }
      expect(Object.keys(result.requests).sort()).toEqual([...new Set(traffic.flatMap((l) => Object.keys(l.requests)))].sort());
      // OK latency: every latency but the failed requests' ones, straight from the lines
      const failed = LatencyHistogram.empty();
      for (const l of traffic) for (const r of Object.values(l.requests)) if (r.errorHistogram !== undefined) failed.add(LatencyHistogram.decode(r.errorHistogram));
      const ok = all.histogram.copy();
      ok.subtract(failed);
      expect(result.totals.okLatencyMs?.p50).toBe(round3(ok.percentileMs(50)));
      expect(result.totals.okLatencyMs?.max).toBe(round3(ok.maxMs));
      if (failed.count === 0) expect(result.totals.koLatencyMs).toBeNull();
      else expect(result.totals.koLatencyMs?.p95).toBe(round3(failed.percentileMs(95)));
      expect(runResultSchema.safeParse(result).success).toBe(true);
    });

    it(`${name}: the result.json the run wrote is what analysing its record gives`, () => {
      const { record, settings } = runs[name];
      const written = runResultSchema.parse(JSON.parse(readFileSync(path.join(fixtureRunDir(name), 'result.json'), 'utf8')));
      const again = analyzeRun(record, settings);
      for (const k of ['verdict', 'reasons', 'thresholds', 'integrity', 'startedAt', 'endedAt'] as const) {
        expect(again[k], k).toEqual(written[k]);
      }
      // Recorded before Stats had OK and KO latency: the same figures, plus those two.
      expect(withoutOutcomeLatency(again.totals), 'totals').toEqual(written.totals);
      expect(Object.fromEntries(Object.entries(again.requests).map(([n, st]) => [n, withoutOutcomeLatency(st)])), 'requests').toEqual(written.requests);
      expect(again.phases.map((ph) => ({ ...ph, stats: withoutOutcomeLatency(ph.stats) })), 'phases').toEqual(written.phases);
      // Recorded before faults had effects: the same figures, each fault now with its effect (judged
      // on traffic, as the record holds no fault observations), every one observed.
      expect(again.faults.map(({ effect: _e, expectEffect: _x, evidence: _v, ...f }) => f)).toEqual(written.faults);
      for (const f of again.faults) expect(f, f.name).toMatchObject({ effect: 'observed', expectEffect: true, evidence: { decidedBy: 'traffic' } });
      // Recorded before timelines had sub-second slices: the same figures, now saying they were found on whole seconds.
      const resolution = written.faults.length === 0 ? {} : { resolutionMs: 1000, probe: { ...written.recovery.probe, resolutionMs: record.meta.probeIntervalMs } };
      expect(again.recovery).toEqual({ ...written.recovery, ...resolution });
    });
  }

  it('stall-chaos: the late outcomes count in their second of the series and in the totals', () => {
    const { record, settings } = runs['stall-chaos'];
    expect(record.timeline.late.map((l) => l.t)).toEqual([39]);
    const { result, series } = analyzeRunWithSeries(record, settings);
    const own = record.timeline.seconds.find((s) => s.t === 39)!;
    const ownCount = Object.values(own.requests).reduce((n, r) => n + r.count, 0);
    expect(series.find((p) => p.t === 39)?.requests).toBe(ownCount + 11);
    expect(result.totals.requests).toBe(lineTotals(record.timeline.seconds).requests + 11);
    // without the late line the run would be 11 requests short: what result.json from aggregates and reports from the timeline disagreed on
    const withoutLate = analyzeRun({ ...record, timeline: { ...record.timeline, late: [] } }, settings);
    expect(withoutLate.totals.requests).toBe(result.totals.requests - 11);
  });

  it('a threshold flips when its value changes, and so does the verdict', () => {
    const { record, settings } = runs['stall-chaos'];
    const base = analyzeRun(record, settings);
    const p95 = base.thresholds.find((t) => t.metric === 'http_req_duration' && t.expression === 'p(95)<1000');
    expect(p95).toMatchObject({ pass: true, actual: base.totals.latencyMs.p95 });
    expect(base.verdict).toBe('pass');
    const stricter = settings.thresholds.map((t) =>
      t.key.source === 'http_req_duration' ? { ...t, expressions: t.expressions.map((e) => ({ ...e, source: 'p(95)<900', value: 900 })) } : t,
    );
    const failed = analyzeRun(record, { ...settings, thresholds: stricter });
    expect(failed.thresholds.find((t) => t.expression === 'p(95)<900')).toMatchObject({ pass: false, actual: base.totals.latencyMs.p95 });
    expect(failed.verdict).toBe('fail');
    expect(failed.reasons).toEqual([`threshold http_req_duration p(95)<900 failed (actual ${base.totals.latencyMs.p95.toFixed(0)})`]);
    // nothing else moved
    expect(failed.totals).toEqual(base.totals);
    expect(failed.faults).toEqual(base.faults);
  });

  it('stall-chaos: recovery per fault, MTTR, the probe, the steady state and integrity', () => {
    const { record, settings } = runs['stall-chaos'];
    const r = analyzeRun(record, settings);
    expect(r.faults.map((f) => [f.name, f.recovered, f.ttdSec, f.ttrSec])).toEqual([
      ['net-latency#1', true, 0, 0],
      ['net-partition#1', true, 0, 0.991],
    ]);
    // times come from the fault records (when the step completed), not from the plan
    expect(r.faults.map((f) => f.injectedAtMs)).toEqual(record.meta.faults.map((f) => round3(f.injectedAtMs!)));
    expect(r.faults[1]?.recoveredAtMs).toBe(29_000);
    expect(r.recovery).toEqual({ mttrSec: 0.496, medianTtrSec: 0.496, maxTtrSec: 0.991, notRecovered: 0, resolutionMs: 1000, probe: { mttrSec: 0.009, resolutionMs: 500 } });
    expect(r.warnings.join('\n')).toMatch(/recovery measured on whole seconds: this timeline has no sub-second traffic/);
    expect(r.thresholds.find((t) => t.metric === 'mttr_seconds')).toMatchObject({ actual: 0.991, pass: true });
    expect(r.integrity).toEqual({ status: 'complete', reason: null, accepted: 244, terminal: 244, lost: 0, stuck: 0, duplicated: 0 });
    expect(r.thresholds.find((t) => t.metric === 'lost_executions')).toMatchObject({ actual: 0, pass: true });
    expect(r.warnings).toContain('the health probe stayed green while traffic failed during net-latency#1: a monitoring blind spot');
    expect(r.resources.target?.rssBytes.max).toBeGreaterThan(0);
  });

  it('stall-chaos: recovery rules from the options change the recovery verdict', () => {
    const { record, settings } = runs['stall-chaos'];
    // 10 healthy seconds cannot fit between the partition's removal (28 s) and the end of its 8 s observation window
    const r = analyzeRun(record, { ...settings, recovery: { ...settings.recovery, healthyForMs: 10_000 } });
    expect(r.faults.find((f) => f.name === 'net-partition#1')).toMatchObject({ recovered: false, ttrSec: null });
    expect(r.recovery.notRecovered).toBeGreaterThanOrEqual(1);
    expect(r.verdict).toBe('fail');
    expect(r.reasons).toContain('fault net-partition#1 (net-partition) never recovered within the observation window');
  });

  it('gives the same result for the same record, however often it is analysed', () => {
    const { record, settings } = runs['stall-chaos'];
    const a = JSON.stringify(analyzeRun(record, settings));
    const b = JSON.stringify(analyzeRun(record, settings));
    expect(b).toBe(a);
  });

  it('calls the gate once with the result before its verdict, then judges its regressions', () => {
    const { record, settings } = runs['short-light'];
    const seen: RunResult[] = [];
    const r = analyzeRun(record, {
      ...settings,
      gate: (provisional) => {
        seen.push(provisional);
        return {
          regressions: [{ metric: 'p95Ms', baseline: 10, current: 13, changePct: 30, ciLowPct: 20, ciHighPct: 40, verdict: 'regression', gated: true }],
          warnings: ['the baseline was recorded on another environment'],
        };
      },
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.verdict).toBe('pass');
    expect(seen[0]?.regressions).toEqual([]);
    expect(seen[0]?.totals).toEqual(r.totals);
    expect(r.verdict).toBe('fail');
    expect(r.reasons[0]).toMatch(/^p95Ms regressed: 10 → 13, \+30\.0 %/);
    expect(r.warnings).toContain('the baseline was recorded on another environment');
    expect(r.regressions).toEqual([{ metric: 'p95Ms', baseline: 10, current: 13, changePct: 30, ciLowPct: 20, ciHighPct: 40, verdict: 'regression', gated: true }]);
    // result.json's fields keep the contract's order: the verdict before the stats
    expect(Object.keys(r).indexOf('verdict')).toBeLessThan(Object.keys(r).indexOf('totals'));
  });

  it('a run the harness failed in is `error`, its failures first, whatever else it found (and without the abort repeated)', () => {
    const { record, settings } = runs['short-light'];
    const failures = [{ stage: 'timeline' as const, message: 'ENOSPC: no space left on device, write', code: 'ENOSPC' }];
    const failed: RunRecord = { meta: { ...record.meta, abortReason: 'the harness failed: ENOSPC: no space left on device, write', failures }, timeline: record.timeline };
    const r = analyzeRun(failed, settings);
    expect(r.verdict).toBe('error');
    expect(r.reasons[0]).toBe('the harness failed (timeline): ENOSPC: no space left on device, write (the disk is full: free space or choose another --reports-dir)');
    expect(r.reasons.some((x) => x.startsWith('aborted: the harness failed'))).toBe(false);
    expect(runResultSchema.safeParse(r).success).toBe(true);
    // The same record without failures keeps the verdict it had.
    expect(analyzeRun({ ...record, meta: { ...record.meta, failures: [] } }, settings).verdict).not.toBe('error');
  });

  it('analyses a run killed half way from the record written at its start and the timeline so far', () => {
    const { record, settings } = runs['stall-chaos'];
    // as a SIGKILL at 30 s leaves it: record.json from the start, the timeline up to there
    const cutMs = 30_000;
    const killed: RunRecord = {
      meta: { ...record.meta, complete: false, endMs: null, faults: [], audit: null, abortReason: null, environment: { ...record.meta.environment, calibration: null } },
      timeline: {
        seconds: record.timeline.seconds.filter((s) => s.t < cutMs / 1000),
        late: [],
        probes: record.timeline.probes.filter((p) => p.atMs < cutMs),
        resources: record.timeline.resources.filter((p) => p.atMs < cutMs),
        events: record.timeline.events.filter((e) => e.atMs < cutMs),
      },
    };
    const r = analyzeRun(killed, settings);
    expect(r.verdict).toBe('aborted');
    expect(r.reasons[0]).toMatch(/^aborted: the run did not finish .* the timeline ends at 30\.0 s\)$/);
    expect(r.endedAt).toBe(new Date(record.meta.startedAtEpochMs + 30_000).toISOString());
    expect(r.totals.requests).toBe(lineTotals(killed.timeline.seconds).requests);
    // the faults come back from the timeline's fault events (emitted a fraction of a ms after the record's times)
    expect(r.faults.map((f) => f.name)).toEqual(record.meta.faults.map((f) => f.name));
    r.faults.forEach((f, i) => {
      expect(Math.abs(f.injectedAtMs - record.meta.faults[i]!.injectedAtMs!)).toBeLessThan(1);
      expect(Math.abs(f.removedAtMs - record.meta.faults[i]!.removedAtMs!)).toBeLessThan(1);
    });
    expect(r.integrity).toBeNull();
  });
});
