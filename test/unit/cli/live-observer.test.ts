import { describe, expect, it } from 'vitest';
import { liveObserver } from '../../../harness/cli/live-observer.ts';
import type { SecondPoint } from '../../../harness/contract/second-point.ts';
import type { FaultPlan } from '../../../harness/faults/index.ts';
import { captureIo } from '../../support/capture-io.ts';
import { xtermScreen } from '../../support/xterm-screen.ts';

/* The CLI's observer fed the events a run emits, in a run's order, on a terminal emulator and in a log. */

const plan = {
  scenarioName: 's',
  seed: 1,
  profile: null,
  durationMs: 10_000,
  phases: [{ name: 'steady', executor: 'constant-vus', vus: 1, startMs: 0, durationMs: 10_000, gracefulStopMs: 0 }],
  faults: [{ name: 'lat#1', kind: 'net-latency', injection: 1, injectAtMs: 2_000, removeAtMs: 8_000, params: {}, recoveryAnchor: 'removal' }],
} as unknown as FaultPlan;

const second = (t: number): SecondPoint => ({
  t, phase: 'steady', requests: 100, errors: 0, successes: 100, droppedIterations: 0, p50Ms: 2, p95Ms: 4, p99Ms: 5, maxMs: 6, successP95Ms: 4,
} as SecondPoint);
const BAR = /^\[[█░]+\] /;

describe('liveObserver', () => {
  it('a fault removed early (Ctrl-C at 3.2 s) is shown removed at once and in the last frame, with the notice under it', async () => {
    let now = 0;
    // Redraws and whole lines share one terminal, in the order they were written.
    let raw = '';
    const line = (l: string): void => void (raw += `${l}\n`);
    const o = liveObserver({ out: line, err: line, isTTY: true, cwd: '/' }, { healthyForMs: 2000, columns: () => 100, rows: () => 40, nowMs: () => now, tickMs: 0, write: (s) => void (raw += s) });
    const screen = () => xtermScreen(raw.replace(/\n/g, '\r\n'), { cols: 100, rows: 40 });
    o.onStep?.({ step: 'cleanup', status: 'begin' });
    now = 300;
    o.onStep?.({ step: 'cleanup', status: 'done' });
    o.onStart?.({ plan, runId: 'r', runDir: '/tmp/r' });
    for (let s = 0; s < 3; s++) {
      now = 1000 * (s + 1);
      o.onSecond?.({ second: second(s), elapsedMs: 1000 * (s + 1) });
      if (s === 1) o.onFault?.({ event: 'fault-inject', name: 'lat#1', kind: 'net-latency', atMs: 2000 });
    }
    expect((await screen()).some((l) => l.startsWith('fault lat#1 (net-latency) 0:05 left'))).toBe(true);
    o.notice('\nSIGINT: rolling back faults, stopping the load and writing partial results (Ctrl-C again to exit at once)…');
    o.onFault?.({ event: 'fault-remove', name: 'lat#1', kind: 'net-latency', atMs: 3200 });
    const afterRemoval = raw.slice(raw.lastIndexOf('fault-remove lat#1'));
    expect(afterRemoval).not.toMatch(/fault lat#1 \(net-latency\) \d:\d\d left/);
    o.onEnd?.({ endMs: 3400, abortReason: 'interrupted (Ctrl-C or SIGTERM)' });
    o.onStep?.({ step: 'reports', status: 'begin' });
    now = 5000;
    o.onStep?.({ step: 'reports', status: 'done' });
    o.close();
    const lines = await screen();
    expect(lines[0]).toBe('✓ cleaning up what earlier runs left behind (0.3 s)');
    const frame = lines.findIndex((l) => BAR.test(l));
    expect(lines.filter((l) => BAR.test(l))).toHaveLength(1);
    expect(lines[frame]).toMatch(/ 0:03 \/ 0:10 {2}34% {2}stopped: interrupted \(Ctrl-C or SIGTERM\)$/);
    expect(lines[frame + 2]).toMatch(/^fault lat#1 \(net-latency\) removed at 0:03/);
    expect(lines[frame + 3]).toMatch(/^SIGINT: rolling back faults/);
    expect(lines.at(-1)).toMatch(/^✓ analysing and writing reports \(\d\.\d s\)$/);
    expect(lines.indexOf('2.0s fault-inject lat#1')).toBeLessThan(frame);
  });

  it('the last frame never shows a fault as active, even when its removal was not reported', () => {
    const io = captureIo('/');
    const o = liveObserver(io, { healthyForMs: 1000, columns: () => undefined, nowMs: () => 0 });
    o.onStart?.({ plan, runId: 'r', runDir: '/tmp/r' });
    o.onFault?.({ event: 'fault-inject', name: 'lat#1', kind: 'net-latency', atMs: 2000 });
    o.onSecond?.({ second: second(2), elapsedMs: 3000 });
    o.onEnd?.({ endMs: 3100, abortReason: 'abort condition: errors' });
    const last = io.stdout().trimEnd().split('\n').at(-1) ?? '';
    expect(last).toMatch(/^\[0:03\/0:10 31%\] ended="stopped: abort condition: errors" .* fault=none removed=lat#1@0:03/);
  });

  it('a fault whose injection failed never shows as active', () => {
    const io = captureIo('/');
    const o = liveObserver(io, { healthyForMs: 1000, columns: () => 80, nowMs: () => 0 });
    o.onStart?.({ plan, runId: 'r', runDir: '/tmp/r' });
    o.onFault?.({ event: 'fault-error', name: 'lat#1', kind: 'net-latency', atMs: 2000, detail: 'ECONNREFUSED' });
    o.onSecond?.({ second: second(2), elapsedMs: 3000 });
    expect(io.stdout()).toContain('2.0s fault-error lat#1: ECONNREFUSED');
    expect(io.stdout()).not.toMatch(/fault=lat#1/);
  });

  it('quiet: no steps, frames or fault lines; a warning and the notice reach stderr', () => {
    const io = captureIo('/');
    const o = liveObserver(io, { healthyForMs: 1000, columns: () => 80, quiet: true });
    o.onStep?.({ step: 'postgres', status: 'begin' });
    o.onStep?.({ step: 'postgres', status: 'done' });
    o.onStart?.({ plan, runId: 'r', runDir: '/tmp/r' });
    o.onFault?.({ event: 'fault-inject', name: 'lat#1', kind: 'net-latency', atMs: 2000 });
    o.onWarning?.('sampler unavailable');
    o.notice('SIGINT: stopping');
    o.onEnd?.({ endMs: 3100, abortReason: null });
    o.close();
    expect(io.stdout()).toBe('');
    expect(io.stderr()).toBe('warning: sampler unavailable\nSIGINT: stopping\n');
  });
});
