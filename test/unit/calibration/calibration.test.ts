import { fork } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCalibrationProbe } from '../../../harness/calibration/calibration-probe.ts';
import { MIN_CALIBRATION_SAMPLES, summarizeCalibration } from '../../../harness/calibration/summarize-calibration.ts';
import { repoRoot } from '../../../harness/core/repo-root.ts';
import { tsxImportArgs } from '../../../harness/core/process/tsx-loader.ts';

describe('summarizeCalibration', () => {
  const samples = Array.from({ length: 100 }, (_, i) => ({ atMs: i * 100, unitCpuUs: i < 50 ? 1000 : 3000 }));

  it('takes the mean unit cost inside the window', () => {
    expect(summarizeCalibration(samples, 0, 10_000)).toEqual({ unitCpuUs: 2000, samples: 100 });
    expect(summarizeCalibration(samples, 5_000, 10_000)).toEqual({ unitCpuUs: 3000, samples: 50 });
  });

  it('follows the share of time in the slow state, which the median hides', () => {
    // A vCPU that flips between 700 µs and 1,100 µs: 30 % and 45 % slow have the same median (700).
    const flipping = (slowShare: number) =>
      Array.from({ length: 200 }, (_, i) => ({ atMs: i * 100, unitCpuUs: i % 20 < slowShare * 20 ? 1100 : 700 }));
    expect(summarizeCalibration(flipping(0.3), 0, 20_000)?.unitCpuUs).toBeCloseTo(820, 6);
    expect(summarizeCalibration(flipping(0.45), 0, 20_000)?.unitCpuUs).toBeCloseTo(880, 6);
  });

  it('drops one-off samples far above the rest', () => {
    const withOneOff = [...samples.slice(0, 50), { atMs: 5_000, unitCpuUs: 50_000 }];
    expect(summarizeCalibration(withOneOff, 0, 10_000)).toEqual({ unitCpuUs: 1000, samples: 50 });
  });

  it('says nothing with too few samples', () => {
    expect(summarizeCalibration(samples, 0, (MIN_CALIBRATION_SAMPLES - 1) * 100)).toBeNull();
    expect(summarizeCalibration([], 0, 10_000)).toBeNull();
  });
});

describe('startCalibrationProbe (a real child process)', () => {
  it('reports unit costs about ten times a second and dies when stopped', async () => {
    let now = 0;
    const probe = startCalibrationProbe(() => now++);
    await probe.ready;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await probe.stop();
    expect(probe.samples.length).toBeGreaterThanOrEqual(5);
    expect(probe.samples.length).toBeLessThanOrEqual(20);
    for (const s of probe.samples) expect(s.unitCpuUs).toBeGreaterThan(0);
    const count = probe.samples.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(probe.samples.length).toBe(count);
  }, 20_000);
});

describe('tsxImportArgs()', () => {
  it('starts a TypeScript child from a working directory without tsx (a user\'s project)', async () => {
    const cwd = await fs.mkdtemp(path.join(os.tmpdir(), 'stresslab-no-tsx-'));
    try {
      const child = fork(path.join(repoRoot, 'harness', 'calibration', 'probe-main.ts'), [], { cwd, execArgv: [...tsxImportArgs()], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
      const first = await new Promise<unknown>((resolve, reject) => {
        child.once('message', resolve);
        child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
      });
      child.kill('SIGTERM');
      expect(first).toEqual({ event: 'ready' });
      // The bare specifier is what failed before: it resolves from the cwd.
      expect(tsxImportArgs()[1]).toMatch(/^file:\/\/.*\/tsx\/dist\/loader\.mjs$/);
    } finally {
      await fs.rm(cwd, { recursive: true, force: true });
    }
  }, 20_000);
});
