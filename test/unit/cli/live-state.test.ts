import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { SecondPoint } from '../../../harness/contract/second-point.ts';
import { askLine } from '../../../harness/cli/ask-line.ts';
import { LiveFaults, LiveRecovery, activeFault, liveStateAt } from '../../../harness/cli/live-state.ts';
import type { Plan } from '../../../harness/contract/plan-types.ts';

const plan: Plan = {
  scenarioName: 's',
  seed: 1,
  profile: null,
  durationMs: 120_000,
  phases: [{ name: 'steady', executor: 'constant-vus', vus: 1, startMs: 0, durationMs: 115_000, gracefulStopMs: 5_000 }],
  faults: [
    { name: 'lat#1', kind: 'net-latency', injection: 1, injectAtMs: 30_000, removeAtMs: 40_000, params: {}, recoveryAnchor: 'removal' },
    { name: 'down#1', kind: 'db-down', injection: 1, injectAtMs: 35_000, removeAtMs: 38_000, params: {}, recoveryAnchor: 'removal' },
    { name: 'lat#2', kind: 'net-latency', injection: 2, injectAtMs: 70_000, removeAtMs: 80_000, params: {}, recoveryAnchor: 'removal' },
  ],
};

const point = (t: number, healthy: boolean): SecondPoint => ({
  t,
  phase: 'steady',
  requests: 100,
  errors: healthy ? 0 : 60,
  successes: healthy ? 100 : 40,
  droppedIterations: 0,
  p50Ms: 5,
  p95Ms: healthy ? 10 : 900,
  p99Ms: 12,
  maxMs: 20,
  successP95Ms: healthy ? 10 : 900,
});

describe('liveStateAt', () => {
  it('maps the last closed second and the plan to the live view state', () => {
    const s = liveStateAt({ plan, elapsedMs: 36_500, second: { ...point(35, false) }, recovery: 'impact: 2 unhealthy s' });
    expect(s).toEqual({
      elapsedMs: 36_500,
      totalMs: 120_000,
      rps: 100,
      p95Ms: 900,
      errorRate: 0.6,
      activeFault: { name: 'down#1', kind: 'db-down', remainingMs: 1_500 },
      recovery: 'impact: 2 unhealthy s',
      phase: 'steady',
    });
  });

  it('has no numbers before the first second and no phase after the last', () => {
    const s = liveStateAt({ plan, elapsedMs: 500, second: null, recovery: null });
    expect([s.rps, s.p95Ms, s.errorRate, s.activeFault]).toEqual([null, null, null, null]);
    expect(liveStateAt({ plan, elapsedMs: 121_000, second: null, recovery: null }).phase).toBeNull();
  });

  it('activeFault: the newest overlapping one, none at the removal instant', () => {
    expect(activeFault(plan.faults, 36_000)?.name).toBe('down#1');
    expect(activeFault(plan.faults, 39_000)?.name).toBe('lat#1');
    expect(activeFault(plan.faults, 40_000)).toBeNull();
  });
});

describe('LiveRecovery', () => {
  it('reports impact under the fault, then counts healthy seconds after removal until recovered', () => {
    const r = new LiveRecovery(plan, { healthyBuckets: 5 });
    for (let t = 0; t < 30; t++) r.add(point(t, true));
    expect(r.status(29_000)).toBeNull();
    for (let t = 30; t < 33; t++) r.add(point(t, false));
    expect(r.status(33_500)).toBe('impact: 3 unhealthy s');
    for (let t = 33; t < 39; t++) r.add(point(t, false));
    // down#1 is removed at 38 s but lat#1 is still on: still impact, not recovery.
    expect(r.status(39_500)).toBe('impact: 9 unhealthy s');
    for (let t = 39; t < 43; t++) r.add(point(t, false));
    for (let t = 43; t < 46; t++) r.add(point(t, true));
    expect(r.status(46_500)).toBe('recovering 3/5 healthy s');
    for (let t = 46; t < 50; t++) r.add(point(t, true));
    expect(r.status(50_500)).toBe('recovered 3 s after removal');
    for (let t = 50; t < 72; t++) r.add(point(t, true));
    expect(r.status(72_500)).toBe('healthy under the fault so far');
  });

  it('says so when there is no steady state before the first fault', () => {
    const r = new LiveRecovery(plan, { healthyBuckets: 5 });
    // The load never got going before the fault: no requests, nothing to compare with.
    for (let t = 0; t < 31; t++) r.add({ ...point(t, true), requests: 0, successes: 0, p95Ms: null, successP95Ms: null });
    expect(r.status(31_000)).toMatch(/^no steady state to compare with/);
  });
});

describe('askLine', () => {
  it('writes the question and returns the line typed', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = '';
    output.on('data', (d: Buffer) => (shown += d.toString()));
    const answer = askLine('Continue? [y/N] ', { input, output });
    input.write('yes\n');
    expect(await answer).toBe('yes');
    expect(shown).toBe('Continue? [y/N] ');
  });

  it('a closed input is an empty answer, not a hang', async () => {
    const input = new PassThrough();
    const answer = askLine('Continue? ', { input, output: new PassThrough() });
    input.end();
    expect(await answer).toBe('');
  });
});

describe('LiveFaults', () => {
  it('follows the reported events: the newest active fault, then the one removed last', () => {
    const f = new LiveFaults(plan);
    f.onEvent({ event: 'fault-inject', name: 'lat#1', kind: 'net-latency', atMs: 30_050 });
    f.onEvent({ event: 'fault-inject', name: 'down#1', kind: 'db-down', atMs: 35_020 });
    expect(f.active(36_000)).toEqual({ name: 'down#1', kind: 'db-down', remainingMs: 2_000 });
    // Removed early (before its planned 38 s): no longer active, whatever the plan says.
    f.onEvent({ event: 'fault-remove', name: 'down#1', kind: 'db-down', atMs: 36_500 });
    expect(f.active(37_000)).toEqual({ name: 'lat#1', kind: 'net-latency', remainingMs: 3_000 });
    expect(f.removed).toEqual({ name: 'down#1', kind: 'db-down', atMs: 36_500 });
    f.endAll(39_000);
    expect(f.active(39_000)).toBeNull();
    expect(f.removed).toEqual({ name: 'lat#1', kind: 'net-latency', atMs: 39_000 });
    const s = liveStateAt({ plan, elapsedMs: 39_000, second: null, recovery: null, faults: f });
    expect(s.activeFault).toBeNull();
    expect(s.removedFault).toEqual({ name: 'lat#1', kind: 'net-latency', atMs: 39_000 });
  });

  it('a fault whose injection failed is never active, and a remove of one never injected changes nothing', () => {
    const f = new LiveFaults(plan);
    f.onEvent({ event: 'fault-error', name: 'lat#1', kind: 'net-latency', atMs: 30_000 });
    f.onEvent({ event: 'fault-remove', name: 'lat#2', kind: 'net-latency', atMs: 80_000 });
    expect(f.active(31_000)).toBeNull();
    expect(f.removed).toBeNull();
  });
});

