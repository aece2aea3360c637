import { describe, expect, it } from 'vitest';
import { faultEffect, observationVerdict } from '../../../harness/analysis/fault-effect.ts';
import { faultEffects, resourceShift, withFaultEffects } from '../../../harness/analysis/fault-effects.ts';
import { trafficShift } from '../../../harness/analysis/traffic-shift.ts';
import type { TrafficBaseline } from '../../../harness/analysis/traffic-shift.ts';
import { decideVerdict, exitCodeForVerdict } from '../../../harness/analysis/verdict.ts';
import type { FaultObservation } from '../../../harness/contract/fault-observation.ts';
import type { SecondPoint } from '../../../harness/contract/second-point.ts';

/** 50 requests a second, p95 4 ms, no errors: a fast local target's steady state. */
function pt(t: number, o: Partial<SecondPoint> = {}): SecondPoint {
  const requests = o.requests ?? 50;
  const errors = o.errors ?? 0;
  return { t, phase: 'main', requests, errors, successes: requests - errors, droppedIterations: 0, p50Ms: 2, p95Ms: 4, p99Ms: 6, maxMs: 9, successP95Ms: 4, ...o };
}
const series = (n: number, f: (t: number) => Partial<SecondPoint> = () => ({})): SecondPoint[] => Array.from({ length: n }, (_, t) => pt(t, f(t)));

const base: TrafficBaseline = {
  errorRate: 0,
  successP95Ms: 4,
  successRps: 50,
  tolerances: { maxErrorRate: 0.01, maxSuccessP95Ms: 29, minSuccessRps: 45, minRequests: 25 },
};
const open = { openModel: true, detectedAtMs: null };
// A fault from 10.4 s to 13.4 s: seconds 10–13 of the timeline.
const window = { startMs: 10_400, endMs: 13_400 };

const proxy = (counters: { accepted?: number; affected: number; bytes: number } | null, mode: 'toxic' | 'disabled' = 'toxic'): FaultObservation => ({
  source: 'proxy',
  proxy: 'api',
  mode,
  counters: counters === null ? null : { connectionsAccepted: counters.accepted ?? 0, bytesUpstream: counters.bytes, bytesDownstream: counters.bytes, affectedConnections: counters.affected, affectedBytes: counters.bytes },
  note: counters === null ? 'this Toxiproxy keeps no traffic counters' : null,
});

describe('trafficShift', () => {
  it('sees nothing in an unchanged window, and says how it compared', () => {
    const t = trafficShift(series(30), window, base, open);
    expect(t).toMatchObject({ fromSec: 10, toSec: 14, requests: 200, errorRate: 0, successP95Ms: 4, slowSeconds: 0, starvedSeconds: 0, successRps: 50, shifted: [] });
  });

  it('sees latency when half the window is slow, not for one slow second', () => {
    expect(trafficShift(series(30, (s) => (s === 11 || s === 12 ? { successP95Ms: 320 } : {})), window, base, open).shifted).toEqual(['latency']);
    // One GC second is the noise a valid steady state may itself hold.
    expect(trafficShift(series(30, (s) => (s === 11 ? { successP95Ms: 320 } : {})), window, base, open).shifted).toEqual([]);
  });

  it('sees errors above the healthy rate, but not a stray one or two', () => {
    expect(trafficShift(series(30, (s) => (s === 12 ? { errors: 20 } : {})), window, base, open).shifted).toEqual(['errors']);
    // 2 of 200 is 1 %, but 2 errors prove nothing; 3 of 200 (1.5 %) do.
    expect(trafficShift(series(30, (s) => (s === 12 ? { errors: 2 } : {})), window, base, open).shifted).toEqual([]);
    expect(trafficShift(series(30, (s) => (s === 12 ? { errors: 3 } : {})), window, base, open).shifted).toEqual(['errors']);
  });

  it('sees a stall (missing seconds), and successes below healthy only in the open model', () => {
    const stalled = series(30).filter((p) => p.t < 11 || p.t > 12);
    expect(trafficShift(stalled, window, base, open).shifted).toEqual(['throughput']);
    const fewer = series(30, (s) => (s >= 10 && s <= 13 ? { requests: 40 } : {}));
    expect(trafficShift(fewer, window, base, open).shifted).toEqual(['throughput']);
    expect(trafficShift(fewer, window, base, { ...open, openModel: false }).shifted).toEqual([]);
  });

  it('counts an impact that began inside the window, not one after it', () => {
    expect(trafficShift(series(30), window, base, { openModel: true, detectedAtMs: 11_000 }).shifted).toEqual(['impact']);
    expect(trafficShift(series(30), window, base, { openModel: true, detectedAtMs: 15_000 }).shifted).toEqual([]);
  });
});

