import { describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { main } from '../../harness/cli/main.ts';
import { runResultSchema } from '../../harness/contract/run-result.ts';
import type { RunResult } from '../../harness/contract/run-result.ts';
import { listenablePort, startTestServer } from '../support/servers/spawn-test-server.ts';
import { captureIo } from '../support/capture-io.ts';
import { useIsolatedLedger } from '../support/isolated-ledger.ts';

/**
 * Two runs at once in one process (library use; the test suites do it): each run's start sweeps the
 * machine ledger for what killed runs left, and an entry owned by this very process used to count as
 * a leftover, so the second run's start rolled back the first run's active fault (its `remove`
 * command ran) and killed the embedded Toxiproxy it had just started. Both must run untouched.
 */
const tmp = useIsolatedLedger('stresslab-concurrent-');

async function run(file: string): Promise<{ code: number; result: RunResult; log: string }> {
  const io = captureIo(tmp.dir);
  const code = await main(['run', file, '--reports-dir', path.join(tmp.dir, 'reports'), '--no-baseline'], io);
  const runDir = /results: (\S+?)\/? \(/.exec(io.stdout())?.[1];
  if (runDir === undefined) throw new Error(`no results line:\n${io.stdout()}\n${io.stderr()}`);
  const result = runResultSchema.parse(JSON.parse(await fs.readFile(path.resolve(tmp.dir, runDir, 'result.json'), 'utf8')));
  return { code, result, log: io.stdout() + io.stderr() };
}

describe('two runs in one process', () => {
  it("the second run's start leaves the first run's fault and embedded Toxiproxy alone", async () => {
    const server = await startTestServer({ kind: 'fast' });
    try {
      const marker = path.join(tmp.dir, 'first-fault-active');
      const load = (seconds: number) => [{ executor: 'constant-arrival-rate', rate: 20, duration: `${seconds}s`, preAllocatedVUs: 5, maxVUs: 20, gracefulStop: '1s' }];
      const first = path.join(tmp.dir, 'first.json');
      const proxyPort = await listenablePort();
      await fs.writeFile(first, JSON.stringify({
        name: 'first',
        description: 'the run already under way',
        // Through the embedded Toxiproxy, which this run starts and records in the machine ledger.
        target: { url: `http://127.0.0.1:${proxyPort}`, health: '/health', timeout: '2s' },
        proxies: [{ name: 'api', listen: `127.0.0.1:${proxyPort}`, upstream: `127.0.0.1:${server.port}` }],
        requests: [{ name: 'work', method: 'GET', path: '/work' }],
        load: load(16),
        faults: [{ kind: 'exec', name: 'marker', at: '10s', duration: '4s', inject: `touch ${marker}`, remove: `rm -f ${marker}`, expectEffect: false }],
      }));
      const second = path.join(tmp.dir, 'second.json');
      await fs.writeFile(second, JSON.stringify({
        name: 'second',
        description: 'a run started while the first is on',
        target: { url: server.url, health: '/health', timeout: '2s' },
        requests: [{ name: 'work', method: 'GET', path: '/work' }],
        load: load(2),
      }));

      const firstRun = run(first);
      const deadline = Date.now() + 30_000;
      while (!existsSync(marker) && Date.now() < deadline) await sleep(50);
      expect(existsSync(marker), 'the first run injected its fault').toBe(true);
      const secondRun = await run(second);
      expect(secondRun.code, secondRun.log).toBe(0);
      // The first run's fault is still on: the second run's start did not run its `remove`.
      expect(existsSync(marker), 'the first fault survived the second run').toBe(true);
      const firstDone = await firstRun;
      expect(firstDone.code, firstDone.log + JSON.stringify(firstDone.result.reasons)).toBe(0);
      expect(existsSync(marker)).toBe(false);
      // Every request went through the first run's proxy, which stayed up all along.
      expect(firstDone.result.totals.requests).toBeGreaterThan(260);
      expect(firstDone.result.totals.errors, firstDone.log).toBe(0);
      expect(secondRun.log).not.toMatch(/left active by an earlier run|killed earlier run/);
    } finally {
      await server.stop();
    }
  }, 90_000);
});
