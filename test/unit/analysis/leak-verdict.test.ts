import { describe, expect, it } from 'vitest';
import { analyzeLeak } from '../../../harness/analysis/leak-verdict.ts';
import type { RssSample } from '../../../harness/analysis/leak-verdict.ts';
import { cpuSeconds, harnessSaturationWarning, summarizeResource, summarizeResourceByPhase } from '../../../harness/analysis/resource-summary.ts';

const MIB = 1024 * 1024;

/** 1 Hz samples for `minutes`, RSS = trough(t) + a GC sawtooth of 40 MiB with a 20 s period. */
function samples(minutes: number, trough: (atMs: number) => number): RssSample[] {
  return Array.from({ length: minutes * 60 }, (_, i) => {
    const atMs = i * 1000;
    return { atMs, rssBytes: Math.round(trough(atMs) + ((i % 20) / 20) * 40 * MIB) };
  });
}

describe('analyzeLeak (the cases of docs/leak-verdicts.md)', () => {
  it('flat sawtooth → none', () => {
    const a = analyzeLeak(samples(20, () => 200 * MIB));
    expect(a.verdict).toBe('none');
    expect(Math.abs(a.slopeBytesPerHour ?? Infinity)).toBeLessThan(MIB);
  });

  it('sawtooth with troughs rising 20 MiB/min → leak', () => {
    const a = analyzeLeak(samples(10, (t) => 200 * MIB + (t / 60_000) * 20 * MIB));
    expect(a.verdict).toBe('leak');
    expect((a.slopeBytesPerHour ?? 0) / MIB).toBeGreaterThan(1100);
    expect((a.slopeBytesPerHour ?? 0) / MIB).toBeLessThan(1300);
    expect(a.ciLowBytesPerHour).toBeGreaterThan(0);
  });

  it('growth then a plateau (cache fill) → suspect, not leak: the last quarters do not rise', () => {
    const a = analyzeLeak(samples(40, (t) => 200 * MIB + Math.min(t, 22 * 60_000) / 60_000 * 10 * MIB));
    expect(a.verdict).toBe('suspect');
    expect(a.reason).toMatch(/quarter minima/);
  });

  it('a single step then flat → none: most trough pairs show no growth', () => {
    expect(analyzeLeak(samples(40, (t) => (t < 20 * 60_000 ? 200 : 300) * MIB)).verdict).toBe('none');
  });

  it('a single huge spike → none (Theil–Sen is robust)', () => {
    const base = samples(20, () => 200 * MIB);
    const spiked = base.map((s) => (s.atMs >= 15 * 60_000 && s.atMs < 16 * 60_000 ? { ...s, rssBytes: 2000 * MIB } : s));
    expect(analyzeLeak(spiked).verdict).toBe('none');
  });

  it('a slow leak below the 24 h bound → none', () => {
    // 1 MiB/h = 24 MiB/24 h < 64 MiB.
    const a = analyzeLeak(samples(120, (t) => 200 * MIB + (t / 3_600_000) * MIB));
    expect(a.verdict).toBe('none');
    expect(a.slopeBytesPerHour).toBeGreaterThan(0);
  });

  it('too short a run → n/a with the minimum in the reason', () => {
    const a = analyzeLeak(samples(4, (t) => 200 * MIB + t * 1000));
    expect(a.verdict).toBe('n/a');
    expect(a.reason).toMatch(/at least 5/);
    expect(analyzeLeak(samples(2, (t) => 200 * MIB + t * 1000), { windowMs: 10_000 }).verdict).toBe('leak');
  });
});

describe('summarizeResource', () => {
  it('summarises CPU and RSS and carries the slope and verdict', () => {
    const s = Array.from({ length: 100 }, (_, i) => ({ atMs: i * 1000, cpuPercent: i, rssBytes: 100 * MIB + i }));
    const u = summarizeResource(s);
    expect(u?.cpuPercent.mean).toBeCloseTo(49.5, 9);
    expect(u?.cpuPercent.p95).toBeCloseTo(94.05, 9);
    expect(u?.cpuPercent.max).toBe(99);
    expect(u?.rssBytes.max).toBe(100 * MIB + 99);
    expect(u?.leak).toBe('n/a');
    expect(u?.rssBytes.slopeBytesPerHour).toBeNull();
    expect(summarizeResource([])).toBeNull();
  });

  it('summarises a three-day endurance run of 1 s samples (Math.max over a spread of 259,200 values overflowed the stack)', () => {
    const n = 3 * 86_400;
    const s = Array.from({ length: n }, (_, i) => ({ atMs: i * 1000, cpuPercent: i === 1234 ? 180 : 20, rssBytes: 100 * MIB + (i === n - 7 ? 5 : 0) }));
    const u = summarizeResource(s);
    expect(u?.cpuPercent.max).toBe(180);
    expect(u?.rssBytes.max).toBe(100 * MIB + 5);
  });

  it('integrates CPU over time into cpuSeconds, a restart gap counting as one usual interval', () => {
    // 10 s at 50 % of a core, sampled every second: 5 CPU seconds.
    const steady = Array.from({ length: 10 }, (_, i) => ({ atMs: (i + 1) * 1000, cpuPercent: 50, rssBytes: MIB }));
    expect(summarizeResource(steady)?.cpuSeconds).toBeCloseTo(5, 9);
    // Samples 500 ms apart weigh half as much.
    expect(cpuSeconds(steady.map((s) => ({ ...s, atMs: s.atMs / 2 })))).toBeCloseTo(2.5, 9);
    // A target restarted at 5 s: its new pid's first reading (at 9 s) covers 1 s, not the 4 s gap.
    const restarted = steady.filter((s) => s.atMs <= 5000 || s.atMs >= 9000);
    expect(cpuSeconds(restarted)).toBeCloseTo(3.5, 9);
    expect(cpuSeconds([])).toBe(0);
  });

  it('summarises per phase window', () => {
    const s = Array.from({ length: 20 }, (_, i) => ({ atMs: i * 1000, cpuPercent: i < 10 ? 10 : 50, rssBytes: MIB }));
    const [a, b, c] = summarizeResourceByPhase(s, [
      { name: 'warm', startMs: 0, endMs: 10_000 },
      { name: 'hot', startMs: 10_000, endMs: 20_000 },
      { name: 'none', startMs: 30_000, endMs: 40_000 },
    ]);
    expect(a?.usage?.cpuPercent.max).toBe(10);
    expect(b?.usage?.cpuPercent.mean).toBe(50);
    expect(c?.usage).toBeNull();
  });

  it('warns when the harness is saturated for more than 5 % of the run', () => {
    const s = (hot: number) => Array.from({ length: 100 }, (_, i) => ({ atMs: i * 1000, cpuPercent: i < hot ? 95 : 40, rssBytes: MIB }));
    expect(harnessSaturationWarning(s(5))).toBeNull();
    expect(harnessSaturationWarning(s(6))).toMatch(/more than 90 % CPU during 6 %/);
  });
});
