import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runResultSchema } from '../../../harness/contract/run-result.ts';
import type { CliIo } from '../../../harness/cli/command.ts';
import { k6Command } from '../../../harness/cli/k6-command.ts';
import type { K6Args } from '../../../harness/cli/k6-command.ts';

const repo = path.resolve(import.meta.dirname, '..', '..', '..');
const fixtures = path.join(repo, 'test', 'fixtures', 'k6');
let dir: string;

function capture(cwd: string): CliIo & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (t) => lines.push(t), err: (t) => lines.push(`ERR ${t}`), isTTY: false, cwd };
}

function args(a: Partial<K6Args> & Pick<K6Args, 'action' | 'inputs'>): K6Args {
  return { out: undefined, parallelism: 1, profile: undefined, scenario: undefined, outJson: undefined, env: 'k6', baseUrl: undefined, ...a };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'stresslab-k6-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('stresslab k6', () => {
  it('export writes the script, ConfigMap, TestRun and note, and prints the faults it left out', async () => {
    const io = capture(repo);
    const out = path.join(dir, 'export');
    const code = await k6Command.run(args({ action: 'export', inputs: ['chaos-db'], out, parallelism: 3, baseUrl: 'http://sut.staging:8080' }), io);
    expect(code).toBe(0);
    expect((await readdir(out)).sort()).toEqual(['README.md', 'bodies.json', 'configmap.yaml', 'k6-summary.d.ts', 'script.ts', 'testrun.yaml']);
    const testRun = parse(await readFile(path.join(out, 'testrun.yaml'), 'utf8')) as { kind: string; spec: { parallelism: number; script: { configMap: { name: string; file: string } }; runner: { env: { name: string; value: string }[] } } };
    const configMap = parse(await readFile(path.join(out, 'configmap.yaml'), 'utf8')) as { metadata: { name: string }; data: Record<string, string> };
    expect(testRun.kind).toBe('TestRun');
    expect(testRun.spec.parallelism).toBe(3);
    expect(testRun.spec.script.configMap).toEqual({ name: configMap.metadata.name, file: 'script.ts' });
    expect(configMap.data['script.ts']).toBe(await readFile(path.join(out, 'script.ts'), 'utf8'));
    // The bodies the script open()s are mounted beside it.
    expect(configMap.data['bodies.json']).toBe(await readFile(path.join(out, 'bodies.json'), 'utf8'));
    expect(testRun.spec.runner.env).toContainEqual({ name: 'BASE_URL', value: 'http://sut.staging:8080' });
    const printed = io.lines.join('\n');
    expect(printed).toMatch(/left out fault db-slow#1 \(db-latency\)/);
    expect(printed).toMatch(/left out fault db-down#2 \(db-down\)/);
    expect(printed).toMatch(/left out threshold mttr_seconds: max<60/);
    expect(printed).toMatch(/abort condition http_req_failed "rate>0.9 for 60s" → k6 threshold "rate<=0.9" with abortOnFail/);
    expect(await readFile(path.join(out, 'README.md'), 'utf8')).toMatch(/db-down#2/);
  });

  it('import of a summary with a failed threshold writes result.json with verdict fail and exits 1', async () => {
    const io = capture(repo);
    const code = await k6Command.run(args({ action: 'import', inputs: [path.join(fixtures, 'summary-export-threshold-failed', 'k6-summary.json')], out: path.join(dir, 'reports') }), io);
    expect(code).toBe(1);
    const [runId] = await readdir(path.join(dir, 'reports', 'k6'));
    const runDir = path.join(dir, 'reports', 'k6', runId ?? '');
    const result = runResultSchema.parse(JSON.parse(await readFile(path.join(runDir, 'result.json'), 'utf8')));
    expect(result).toMatchObject({ source: 'k6', verdict: 'fail' });
    expect(result.totals.requests).toBe(388556);
    expect((await readdir(runDir)).sort()).toEqual(['junit.xml', 'report.html', 'report.md', 'result.json']);
    expect(io.lines.join('\n')).toMatch(/verdict: FAIL/);
  });

  it('import with --scenario reads runner-pod logs, names requests and phases, and turns a failed abort threshold into "aborted"', async () => {
    const data = (id: number, failed: number) => ({
      metrics: {
        http_reqs: { type: 'counter', contains: 'default', values: { count: 100, rate: 10 } },
        http_req_failed: { type: 'rate', contains: 'default', values: { rate: failed / 100, passes: failed, fails: 100 - failed }, thresholds: { 'rate<0.3': { ok: failed < 30 }, 'rate<=0.9': { ok: failed <= 90 } } },
        'http_reqs{request:execute}': { type: 'counter', contains: 'default', values: { count: 40, rate: 4 }, thresholds: { 'count>=0': { ok: true } } },
        'http_req_duration{request:execute}': { type: 'trend', contains: 'time', values: { avg: 10, min: 1, med: 9, max: 90 + id, 'p(90)': 20, 'p(95)': 30, 'p(99)': 50, 'p(99.9)': 80, count: 40 }, thresholds: { 'max>=0': { ok: true } } },
        http_req_duration: { type: 'trend', contains: 'time', values: { avg: 10, min: 1, med: 9, max: 90 + id, 'p(90)': 20, 'p(95)': 30, 'p(99)': 50, 'p(99.9)': 80, count: 100 } },
      },
      state: { testRunDurationMs: 10_000 },
    });
    const files = [];
    for (const [i, failed] of [[1, 95], [2, 93]] as const) {
      const f = path.join(dir, `pod-${i}.log`);
      await writeFile(f, `time="..." level=info msg="k6 output"\nrequests: 100\n-----BEGIN STRESSLAB K6 SUMMARY-----\n${JSON.stringify(data(i, failed))}\n-----END STRESSLAB K6 SUMMARY-----\n`);
      files.push(f);
    }
    const io = capture(repo);
    const code = await k6Command.run(args({ action: 'import', inputs: files, scenario: 'chaos-db', out: path.join(dir, 'reports2') }), io);
    expect(code).toBe(3);
    const [runId] = await readdir(path.join(dir, 'reports2', 'chaos-db'));
    const result = runResultSchema.parse(JSON.parse(await readFile(path.join(dir, 'reports2', 'chaos-db', runId ?? '', 'result.json'), 'utf8')));
    expect(result.verdict).toBe('aborted');
    expect(result.totals).toMatchObject({ requests: 200, errors: 188 });
    expect(result.requests.execute?.requests).toBe(80);
    expect(result.requests.execute?.latencyMs.max).toBe(92);
    expect(result.phases.map((p) => p.name)).toEqual(['steady']);
    // Surfacing thresholds are gone; harness-only ones are named in the warnings.
    expect(result.thresholds.map((t) => `${t.metric} ${t.expression} ${t.pass}`)).toEqual(['http_req_failed rate<0.3 false', 'http_req_failed rate<=0.9 false']);
    expect(result.warnings.join('\n')).toMatch(/not measured by k6, not evaluated: mttr_seconds max<60/);
    // Warnings go to stderr; the checks line and verdict to stdout.
    expect(io.lines.filter((l) => l.startsWith('ERR warning: ')).length).toBe(result.warnings.length);
  });

  it('import keeps the 509 failed checks and refuses a --scenario the input was not made by, naming the one it was', async () => {
    const io = capture(repo);
    const code = await k6Command.run(args({ action: 'import', inputs: [path.join(fixtures, 'handle-summary-data', 'k6-summary.json')], out: path.join(dir, 'reports3') }), io);
    expect(code).toBe(1);
    expect(io.lines).toContain('checks: 2907 passed, 509 failed (85.10 % held); "response time < 10s" 509 failed');
    expect(io.lines).toContainEqual(expect.stringMatching(/^ERR warning: k6 checks failed: 509 of 3416/));

    const names = ['validate-100', 'validate-1k', 'execute', 'status'];
    const metrics = Object.fromEntries([
      ['http_reqs', { type: 'counter', values: { count: 40, rate: 4 } }],
      ['http_reqs{phase:spike}', { type: 'counter', values: { count: 40, rate: 4 } }],
      ...names.map((n) => [`http_reqs{request:${n}}`, { type: 'counter', values: { count: 10, rate: 1 } }]),
    ]);
    // A run of the spike preset (every preset has these four requests; the phase tells them apart).
    const file = path.join(dir, 'spike-summary.json');
    await writeFile(file, JSON.stringify({ metrics, state: { testRunDurationMs: 10_000 } }));
    const wrong = await k6Command.run(args({ action: 'import', inputs: [file], scenario: 'light', out: path.join(dir, 'reports4') }), capture(repo)).catch((e: unknown) => e);
    expect(wrong).toMatchObject({ exitCode: 2, message: expect.stringMatching(/^--scenario light does not match the k6 input/) as unknown, hint: 'did you mean --scenario spike?' });
    expect((wrong as Error).message).toBe('--scenario light does not match the k6 input: the input has phases spike; requests validate-100, validate-1k, execute, status, the scenario has phases steady');
    await expect(readdir(path.join(dir, 'reports4'))).rejects.toThrow(/ENOENT/);
  });
});