describe('faultEffect', () => {
  const quiet = trafficShift(series(30), window, base, open);
  const hurt = trafficShift(series(30, (s) => (s >= 10 && s <= 13 ? { successP95Ms: 300 } : {})), window, base, open);
  const input = { targetExitsInWindow: 0, resources: null };

  it('none: a toxic nothing went through, whatever the traffic did (an overlapping fault, noise)', () => {
    const unused = faultEffect({ ...input, observation: proxy({ affected: 0, bytes: 0 }), traffic: hurt });
    expect(unused.effect).toBe('none');
    expect(unused.evidence.decidedBy).toBe('proxy');
    expect(unused.evidence.summary[0]).toBe('proxy api: nothing went through the toxic (0 new connections, 0 B up and 0 B down in the window)');
  });

  it('observed: connections and bytes through the toxic, even with no traffic shift (a toxic too mild to show)', () => {
    const used = faultEffect({ ...input, observation: proxy({ accepted: 3, affected: 4, bytes: 2048 }), traffic: quiet });
    expect(used.effect).toBe('observed');
    expect(used.evidence.summary[0]).toMatch(/^proxy api: 4 connections and 2\.0 KiB went through the toxic/);
  });

  it('a real Toxiproxy (no counters) and a disabled proxy that dropped nothing: the traffic decides', () => {
    expect(faultEffect({ ...input, observation: proxy(null), traffic: hurt })).toMatchObject({ effect: 'observed', evidence: { decidedBy: 'traffic' } });
    const real = faultEffect({ ...input, observation: proxy(null), traffic: quiet });
    expect(real).toMatchObject({ effect: 'none', evidence: { decidedBy: 'traffic' } });
    expect(real.evidence.summary).toEqual([expect.stringMatching(/^traffic in seconds 10–14: no change; error rate 0\.00 %/), 'proxy api: counters unknown (this Toxiproxy keeps no traffic counters)']);
    expect(faultEffect({ ...input, observation: proxy({ affected: 0, bytes: 0 }, 'disabled'), traffic: hurt }).effect).toBe('observed');
    expect(faultEffect({ ...input, observation: proxy({ affected: 2, bytes: 0 }, 'disabled'), traffic: quiet }).effect).toBe('observed');
  });

  it('a protocol toxic (pg_error, …) is judged by the times it acted, not by the bytes that went by it', () => {
    const pgToxic = (fired: number): FaultObservation => ({
      source: 'proxy', proxy: 'db', mode: 'toxic', note: null,
      counters: { connectionsAccepted: 0, bytesUpstream: 5000, bytesDownstream: 9000, affectedConnections: 4, affectedBytes: 5000, fired },
    });
    expect(observationVerdict(pgToxic(3), 0)).toBe('seen');
    // Every statement passed through it, and none matched: it changed nothing.
    expect(observationVerdict(pgToxic(0), 0)).toBe('not-seen');
    expect(faultEffect({ ...input, observation: pgToxic(3), traffic: quiet }).evidence.summary).toContainEqual(expect.stringMatching(/^proxy db: the protocol toxic acted 3 times/));
  });

  it('unknown: no steady state to compare with and nothing from the fault itself', () => {
    expect(faultEffect({ ...input, observation: null, traffic: null })).toMatchObject({ effect: 'unknown', evidence: { decidedBy: null } });
  });

  it('judges each kind of own evidence', () => {
    const db = (o: Partial<Extract<FaultObservation, { source: 'database' }>>): FaultObservation => ({
      source: 'database', action: 'kill-backends', backendsTerminated: null, connectionsHeld: null, statementsWaiting: null, maxWaiting: null, samples: 0, ...o,
    });
    expect(observationVerdict(db({ backendsTerminated: 4 }), 0)).toBe('seen');
    expect(observationVerdict(db({ backendsTerminated: 0 }), 0)).toBe('not-seen');
    expect(observationVerdict(db({ action: 'lock', statementsWaiting: 7, maxWaiting: 3, samples: 12 }), 0)).toBe('seen');
    // A 4 Hz sample can miss a short wait: seeing none proves nothing.
    expect(observationVerdict(db({ action: 'lock', statementsWaiting: 0, samples: 12 }), 0)).toBe('undecided');
    const kill: FaultObservation = { source: 'process', action: 'kill', pid: 10, restartedPid: null, exited: null, stopped: null };
    expect(observationVerdict(kill, 1)).toBe('seen');
    expect(observationVerdict({ ...kill, restartedPid: 11 }, 0)).toBe('seen');
    expect(observationVerdict({ ...kill, exited: false }, 0)).toBe('not-seen');
    expect(observationVerdict({ ...kill, action: 'pause', stopped: true }, 0)).toBe('undecided');
    expect(observationVerdict({ source: 'hog', resource: 'cpu', where: 'host', processes: 2, cpuSeconds: 4.7, bytesTouched: null }, 0)).toBe('seen');
    expect(observationVerdict({ source: 'hog', resource: 'memory', where: 'host', processes: 1, cpuSeconds: null, bytesTouched: null }, 0)).toBe('undecided');
  });
});

