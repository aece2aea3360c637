import { describe, expect, it } from 'vitest';
import { createRng } from '../../../harness/core/seeded-rng.ts';
import type { Chunk, StageEnv, StopReason, ToxicStage } from '../../../harness/toxiproxy/toxic-stage.ts';
import { createToxicStage } from '../../../harness/toxiproxy/toxics/index.ts';
import type { ToxicType } from '../../../harness/toxiproxy/toxics/index.ts';
import { slicePoints } from '../../../harness/toxiproxy/toxics/slicer.ts';

/** A virtual-time env: sleeps advance the clock instantly; closes and resets are recorded. */
function fakeEnv() {
  const log: string[] = [];
  let now = 1000;
  let interrupted = false;
  const env: StageEnv = {
    nowMs: () => now,
    random: createRng(5),
    sleep: async (ms) => {
      if (interrupted) return true;
      log.push(`sleep ${Math.round(ms)}`);
      if (Number.isFinite(ms) && ms > 0) now += ms;
      return false;
    },
    closeLink: () => log.push('close'),
    resetLink: () => log.push('reset'),
  };
  return {
    env,
    log,
    advance: (ms: number) => (now += ms),
    interrupt: () => (interrupted = true),
    get now() {
      return now;
    },
  };
}

function run(stage: ToxicStage, chunk: Chunk): Promise<Chunk[]> {
  const out: Chunk[] = [];
  return Promise.resolve(
    stage.onChunk(chunk, async (c) => {
      out.push(c);
    }),
  ).then(() => out);
}

const stage = (type: ToxicType, attributes: Record<string, number>, env: StageEnv, previous?: ToxicStage) =>
  createToxicStage(type, attributes, env, previous);

describe('latency', () => {
  it('holds a chunk until arrival + latency, so queued chunks are not delayed twice', async () => {
    const f = fakeEnv();
    const s = stage('latency', { latency: 100, jitter: 0 }, f.env);
    const out = await run(s, { data: Buffer.from('a'), receivedAtMs: f.now - 30 });
    expect(f.log).toEqual(['sleep 70']);
    expect(out[0]?.receivedAtMs).toBe(f.now);
    await run(s, { data: Buffer.from('b'), receivedAtMs: f.now - 150 });
    expect(f.log).toEqual(['sleep 70']);
  });
});

describe('bandwidth', () => {
  it('sleeps n/rate ms per chunk and splits large chunks into 100 ms slices', async () => {
    const f = fakeEnv();
    const s = stage('bandwidth', { rate: 10 }, f.env);
    const out = await run(s, { data: Buffer.alloc(2500), receivedAtMs: f.now });
    expect(out.map((c) => c.data.length)).toEqual([1000, 1000, 500]);
    expect(f.log).toEqual(['sleep 100', 'sleep 100', 'sleep 50']);
  });

  it('stalls at rate 0 until interrupted, then flushes the chunk', async () => {
    const f = fakeEnv();
    f.interrupt();
    const out = await run(stage('bandwidth', { rate: 0 }, f.env), { data: Buffer.from('held'), receivedAtMs: 0 });
    expect(out.map((c) => c.data.toString())).toEqual(['held']);
  });
});

describe('limit_data', () => {
  it('truncates the crossing chunk exactly, closes, and keeps its count across an update', async () => {
    const f = fakeEnv();
    const first = stage('limit_data', { bytes: 150 }, f.env);
    expect((await run(first, { data: Buffer.alloc(90), receivedAtMs: 0 })).map((c) => c.data.length)).toEqual([90]);
    const updated = stage('limit_data', { bytes: 100 }, f.env, first);
    expect((await run(updated, { data: Buffer.alloc(20), receivedAtMs: 0 })).map((c) => c.data.length)).toEqual([10]);
    expect(f.log).toEqual(['close']);
  });

  it('closes on the first chunk without forwarding when bytes is 0', async () => {
    const f = fakeEnv();
    expect(await run(stage('limit_data', { bytes: 0 }, f.env), { data: Buffer.alloc(5), receivedAtMs: 0 })).toEqual([]);
    expect(f.log).toEqual(['close']);
  });
});

describe('timeout and reset_peer', () => {
  it('timeout drops data and closes the link when removed, not when replaced', async () => {
    const f = fakeEnv();
    const s = stage('timeout', { timeout: 0 }, f.env);
    expect(await run(s, { data: Buffer.from('x'), receivedAtMs: 0 })).toEqual([]);
    const stop = (reason: StopReason) => s.stop?.(reason);
    stop('replaced');
    expect(f.log).toEqual([]);
    stop('removed');
    expect(f.log).toEqual(['close']);
  });

  it('reset_peer drops the first chunk, waits, then resets; EOF counts as the first chunk', async () => {
    const f = fakeEnv();
    expect(await run(stage('reset_peer', { timeout: 40 }, f.env), { data: Buffer.from('x'), receivedAtMs: 0 })).toEqual([]);
    expect(f.log).toEqual(['sleep 40', 'reset']);
    const g = fakeEnv();
    await stage('reset_peer', { timeout: 0 }, g.env).onEnd?.();
    expect(g.log).toEqual(['sleep 0', 'reset']);
  });
});

describe('slicer', () => {
  it('cuts 24 bytes with average 1 and no variation into 24 pieces', () => {
    const points = slicePoints(24, 1, 0, createRng(1));
    expect(points).toEqual(Array.from({ length: 25 }, (_, i) => i));
  });

  it('cuts 480 KB with average 1024 ± 512 into 240..720 increasing pieces', () => {
    const points = slicePoints(480_000, 1024, 512, createRng(2));
    expect(points.length - 1).toBeGreaterThanOrEqual(240);
    expect(points.length - 1).toBeLessThanOrEqual(720);
    for (let i = 1; i < points.length; i++) {
      const size = (points[i] ?? 0) - (points[i - 1] ?? 0);
      expect(size).toBeGreaterThan(0);
      expect(size).toBeLessThanOrEqual(1024 + 512);
    }
    expect(points.at(-1)).toBe(480_000);
  });

  it('clamps sizes where Go would recurse forever or panic', () => {
    expect(slicePoints(5, 0, 0, createRng(3))).toEqual([0, 1, 2, 3, 4, 5]);
    const points = slicePoints(1000, 10, 50, createRng(4));
    for (let i = 1; i < points.length; i++) expect((points[i] ?? 0) > (points[i - 1] ?? 0)).toBe(true);
  });

  it('emits pieces with a pause after each, and the rest in one piece when interrupted', async () => {
    const f = fakeEnv();
    const s = stage('slicer', { average_size: 10, size_variation: 0, delay: 3000 }, f.env);
    const out = await run(s, { data: Buffer.alloc(40), receivedAtMs: 0 });
    expect(out.map((c) => c.data.length)).toEqual([10, 10, 10, 10]);
    expect(f.log).toEqual(['sleep 3', 'sleep 3', 'sleep 3', 'sleep 3']);
    f.interrupt();
    expect((await run(s, { data: Buffer.alloc(40), receivedAtMs: 0 })).map((c) => c.data.length)).toEqual([10, 30]);
  });
});
