import fs from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { loadPlan } from '../../../harness/plan/load-plan.ts';
import { runScenario } from '../../../harness/run/run-scenario.ts';
import type { RunObserver } from '../../../harness/run/run-observer.ts';
import { startTestServer } from '../../support/servers/spawn-test-server.ts';
import { useIsolatedLedger } from '../../support/isolated-ledger.ts';

/**
 * The library API: a scenario run without the CLI. The runner loads nothing and prints nothing; what
 * happens reaches the caller through its RunObserver, in order, on the run clock.
 */
const tmp = useIsolatedLedger('stresslab-observer-');

describe('runScenario with a RunObserver', () => {
  it('reports start, every second, phases, the fault and the end, and writes nothing to the terminal', async () => {
    const server = await startTestServer({ kind: 'fast' });
    const stdout = vi.spyOn(process.stdout, 'write');
    const stderr = vi.spyOn(process.stderr, 'write');
    try {
      const marker = path.join(tmp.dir, 'observer-marker');
      const file = path.join(tmp.dir, 'observed.json');
      await fs.writeFile(
        file,
        JSON.stringify({
          name: 'observed',
          description: 'a library run',
          target: { url: server.url, health: '/health', timeout: '2s' },
          requests: [{ name: 'work', method: 'GET', path: '/work' }],
          load: [{ name: 'steady', executor: 'constant-arrival-rate', rate: 40, duration: '4s', preAllocatedVUs: 5, gracefulStop: '1s' }],
          faults: [{ kind: 'exec', name: 'marker', at: '1s', duration: '1s', inject: `touch ${marker}`, remove: `rm -f ${marker}` }],
        }),
      );
      const { loaded, plan } = await loadPlan(file, { cwd: tmp.dir, seed: 7 });
      const seen: string[] = [];
      const seconds: number[] = [];
      const observer: RunObserver = {
        onStart: (e) => seen.push(`start ${e.plan.seed} ${e.plan.phases.length}`),
        onSecond: (e) => seconds.push(e.second.t),
        onPhase: (e) => seen.push(`${e.event} ${e.name}`),
        onFault: (e) => seen.push(`${e.event} ${e.name}`),
        onEnd: (e) => seen.push(`end ${e.abortReason}`),
        onStep: (e) => seen.push(`${e.step} ${e.status}`),
      };
      const { result, runDir } = await runScenario({
        loaded, plan, observer, cwd: tmp.dir, outDir: path.join(tmp.dir, 'reports'), envName: 'test', signal: new AbortController().signal, history: false,
      });
      // A fault at 1 s leaves no steady state to judge recovery by; the verdict says so, the run is complete.
      expect(result.reasons.join('\n')).toMatch(/steady state/);
      expect(result.seed).toBe(7);
      // Setup steps as they happen, before the load; teardown steps after it.
      expect(seen).toEqual([
        'cleanup begin', 'cleanup done', 'healthy begin', 'healthy done', 'calibration begin', 'calibration done',
        'start 7 1', 'phase-start steady', 'fault-inject marker#1', 'fault-remove marker#1', 'phase-end steady', 'end null',
        'reports begin', 'reports done', 'stop-target begin', 'stop-target done',
      ]);
      // One call per closed second, in order, covering the 4 s of load.
      expect(seconds.length).toBeGreaterThanOrEqual(4);
      expect(seconds).toEqual(seconds.map((_, i) => i));
      expect(existsSync(marker)).toBe(false);
      expect(existsSync(path.join(runDir, 'record.json'))).toBe(true);
      expect(stdout).not.toHaveBeenCalled();
      expect(stderr).not.toHaveBeenCalled();
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
      await server.stop();
    }
  }, 60_000);
});