describe('faultEffects and the verdict', () => {
  const subject = { name: 'net-latency#1', kind: 'net-latency', injectedAtMs: 10_400, removedAtMs: 13_400, detectedAtMs: null };
  const ctx = { series: series(30), baseline: base, openModel: true, targetExits: [], resources: [] };

  it('an expected effect not seen makes the run inconclusive (exit 1), with the evidence in the reason', () => {
    const { fields, inconclusive } = faultEffects([{ ...subject, expectEffect: true, observation: proxy({ affected: 0, bytes: 0 }) }], ctx);
    expect(fields[0]).toMatchObject({ effect: 'none', expectEffect: true });
    expect(inconclusive).toEqual([
      'fault net-latency#1 (net-latency) had no observable effect: proxy api: nothing went through the toxic (0 new connections, 0 B up and 0 B down in the window) (check the fault reaches what the load uses, or set expectEffect: false)',
    ]);
    const verdict = decideVerdict({ abortReason: null, steadyState: { valid: true, reason: null }, thresholds: [], regressions: [], integrity: null, faults: [], inconclusive });
    expect(verdict.verdict).toBe('inconclusive');
    expect(exitCodeForVerdict(verdict.verdict)).toBe(1);
  });

  it('expectEffect false: the same fault is reported as none and does not make the run inconclusive', () => {
    const { fields, inconclusive } = faultEffects([{ ...subject, expectEffect: false, observation: proxy({ affected: 0, bytes: 0 }) }], ctx);
    expect(fields[0]).toMatchObject({ effect: 'none', expectEffect: false });
    expect(inconclusive).toEqual([]);
  });

  it('withFaultEffects matches records by name; a result without one is judged on traffic with expectEffect true', () => {
    const hurt = { ...ctx, series: series(30, (s) => (s >= 10 && s <= 13 ? { errors: 4 } : {})) };
    const out = withFaultEffects([subject], [], hurt);
    expect(out.faults[0]).toMatchObject({ name: 'net-latency#1', effect: 'observed', expectEffect: true, evidence: { decidedBy: 'traffic', traffic: { shifted: ['errors'] } } });
    const matched = withFaultEffects([subject], [{ event: { name: 'net-latency#1', expectEffect: false }, observation: null }], ctx);
    expect(matched.faults[0]).toMatchObject({ effect: 'none', expectEffect: false });
    expect(matched.inconclusive).toEqual([]);
  });

  it('resourceShift: host CPU and memory in the window against the 10 s before', () => {
    const samples = [5, 8, 9, 11, 12].map((s) => ({ type: 'resources' as const, atMs: s * 1000, host: { cpuPercent: s < 10 ? 20 : 180, memUsedBytes: s < 10 ? 1e9 : 2e9, memTotalBytes: 8e9, load1: 1 } }));
    expect(resourceShift(samples, window)).toEqual({ hostCpuPercentBefore: 20, hostCpuPercentDuring: 180, hostMemUsedBytesBefore: 1e9, hostMemUsedBytesMaxDuring: 2e9 });
  });
});
