import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../harness/cli/main.ts';
import { runResultSchema } from '../../harness/contract/run-result.ts';
import type { RunResult } from '../../harness/contract/run-result.ts';
import { freePort } from '../../harness/run/free-port.ts';
import { captureIo } from '../support/capture-io.ts';
import { useIsolatedLedger } from '../support/isolated-ledger.ts';

/**
 * `stresslab ab` end to end against services with a known latency: the fixture service answers
 * GET /slow after DELAY_MS. Build A waits 20 ms, build B 26 ms (≈ +27 % once the fixed costs are
 * added): started by their own start commands, alternately AB, BA, AB. And two identical services as
 * blue/green URLs, which must not be told apart.
 */
const SERVICE = fileURLToPath(new URL('../fixtures/target-start/service.mjs', import.meta.url));
const tmp = useIsolatedLedger('stresslab-ab-');
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.pid !== undefined) process.kill(c.pid, 'SIGKILL');
});

async function scenarioFile(name: string, url: string, withStart: boolean): Promise<string> {
  const file = path.join(tmp.dir, `${name}.json`);
  await fs.writeFile(file, JSON.stringify({
    name,
    description: 'a service with a known latency per build',
    target: { url, health: '/health', ...(withStart ? { start: { command: ['node', SERVICE], env: { PORT: '{{port}}' } } } : {}) },
    requests: [{ name: 'slow', method: 'GET', path: '/slow' }],
    // 40 req/s for 3 s: 120 requests a run, enough for p50 (40), light for a shared 2-core machine.
    load: [{ executor: 'constant-arrival-rate', rate: 40, duration: '3s', preAllocatedVUs: 5, maxVUs: 20 }],
  }));
  return file;
}

async function ab(args: string[]): Promise<{ code: number; out: string; err: string; runDir: string | null }> {
  const io = captureIo(tmp.dir);
  const code = await main(['ab', ...args, '--reports-dir', path.join(tmp.dir, 'reports'), '--seed', '11'], io);
  const dir = /results: (\S+?)\/? \(/.exec(io.stdout())?.[1];
  return { code, out: io.stdout(), err: io.stderr(), runDir: dir === undefined ? null : path.resolve(tmp.dir, dir) };
}

async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await fs.readFile(file, 'utf8')) as T;
}

