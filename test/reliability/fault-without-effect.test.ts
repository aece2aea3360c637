import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../harness/cli/main.ts';
import { runResultSchema } from '../../harness/contract/run-result.ts';
import type { RunResult } from '../../harness/contract/run-result.ts';
import { captureIo } from '../support/capture-io.ts';
import { useIsolatedLedger } from '../support/isolated-ledger.ts';
import { closedPort, startTestServer } from '../support/servers/spawn-test-server.ts';
import type { TestServer } from '../support/servers/spawn-test-server.ts';

/**
 * Faults proven to bite (issue 14, part 5), through whole `stresslab run`s: a test server behind two
 * declared proxies of the embedded Toxiproxy, the load through `front`, nobody through `spare`. A
 * latency toxic on `spare` (a misnamed proxy, a toxic on an unused path) used to read as "recovered
 * in 0 s"; now its effect is `none` and the run is inconclusive (exit 1), unless the fault says
 * `expectEffect: false`. The same toxic on `front`, at the same time, is observed through the
 * proxy's counters: the spare fault's window does show the front toxic's latency, and its own
 * counters (nothing went through it) still decide.
 */
const tmp = useIsolatedLedger('stresslab-effect-');
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ kind: 'fast' });
});
afterAll(async () => {
  await server?.stop();
});

async function scenario(name: string, loadSec: number, faults: Record<string, unknown>[]): Promise<string> {
  const [front, spare] = [await closedPort(), await closedPort()];
  const upstream = `127.0.0.1:${server.port}`;
  const file = path.join(tmp.dir, `${name}.json`);
  await fs.writeFile(file, JSON.stringify({
    name,
    description: 'a latency toxic on a declared proxy the load does not use',
    target: { url: `http://127.0.0.1:${front}`, health: '/', timeout: '2s' },
    requests: [{ name: 'root', method: 'GET', path: '/' }],
    // 20 req/s: light on a shared 2-core machine, enough for a steady state of 5 s.
    load: [{ executor: 'constant-arrival-rate', rate: 20, duration: `${loadSec}s`, preAllocatedVUs: 5, maxVUs: 20, gracefulStop: '1s' }],
    proxies: [{ name: 'front', listen: `127.0.0.1:${front}`, upstream }, { name: 'spare', listen: `127.0.0.1:${spare}`, upstream }],
    faults,
  }));
  return file;
}

async function run(file: string): Promise<{ code: number; result: RunResult; out: string; runDir: string }> {
  const io = captureIo(tmp.dir);
  const code = await main(['run', file, '--reports-dir', path.join(tmp.dir, 'reports'), '--no-baseline', '--seed', '3'], io);
  const dir = /results: (\S+?)\/? \(/.exec(io.stdout())?.[1];
  expect(dir, io.stdout() + io.stderr()).toBeDefined();
  const runDir = path.resolve(tmp.dir, dir!);
  return { code, result: runResultSchema.parse(JSON.parse(await fs.readFile(path.join(runDir, 'result.json'), 'utf8'))), out: io.stdout(), runDir };
}

// The first fault at 10 s leaves a steady state of 5 s after the 3 s warm-up (docs/recovery.md).
const spareLatency = { kind: 'net-latency', name: 'spare-latency', proxy: 'spare', latencyMs: 300, at: '10s', duration: '2s' };

describe('a fault on a proxy that carries no traffic', () => {
  it('has effect "none" and makes the run inconclusive (exit 1); the same toxic on the used proxy is observed', async () => {
    const file = await scenario('effect-none', 20, [spareLatency, { kind: 'net-latency', name: 'front-latency', proxy: 'front', latencyMs: 100, at: '10s', duration: '2s' }]);
    const { code, result, out, runDir } = await run(file);
    const spare = result.faults.find((f) => f.name === 'spare-latency#1');
    const front = result.faults.find((f) => f.name === 'front-latency#1');
    expect(spare).toMatchObject({ effect: 'none', expectEffect: true, evidence: { decidedBy: 'proxy', observation: { source: 'proxy', proxy: 'spare', mode: 'toxic' } } });
    expect(spare?.evidence?.observation).toMatchObject({ counters: { connectionsAccepted: 0, bytesUpstream: 0, bytesDownstream: 0, affectedConnections: 0, affectedBytes: 0 } });
    expect(front).toMatchObject({ effect: 'observed', evidence: { decidedBy: 'proxy' } });
    const counters = front?.evidence?.observation?.source === 'proxy' ? front.evidence.observation.counters : null;
    // ~40 requests in the 2 s window, each answer through the downstream toxic.
    expect(counters?.affectedConnections).toBeGreaterThan(0);
    expect(counters?.affectedBytes).toBeGreaterThan(1000);
    expect(front?.evidence?.traffic?.shifted).toContain('latency');
    expect(result.verdict, result.reasons.join('; ')).toBe('inconclusive');
    expect(result.reasons).toEqual([expect.stringMatching(/^fault spare-latency#1 \(net-latency\) had no observable effect: proxy spare: nothing went through the toxic/)]);
    expect(code).toBe(1);
    expect(out).toMatch(/spare-latency#1 .* NONE/);
    expect(await fs.readFile(path.join(runDir, 'report.md'), 'utf8')).toMatch(/\| spare-latency#1 \| .* \| ❔ \*\*none\*\* \|/);
    // eslint-disable-next-line no-console
    console.log(`front-latency#1 counters: ${JSON.stringify(counters)}; requests in its window: ${front?.evidence?.traffic?.requests}`);
  }, 90_000);

  it('with expectEffect: false is still reported as none, and the run passes', async () => {
    const file = await scenario('effect-not-expected', 14, [{ ...spareLatency, expectEffect: false }]);
    const { code, result } = await run(file);
    expect(result.faults[0]).toMatchObject({ name: 'spare-latency#1', effect: 'none', expectEffect: false, recovered: true });
    expect(result.verdict, result.reasons.join('; ')).toBe('pass');
    expect(code).toBe(0);
  }, 90_000);
});
