import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../harness/cli/main.ts';
import { readResult } from '../../harness/run/read-result.ts';
import { captureIo } from '../support/capture-io.ts';
import { promQuery, usePrometheus } from '../support/prometheus-server.ts';
import { closedPort, startTestServer } from '../support/servers/spawn-test-server.ts';
import type { TestServer } from '../support/servers/spawn-test-server.ts';

/*
 * A whole `stresslab run -o prometheus-rw=… -o openmetrics=…` against a real Prometheus (the
 * Debian package): the series of a real run reach it once the run's result is written. A whole run
 * takes ~8 s, hence here rather than in test/integration (which checks the values on a ground-truth
 * run). Skipped without Prometheus on a developer's machine; fails in CI, which installs it.
 */
const prometheus = usePrometheus('the run -o Prometheus test', 'stresslab-prom-run-');

describe.skipIf(!prometheus.runs)('stresslab run --output', () => {
  it('`run -o` sends a real run whose OK and KO counts add up to its result; a receiver that is down is a warning', async () => {
    const server: TestServer = await startTestServer({ kind: 'fast' });
    try {
      const file = path.join(prometheus.dir, 'rw-run.json');
      await fs.writeFile(file, JSON.stringify({
        name: 'rw-run',
        description: 'remote-write end to end',
        target: { url: server.url, health: '/', timeout: '2s' },
        requests: [{ name: 'root', method: 'GET', path: '/' }],
        load: [{ executor: 'constant-arrival-rate', rate: 40, duration: '2s', preAllocatedVUs: 5, maxVUs: 10, gracefulStop: '1s' }],
      }));
      const io = captureIo(prometheus.dir);
      const om = path.join(prometheus.dir, 'out', 'rw-run.om.txt');
      const code = await main(['run', file, '--reports-dir', path.join(prometheus.dir, 'reports'), '--no-baseline', '--seed', '3', '-o', `prometheus-rw=${prometheus.prom.url}/api/v1/write`, '--output', `openmetrics=${om}`, '-o', `prometheus-rw=http://127.0.0.1:${await closedPort()}/api/v1/write`], io);
      // The receiver that is down is a warning; the run passed, and exits 0.
      expect(code, io.stderr()).toBe(0);
      expect(io.stderr()).toMatch(/warning: output prometheus-rw http:\/\/127\.0\.0\.1:\d+\/api\/v1\/write failed: request 1 of 1: fetch failed.*ECONNREFUSED.*\(the run's verdict and exit code are unchanged\)/);
      expect(io.stdout()).toMatch(/output prometheus-rw: sent \d+ samples/);
      expect(io.stdout()).toContain(`output openmetrics: wrote`);
      expect(readFileSync(om, 'utf8')).toMatch(/\n# EOF\n$/);
      const runDir = path.resolve(prometheus.dir, /results: (\S+?)\/? \(/.exec(io.stdout())?.[1] ?? '');
      const result = await readResult(path.join(runDir, 'result.json'));
      const sum = async (outcome: string): Promise<number> =>
        (await promQuery(prometheus.prom.url, `sum(sum_over_time(stresslab_requests_per_second{run_id="${result.runId}", request="*", outcome="${outcome}"}[5m]))`, Date.now() / 1000)).result[0]?.points[0]?.[1] ?? -1;
      expect(await sum('ok')).toBe(result.totals.requests - result.totals.errors);
      expect(await sum('ko')).toBe(result.totals.errors);
      expect(result.totals.requests).toBeGreaterThanOrEqual(60);
    } finally {
      await server.stop();
    }
  });

});
