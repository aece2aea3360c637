import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { analyzeLeak } from '../../../harness/analysis/leak-verdict.ts';
import { startResourceSampler } from '../../../harness/metrics/resource-sampler.ts';
import type { ResourceSample } from '../../../harness/contract/timeline-types.ts';
import { monotonicClock } from '../../../harness/core/clock.ts';
import { tsxImportArgs } from '../../../harness/core/process/tsx-loader.ts';

const SCRIPT = fileURLToPath(new URL('./fixtures/memory-pattern.ts', import.meta.url));

async function start(mode: 'grow' | 'sawtooth', mbPerMin: number): Promise<ChildProcess> {
  // A fixed mmap threshold: glibc otherwise raises it after the first 4 MB free, later buffers come
  // from the heap and are not returned on free, and the saw-tooth's troughs step up (a flaky `suspect`).
  const env = { ...process.env, MALLOC_MMAP_THRESHOLD_: String(128 * 1024) };
  // No memory reducer: V8 runs it once the isolate idles (about 8 s and 16 s in), shrinking its heap by
  // 4–6 MB. The growing child then has a quarter whose minimum is below the one before (measured: 1 of
  // 3 runs; `suspect`, a flaky failure), while its only growth is meant to be the 20 MB/min it keeps.
  const child = spawn(process.execPath, ['--expose-gc', '--no-memory-reducer', ...tsxImportArgs(), SCRIPT, mode, String(mbPerMin)], { stdio: ['ignore', 'pipe', 'inherit'], env });
  await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
  return child;
}

/**
 * Real processes sampled by the real sampler (pidusage on the pid). Time is compressed 12× (minima
 * per 5 s instead of per minute) so the test takes ~40 s, alone: beside another test file (tried in
 * the reliability-paired project, 2026-12-04) the growing process's quarter minima did not rise
 * steadily and the verdict was `suspect`; the rule is docs/leak-verdicts.md's, with
 * its 64 MiB/24 h floor compressed alike: unscaled, a flat process's page-level RSS wobble over
 * 36 s extrapolates past it (116 MiB/24 h seen on CI), while 20 MB/min is still 36× the scaled floor.
 */
const COMPRESSION = 60_000 / 5_000;
describe('leak verdict on real processes', () => {
  it('a process growing 20 MB/min is a leak; one that saw-tooths flat is not', async () => {
    const grow = await start('grow', 20);
    const flat = await start('sawtooth', 0);
    const clock = monotonicClock();
    const samples: Record<'grow' | 'flat', ResourceSample[]> = { grow: [], flat: [] };
    const samplers = [
      startResourceSampler({ clock, intervalMs: 500, targetPid: () => grow.pid ?? null, onSample: (s) => samples.grow.push(s) }),
      startResourceSampler({ clock, intervalMs: 500, targetPid: () => flat.pid ?? null, onSample: (s) => samples.flat.push(s) }),
    ];
    try {
      await Promise.all(samplers.map((s) => s.ready));
      await sleep(36_000);
    } finally {
      await Promise.all(samplers.map((s) => s.stop()));
      grow.kill('SIGTERM');
      flat.kill('SIGTERM');
    }
    const rss = (list: ResourceSample[]) => list.flatMap((s) => (s.target ? [{ atMs: s.atMs, rssBytes: s.target.rssBytes }] : []));
    const options = { windowMs: 5_000, warmupMs: 3_000, minGrowthBytes: COMPRESSION * 64 * 1024 * 1024 };
    const leak = analyzeLeak(rss(samples.grow), options);
    const none = analyzeLeak(rss(samples.flat), options);
    expect(leak.verdict, leak.reason).toBe('leak');
    expect(leak.slopeBytesPerHour!).toBeGreaterThan(0);
    expect(none.verdict, none.reason).toBe('none');
  }, 90_000);
});
