import { describe, expect, it } from 'vitest';
import { createAbortMonitor, evaluateAbort } from '../../../harness/analysis/abort-monitor.ts';
import { parseAbortCondition } from '../../../harness/core/abort-condition.ts';
import type { AbortCondition } from '../../../harness/core/abort-condition.ts';
import type { SecondPoint } from '../../../harness/contract/second-point.ts';

function second(t: number, errorRate: number, p95Ms = 20, phase = 'main'): SecondPoint {
  const requests = 100;
  const errors = Math.round(errorRate * requests);
  return { t, phase, requests, errors, successes: requests - errors, droppedIterations: 0, p50Ms: 5, p95Ms, p99Ms: p95Ms, maxMs: p95Ms, successP95Ms: p95Ms };
}

function cond(key: string, src: string): AbortCondition {
  const c = parseAbortCondition(key, src);
  if (!c.ok) throw new Error(c.message);
  return c.value;
}

describe('parseAbortCondition', () => {
  it('parses any duration the scenario accepts, compound ones included', () => {
    expect(cond('http_req_failed', 'rate>0.5 for 30s').forMs).toBe(30_000);
    expect(cond('http_req_failed', 'rate>0.5 for 2m').forMs).toBe(120_000);
    expect(cond('http_req_failed', 'rate>0.5 for 1500ms').forMs).toBe(1500);
    expect(cond('http_req_failed', 'rate>0.5 for 1m30s').forMs).toBe(90_000);
    expect(cond('http_req_duration', 'p(95)>500').forMs).toBe(0);
  });

  it('resolves what each second is read for', () => {
    expect(cond('http_req_duration', 'med>100').reading).toBe('http_req_duration:p50');
    expect(cond('http_reqs', 'rate<10').reading).toBe('http_reqs:count');
    expect(cond('http_req_failed{phase:steady}', 'rate>0.5')).toMatchObject({ reading: 'http_req_failed:rate', phase: 'steady' });
  });

  it('rejects what cannot be evaluated per second, with a hint', () => {
    const badExpr = parseAbortCondition('http_req_failed', 'rate>>0.5 for 30s');
    expect(badExpr.ok).toBe(false);
    const badAgg = parseAbortCondition('http_req_duration', 'p(90)>500');
    expect(badAgg).toMatchObject({ ok: false, message: expect.stringMatching(/cannot be evaluated per second/) });
    const badTag = parseAbortCondition('http_req_failed{request:validate}', 'rate>0.5');
    expect(badTag).toMatchObject({ ok: false, message: expect.stringMatching(/tag "request"/) });
  });
});

describe('evaluateAbort', () => {
  const rateAbort = cond('http_req_failed', 'rate>0.5 for 30s');

  it('trips at the end of the 30th consecutive violating second', () => {
    const points = Array.from({ length: 100 }, (_, t) => second(t, t >= 40 ? 0.9 : 0));
    expect(evaluateAbort([rateAbort], points)).toEqual({ condition: 'http_req_failed: rate>0.5 for 30s', atMs: 70_000, fromSec: 40 });
  });

  it('restarts the window when a second is back in bounds or missing', () => {
    const interrupted = Array.from({ length: 100 }, (_, t) => second(t, t >= 40 && t !== 60 ? 0.9 : 0));
    expect(evaluateAbort([rateAbort], interrupted)?.fromSec).toBe(61);
    const gap = Array.from({ length: 100 }, (_, t) => second(t, t >= 40 ? 0.9 : 0)).filter((p) => p.t !== 50);
    expect(evaluateAbort([rateAbort], gap)?.fromSec).toBe(51);
    const short = Array.from({ length: 60 }, (_, t) => second(t, t >= 40 ? 0.9 : 0));
    expect(evaluateAbort([rateAbort], short)).toBeNull();
  });

  it('returns the first of several conditions to trip, honours the delay and phase tags', () => {
    const latency = cond('http_req_duration{phase:main}', 'p(95)>500 for 5s');
    const points = Array.from({ length: 100 }, (_, t) => second(t, t >= 10 ? 0.9 : 0, t >= 20 ? 900 : 20, t < 30 ? 'warmup' : 'main'));
    expect(evaluateAbort([rateAbort, latency], points)?.condition).toBe('http_req_duration{phase:main}: p(95)>500 for 5s');
    expect(evaluateAbort([rateAbort], points, 15)?.fromSec).toBe(15);
  });

  it('holds a compound duration: "rate>0.5 for 1m30s" trips after 90 violating seconds, not before', () => {
    const c = cond('http_req_failed', 'rate>0.5 for 1m30s');
    const points = Array.from({ length: 200 }, (_, t) => second(t, t >= 10 ? 0.9 : 0));
    expect(evaluateAbort([c], points)).toEqual({ condition: 'http_req_failed: rate>0.5 for 1m30s', atMs: 100_000, fromSec: 10 });
    expect(evaluateAbort([c], points.slice(0, 99))).toBeNull();
  });

  it('keeps reporting the trip once it happened (incremental monitor)', () => {
    const m = createAbortMonitor([cond('http_req_failed', 'rate>0.5 for 2s')]);
    expect(m.push(second(0, 1))).toBeNull();
    const trip = m.push(second(1, 1));
    expect(trip?.atMs).toBe(2000);
    expect(m.push(second(2, 0))).toEqual(trip);
  });
});