describe('stresslab ab', () => {
  it('flags build B, 6 ms slower per request, from 3 alternating pairs of runs started by their own commands, and says what it could see', async () => {
    const file = await scenarioFile('ab-ratio', 'http://127.0.0.1:{{port}}', true);
    const start = `node ${SERVICE}`;
    const r = await ab([file, '--a-start', start, '--b-start', start, '--a-env', 'DELAY_MS=20', '--b-env', 'DELAY_MS=26', '--pairs', '3']);
    expect(r.runDir, r.out + r.err).not.toBeNull();
    expect(r.out).toMatch(/run 1 of 6: pair 1, build A .*DELAY_MS=20/);
    expect(r.out).toMatch(/run 3 of 6: pair 2, build B .*DELAY_MS=26/);
    const result = runResultSchema.parse(await readJson<RunResult>(path.join(r.runDir!, 'result.json')));
    type Ref = { runDir: string; calibrationUs: number | null; generatorSaturated: boolean };
    const summary = await readJson<{ pairs: Array<{ order: string; a: Ref; b: Ref }>; design: { stoppedBecause: string } }>(path.join(r.runDir!, 'ab.json'));
    const p50 = result.regressions.find((x) => x.metric === 'p50Ms');
    expect(p50, JSON.stringify(result.regressions)).toBeDefined();
    // A pair whose generator saturated (a machine that stalls for 5 ms) brings no latency; with fewer
    // than 2 clean pairs p50 is no-data, and the result says which pairs were left out.
    const clean = summary.pairs.filter((p) => !p.a.generatorSaturated && !p.b.generatorSaturated).length;
    if (clean < 2) {
      expect(p50!.verdict).toBe('no-data');
      expect(result.warnings.join('\n')).toMatch(/A\/B: the load generator saturated in pair\(s\) /);
      return;
    }
    // 26 vs 20 ms of waiting plus the same ~1–2 ms of everything else: +23 … +30 % (wider bounds for a loaded machine).
    expect(p50!.changePct).toBeGreaterThan(15);
    expect(p50!.changePct).toBeLessThan(40);
    expect(p50!.verdict).toBe('regression');
    expect(p50!.gated).toBe(true);
    expect(p50!.mdcPct).toBeGreaterThan(0);
    expect(result.verdict).toBe('fail');
    expect(result.reasons.join('\n')).toMatch(/p50Ms regressed/);
    expect(r.code).toBe(1);
    expect(summary.pairs.map((p) => p.order)).toEqual(['AB', 'BA', 'AB']);
    // Each run's machine speed as the run measured it (a started target is on this machine).
    const calibrations: Array<number | null> = [];
    for (const p of summary.pairs) {
      for (const x of [p.a, p.b]) {
        const measured = (await readJson<RunResult>(path.join(x.runDir, 'result.json'))).environment.calibration?.unitCpuUs ?? null;
        expect(x.calibrationUs).toBe(measured);
        calibrations.push(measured);
      }
    }
    expect(calibrations.some((c) => c !== null && c > 0)).toBe(true);
    expect(summary.design.stoppedBecause).toBe('fixed');
    // Every run has its own directory; both runs of a pair used the same seed (the same request sequence).
    for (const p of summary.pairs) {
      const [a, b] = await Promise.all([readJson<RunResult>(path.join(p.a.runDir, 'result.json')), readJson<RunResult>(path.join(p.b.runDir, 'result.json'))]);
      expect(a.seed).toBe(b.seed);
      expect(a.totals.requests).toBe(120);
    }
    expect(path.resolve(summary.pairs[2]!.b.runDir)).toBe(r.runDir);
    const md = await fs.readFile(path.join(r.runDir!, 'report.md'), 'utf8');
    // Gated, failing the run; its detectable change is in the folded details.
    expect(md).toMatch(/\| p50 latency \| gated \|.*\| ❌ \*\*regression \(fails the run\)\*\* \|/);
    expect(md).toMatch(/\| p50 latency \| \[[^\]]+\] \| \d+(\.\d)? % \|/);
    expect(md).toContain('A/B: build A');
    const junit = await fs.readFile(path.join(r.runDir!, 'junit.xml'), 'utf8');
    expect(junit).toMatch(/name="p50 latency \(p50Ms\)"[^>]*>\s*<failure/);
    expect(junit).toContain('detectable change');
  }, 120_000);

  it('does not tell two identical services apart (blue/green URLs, 2 pairs): exit 0', async () => {
    const ports = [await freePort(), await freePort()];
    for (const port of ports) {
      const child = spawn(process.execPath, [SERVICE], { env: { ...process.env, PORT: String(port), DELAY_MS: '15' }, stdio: ['ignore', 'pipe', 'ignore'] });
      children.push(child);
      await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
    }
    const file = await scenarioFile('ab-same', `http://127.0.0.1:${ports[0]}`, false);
    const r = await ab([file, '--a-url', `http://127.0.0.1:${ports[0]}`, '--b-url', `http://127.0.0.1:${ports[1]}`, '--pairs', '2']);
    expect(r.runDir, r.out + r.err).not.toBeNull();
    const result = runResultSchema.parse(await readJson<RunResult>(path.join(r.runDir!, 'result.json')));
    const p50 = result.regressions.find((x) => x.metric === 'p50Ms');
    expect(p50, JSON.stringify(result.regressions)).toBeDefined();
    expect(p50!.verdict).not.toBe('regression');
    expect(result.regressions.some((x) => x.verdict === 'regression' && x.gated)).toBe(false);
    // As above: a pair whose generator saturated (a stalled machine) brings no latency, and with one
    // clean pair of two, p50 is no-data, said so; otherwise the two services measure the same.
    const summary = await readJson<{ pairs: Array<{ a: { generatorSaturated: boolean }; b: { generatorSaturated: boolean } }> }>(path.join(r.runDir!, 'ab.json'));
    const clean = summary.pairs.filter((p) => !p.a.generatorSaturated && !p.b.generatorSaturated).length;
    if (clean < 2) {
      expect(p50!.verdict).toBe('no-data');
      expect(result.warnings.join('\n')).toMatch(/A\/B: the load generator saturated in pair\(s\) /);
    } else {
      expect(Math.abs(p50!.changePct ?? 99), JSON.stringify(p50)).toBeLessThan(10);
    }
    expect(r.code, result.reasons.join('\n')).toBe(0);
  }, 90_000);

  it.each([
    [['--b-env', 'X=1', '--a-env', 'X=1'], /build A and build B are the same/],
    [['--b-env', 'X=1', '--pairs', '1'], /--pairs must be an integer from 2 to 50 or "auto"/],
    [['--b-env', 'TARGET_WORK_FACTOR'], /--b-env "TARGET_WORK_FACTOR" is not KEY=VALUE/],
    [['--a-start', 'node server.js', '--b-env', 'X=1'], /--a-start needs the URL its service listens on/],
    [['--a-url', 'http://127.0.0.1:1', '--a-env', 'X=1', '--b-env', 'X=2'], /--a-env sets the environment of a process stresslab starts/],
    [['--b-env', 'X=1', '--pairs', 'auto', '--max-pairs', '2'], /--max-pairs must be an integer from 3 to 50/],
  ])('bad flags %j: exit 2 with the flag and a fix, nothing run', async (flags, message) => {
    const io = captureIo(tmp.dir);
    const code = await main(['ab', 'light', '--profile', 'quick', '--reports-dir', path.join(tmp.dir, 'bad-reports'), ...flags], io);
    expect(code).toBe(2);
    expect(io.stderr()).toMatch(message);
    await expect(fs.access(path.join(tmp.dir, 'bad-reports', 'light'))).rejects.toThrow();
  });
});
