import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../../harness/cli/main.ts';
import { runResultSchema } from '../../../harness/contract/run-result.ts';
import type { RunResult } from '../../../harness/contract/run-result.ts';
import { closedPort, startTestServer } from '../../support/servers/spawn-test-server.ts';
import type { TestServer } from '../../support/servers/spawn-test-server.ts';
import { captureIo } from '../../support/capture-io.ts';

let dir: string;
let fast: TestServer;

function scenario(url: string, thresholds: Record<string, string[]>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    name: 'cli-test',
    description: 'CLI test scenario',
    target: { url, health: '/', timeout: '2s' },
    requests: [{ name: 'root', method: 'GET', path: '/' }],
    load: [{ executor: 'constant-arrival-rate', rate: 50, duration: '3s', preAllocatedVUs: 10, maxVUs: 20, gracefulStop: '1s' }],
    thresholds,
    ...extra,
  });
}

async function run(file: string, ...flags: string[]): Promise<{ code: number; out: string; err: string; result: RunResult | null }> {
  const io = captureIo(dir);
  const code = await main(['run', file, '--reports-dir', path.join(dir, 'reports'), '--no-baseline', ...flags], io);
  const m = /results: (\S+?)\/? \(/.exec(io.stdout());
  let result: RunResult | null = null;
  if (m?.[1]) result = runResultSchema.parse(JSON.parse(await fs.readFile(path.resolve(dir, m[1], 'result.json'), 'utf8')));
  return { code, out: io.stdout(), err: io.stderr(), result };
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'stresslab-cli-'));
  fast = await startTestServer({ kind: 'fast' });
});
afterAll(async () => {
  await fast.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('stresslab run', () => {
  it('exits 0 when every threshold passes and writes a valid result with its reports', async () => {
    const file = path.join(dir, 'pass.json');
    await fs.writeFile(file, scenario(fast.url, { http_req_duration: ['p(95)<1000'], http_req_failed: ['rate<0.01'], http_reqs: ['count>100'] }));
    const r = await run(file, '--seed', '7');
    expect(r.code, r.err).toBe(0);
    expect(r.result?.verdict).toBe('pass');
    expect(r.result?.seed).toBe(7);
    expect(r.result?.totals.requests).toBeGreaterThanOrEqual(140);
    expect(r.result?.thresholds.every((t) => t.pass)).toBe(true);
    const runDir = path.dirname(path.resolve(dir, /results: (\S+?)\/? \(/.exec(r.out)![1]!, 'x'));
    for (const f of ['timeline.jsonl', 'report.md', 'report.html', 'junit.xml']) await expect(fs.stat(path.join(runDir, f))).resolves.toBeTruthy();
    expect(r.out).toMatch(/root\s+\d+/);
  });

  it('exits 1 and names the threshold when one fails', async () => {
    const file = path.join(dir, 'fail.json');
    await fs.writeFile(file, scenario(fast.url, { http_req_duration: ['p(95)<0.001'], http_req_failed: ['rate<0.01'] }));
    const r = await run(file);
    expect(r.code).toBe(1);
    expect(r.result?.verdict).toBe('fail');
    expect(r.result?.reasons.join('\n')).toContain('p(95)<0.001');
    expect(r.result?.thresholds.find((t) => t.expression === 'rate<0.01')?.pass).toBe(true);
  });

  it('exits 4 with a clear message when the target is down before the run, after target.readyTimeout', async () => {
    const port = await closedPort();
    const file = path.join(dir, 'down.json');
    const down = JSON.parse(scenario(`http://127.0.0.1:${port}`, {})) as { target: Record<string, unknown> };
    down.target.readyTimeout = '1500ms';
    await fs.writeFile(file, JSON.stringify(down));
    const started = Date.now();
    const r = await run(file);
    expect(r.code).toBe(4);
    expect(r.err).toMatch(/not ready.*127\.0\.0\.1/);
    expect(r.err).toContain('ECONNREFUSED');
    // It polled for the 1.5 s asked for (not the 10 s default), and says so.
    expect(r.err).toContain('it had 1500 ms to answer (target.readyTimeout)');
    expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('exits 2 naming the file, the path and a hint for a malformed scenario', async () => {
    const file = path.join(dir, 'bad.json');
    await fs.writeFile(file, scenario(fast.url, {}).replace('"rate":50', '"rate":"fast"'));
    const r = await run(file);
    expect(r.code).toBe(2);
    expect(r.err).toContain('bad.json');
    expect(r.err).toContain('load[0].rate');
    expect(r.err).toMatch(/hint/);
  });

  it('exits 2 for bad flags', async () => {
    const r = await run('light', '--runs', '0');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--runs');
    const many = await run('light', '--runs', 'many');
    expect(many.code).toBe(2);
    expect(many.err).toMatch(/--runs must be an integer from 1 to 100 or "auto", got "many"/);
  });

  it('--runs auto runs again while a gated metric is undecided, stops when all are, and needs a baseline', async () => {
    const file = path.join(dir, 'auto.json');
    await fs.writeFile(file, scenario(fast.url, {}));
    const io = captureIo(dir);
    const noBaseline = await main(['run', file, '--reports-dir', path.join(dir, 'reports'), '--env', 'auto', '--runs', 'auto'], io);
    expect(noBaseline).toBe(2);
    expect(io.stderr()).toMatch(/--runs auto adds runs until the regression gate decides, but there is no baseline/);
    const rec = captureIo(dir);
    expect(await main(['baseline', 'record', file, '--runs', '2', '--env', 'auto', '--reports-dir', path.join(dir, 'reports'), '--quiet'], rec), rec.stderr()).toBe(0);
    // --quiet: no progress, no live view, no per-run summary; only the file written.
    expect(rec.stdout()).toBe(`wrote ${path.join('baselines', 'auto', 'cli-test.json')} (2 runs)\n`);
    const auto = async (tolerance: string): Promise<{ out: string; result: RunResult }> => {
      const cli = captureIo(dir);
      const code = await main(['run', file, '--reports-dir', path.join(dir, 'reports'), '--env', 'auto', '--runs', 'auto', '--max-runs', '2', '--tolerance', tolerance], cli);
      expect(code, cli.stderr()).toBe(0);
      const m = /results: (\S+?)\/? \(/.exec(cli.stdout());
      return { out: cli.stdout(), result: runResultSchema.parse(JSON.parse(await fs.readFile(path.resolve(dir, m![1]!, 'result.json'), 'utf8'))) };
    };
    // Two baseline runs leave a latency interval on 1 degree of freedom wide open (±100 % and more), so
    // for the first case the baseline's latency is made noiseless: a candidate within 100 % of it (or
    // without latency, should its generator saturate) decides every metric at the first look.
    const baselineFile = path.join(dir, 'baselines', 'auto', 'cli-test.json');
    const baseline = JSON.parse(await fs.readFile(baselineFile, 'utf8')) as { runs: Array<{ metrics: Record<string, number | null> }> };
    for (const r of baseline.runs) for (const k of ['p50Ms', 'p50Ms{request:root}']) r.metrics[k] = 1.2;
    await fs.writeFile(baselineFile, JSON.stringify(baseline));
    const loose = await auto('100');
    expect(loose.out).toContain('run 1 (at most 2)');
    expect(loose.out).not.toContain('run 2 (at most 2)');
    expect(loose.result.warnings.join('\n')).toMatch(/--runs auto: look 1 of at most 2; each look's interval is at 95\.0 %/);
    // A baseline whose two runs had 0 % and 5 % errors: an error-free candidate cannot tell whether it
    // is more than 0.1 points worse after one run or two (nothing here depends on the machine's speed).
    baseline.runs.forEach((r, i) => {
      r.metrics['errorRate'] = i === 0 ? 0 : 0.05;
      r.metrics['errorRate{request:root}'] = i === 0 ? 0 : 0.05;
    });
    await fs.writeFile(baselineFile, JSON.stringify(baseline));
    const noisy = await auto('100');
    expect(noisy.out).toMatch(/undecided after 1 run\(s\): errorRate/);
    expect(noisy.out).toContain('run 2 (at most 2)');
    expect(noisy.result.warnings.join('\n')).toMatch(/--runs auto: look 2 of at most 2/);
  });
});

describe('errors from the target are counted by kind', () => {
  for (const [kind, expected] of [
    ['reset', 'reset'],
    ['garbage', 'other'],
  ] as const) {
    it(`a server that answers with ${kind}`, async () => {
      const server = await startTestServer({ kind });
      try {
        const file = path.join(dir, `${kind}.json`);
        // The health check must pass for the run to start: point it at the stats endpoint the test server always answers.
        await fs.writeFile(file, scenario(server.url, { http_req_failed: ['rate<0.5'] }, {}).replace('"health":"/"', '"health":"/__stats"'));
        const r = await run(file);
        expect(r.code).toBe(1);
        const kinds = r.result!.totals.errorKinds;
        expect(r.result!.totals.errors).toBeGreaterThan(100);
        expect(kinds[expected]).toBe(r.result!.totals.errors);
      } finally {
        await server.stop();
      }
    });
  }
});

describe('drill safety and --dry-run', () => {
  it('--dry-run prints the plan and what would be touched, and sends nothing', async () => {
    const before = await fast.received();
    const io = captureIo(dir);
    const code = await main(['run', 'chaos-db', '--profile', 'quick', '--dry-run'], io);
    expect(code).toBe(0);
    expect(io.stdout()).toMatch(/Load phases/);
    expect(io.stdout()).toMatch(/What this run would touch/);
    expect(io.stdout()).toMatch(/db-down#1/);
    expect(await fast.received()).toBe(before);
  });

  it('--dry-run prints the seed the run would use: the one given, else a fresh random one (never a placeholder)', async () => {
    const seedOf = async (...extra: string[]): Promise<number> => {
      const io = captureIo(dir);
      expect(await main(['run', 'light', '--profile', 'quick', '--dry-run', ...extra], io)).toBe(0);
      return Number(/, seed (\d+)/.exec(io.stdout())?.[1]);
    };
    expect(await seedOf('--seed', '42')).toBe(42);
    const drawn = [await seedOf(), await seedOf(), await seedOf()];
    expect(new Set(drawn).size).toBeGreaterThan(1);
  });

  it('refuses a non-loopback target that is not allowed (exit 2), before sending anything', async () => {
    const io = captureIo(dir);
    const code = await main(['run', 'light', '--target', 'http://staging.invalid:8080', '--no-baseline'], io);
    expect(code).toBe(2);
    expect(io.stderr()).toMatch(/--allow-target staging\.invalid/);
  });

  it('an allowed non-loopback target still needs a confirmation: without a terminal and without --yes it refuses', async () => {
    const io = captureIo(dir);
    const code = await main(['run', 'light', '--target', 'http://staging.invalid:8080', '--allow-target', 'staging.invalid', '--no-baseline'], io);
    expect(code).toBe(2);
    expect(io.stderr()).toMatch(/--yes/);
  });
});

describe('secrets', () => {
  it('never prints the password of a target URL', async () => {
    const port = await closedPort();
    const file = path.join(dir, 'secret.json');
    const secret = JSON.parse(scenario(`http://admin:hunter2secret@127.0.0.1:${port}`, {})) as { target: Record<string, unknown> };
    secret.target.readyTimeout = '1s';
    await fs.writeFile(file, JSON.stringify(secret));
    const io = captureIo(dir);
    const code = await main(['run', file, '--no-baseline'], io);
    expect(code).toBe(4);
    expect(io.stderr()).toContain('127.0.0.1');
    expect(io.stderr() + io.stdout()).not.toContain('hunter2secret');
  }, 40_000);
});
