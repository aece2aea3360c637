import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODIES_FILE, exportK6Script, TEXT_SUMMARY_MODULE, TEXT_SUMMARY_TYPES_FILE } from '../../../harness/k6/export-script.ts';
import { importK6Summaries } from '../../../harness/k6/import-summary.ts';
import { k6Fingerprint } from '../../../harness/k6/k6-fingerprint.ts';
import { parseK6Summary } from '../../../harness/k6/summary-formats.ts';
import { loadPlan } from '../../../harness/plan/load-plan.ts';
import type { RecordedRequest } from '../../support/k6-shim/shim-state.ts';
import { runUnderShim } from '../../support/k6-shim/run-under-shim.ts';

const repo = path.resolve(import.meta.dirname, '..', '..', '..');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'stresslab-k6-export-'));
  await writeFile(path.join(dir, 'package.json'), '{"type":"module"}');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The exported script and its bodies file in a folder of their own, as `stresslab k6 export` writes them. */
async function exportTo(name: string, scenario: string, profile?: string): Promise<string> {
  const { loaded, plan } = await loadPlan(scenario, { cwd: repo, profile, seed: 0 });
  const exported = exportK6Script(loaded, plan);
  await mkdir(path.join(dir, name));
  const file = path.join(dir, name, 'script.ts');
  await writeFile(file, exported.script);
  await writeFile(path.join(dir, name, BODIES_FILE), exported.bodies);
  return file;
}

async function exported(scenario: string, profile?: string) {
  const { loaded, plan } = await loadPlan(scenario, { cwd: repo, profile, seed: 0 });
  return exportK6Script(loaded, plan);
}

describe('exported k6 scripts', () => {
  it('type-check against @types/k6 for every preset and chaos scenario (full and quick)', async () => {
    const names = (await readdir(path.join(repo, 'scenarios'))).filter((f) => f.endsWith('.json') && f !== 'schema.json').map((f) => f.slice(0, -5));
    expect(names.length).toBeGreaterThanOrEqual(10);
    const tsDir = path.join(dir, 'tsc');
    await import('node:fs/promises').then((fs) => fs.mkdir(tsDir));
    for (const n of names) {
      for (const profile of ['full', 'quick']) await writeFile(path.join(tsDir, `${n}-${profile}.ts`), (await exported(n, profile)).script);
    }
    await writeFile(path.join(tsDir, 'templating.ts'), (await exported('test/fixtures/k6/templating-scenario.json')).script);
    // The jslib module's types, as the export writes them beside the script (each script references it).
    await writeFile(path.join(tsDir, TEXT_SUMMARY_TYPES_FILE), (await exported('light')).textSummaryTypes);
    // Deliberately wrong scripts prove the check is real, for @types/k6 and for the jslib module's types.
    await writeFile(path.join(tsDir, 'broken.ts'), "import http from 'k6/http';\nexport default function (): void { http.request('GET', 123); }\n");
    await writeFile(path.join(tsDir, 'broken-summary.ts'), `/// <reference path="./${TEXT_SUMMARY_TYPES_FILE}" />\nimport { textSummary } from '${TEXT_SUMMARY_MODULE}';\nexport const s: number = textSummary({}, { indent: 1 });\n`);
    await symlink(path.join(repo, 'node_modules'), path.join(tsDir, 'node_modules'));
    const config = { compilerOptions: { target: 'es2020', lib: ['es2020'], module: 'esnext', moduleResolution: 'bundler', types: ['k6'], strict: true, noEmit: true, skipLibCheck: true }, include: ['*.ts'] };
    await writeFile(path.join(tsDir, 'tsconfig.json'), JSON.stringify(config));
    const tsc = path.join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
    const out = await promisify(execFile)(process.execPath, [tsc, '-p', path.join(tsDir, 'tsconfig.json')], { cwd: tsDir }).then(
      () => '',
      (e: { stdout?: string }) => e.stdout ?? String(e),
    );
    const errorFiles = [...new Set([...out.matchAll(/^(\S+?\.ts)\(/gm)].map((m) => m[1]))];
    expect(errorFiles.sort()).toEqual(['broken-summary.ts', 'broken.ts']);
  }, 60_000);

  it('reproduce the templating, captures and per-phase request subsets of the scenario', async () => {
    const script = await exportTo('templating', 'test/fixtures/k6/templating-scenario.json');
    const run = await runUnderShim({ script, vus: 3, iterationsPerScenario: 600, env: { K6_TEST_TENANT: 'acme' } }, path.join(dir, 'templating-in.json'));
    expect(run.setupError).toBeNull();
    expect(run.scenarios).toEqual(['warm', 'main']);
    const warm = run.records.filter((r) => r.scenario === 'warm');
    const main = run.records.filter((r) => r.scenario === 'main');
    expect(new Set(warm.map((r) => r.tags.request))).toEqual(new Set(['ping', 'create']));
    expect(new Set(main.map((r) => r.tags.request))).toEqual(new Set(['ping', 'create', 'read']));
    for (const r of run.records) {
      expect(r.url.startsWith('http://127.0.0.1:9/')).toBe(true);
      expect(r.timeout).toBe('7s');
      expect(r.tags.phase).toBeUndefined(); // phase comes from the k6 scenario's tags, not the request
    }
    checkCreates(run.records.filter((r) => r.tags.request === 'create'));
    checkCaptures(run.records);
    checkSeq(warm.filter((r) => r.tags.request === 'create'));
  }, 60_000);

  it('refuses to start when an {{env}} variable or BASE_URL is missing', async () => {
    const script = await exportTo('templating-noenv', 'test/fixtures/k6/templating-scenario.json');
    const run = await runUnderShim({ script, vus: 1, iterationsPerScenario: 5, env: {} }, path.join(dir, 'noenv-in.json'));
    expect(run.setupError).toMatch(/K6_TEST_TENANT/);
    expect(run.records).toHaveLength(0);
    const embedded = await exportTo('light-nobase', 'light', 'quick');
    const run2 = await runUnderShim({ script: embedded, vus: 1, iterationsPerScenario: 5, env: {} }, path.join(dir, 'nobase-in.json'));
    expect(run2.setupError).toMatch(/BASE_URL/);
  }, 60_000);

  it('sends the chaos-db mix in proportion to the weights, with its expected statuses', async () => {
    const { loaded } = await loadPlan('chaos-db', { cwd: repo, seed: 0 });
    const script = await exportTo('chaos-db', 'chaos-db');
    const n = 4000;
    const run = await runUnderShim({ script, vus: 4, iterationsPerScenario: n, env: { BASE_URL: 'http://sut:8080/' } }, path.join(dir, 'chaos-in.json'));
    const total = loaded.scenario.requests.reduce((a, r) => a + r.weight, 0);
    for (const r of loaded.scenario.requests) {
      const sent = run.records.filter((x) => x.tags.request === r.name);
      const share = sent.length / n;
      // Binomial sd at n=4000 is < 0.008; 0.04 leaves room for the first iterations of each VU (no id captured yet).
      expect(Math.abs(share - r.weight / total)).toBeLessThan(0.04);
      expect(sent[0]?.expectedStatuses).toEqual(r.expect?.status ?? null);
      expect(sent[0]?.url.startsWith('http://sut:8080/v1/')).toBe(true);
    }
    const summary = await import('../../fixtures/k6/handle-summary-data/k6-summary.json', { with: { type: 'json' } });
    const withSummary = await runUnderShim({ script, vus: 1, iterationsPerScenario: 1, env: { BASE_URL: 'http://x' }, summaryData: summary.default }, path.join(dir, 'sum-in.json'));
    const stdout = withSummary.summary?.stdout ?? '';
    // k6's own summary first (a TTY without noColor in the fixture's state: coloured), then ours.
    expect(stdout.startsWith(`[k6 textSummary stand-in: ${Object.keys(summary.default.metrics).length} metrics, indent " ", colors true]\n\nstresslab scenario chaos-db\n`)).toBe(true);
    expect(stdout).toContain('FAIL http_req_duration p(95) < 5000');
    const json = stdout.slice(stdout.indexOf('\n', stdout.indexOf('-----BEGIN')) + 1, stdout.indexOf('-----END'));
    const written = JSON.parse(json) as Record<string, unknown> & { stresslab: { scenario: string; scenarioHash: string; summaryAt: string } };
    const { stresslab, ...data } = written;
    expect(data).toEqual(summary.default);
    expect(stresslab).toMatchObject({ scenario: 'chaos-db', scenarioHash: loaded.hash });
    expect(Math.abs(Date.parse(stresslab.summaryAt) - Date.now())).toBeLessThan(60_000);
    expect(withSummary.summary?.['stresslab-summary.json']).toBe(json.trim());
    // The importer knows when the test ran and which scenario it was, and refuses another one.
    const parsed = parseK6Summary(written, 'pod.log');
    const fingerprint = k6Fingerprint(1);
    const base = { summaries: [parsed], exact: null, runId: 'r', nowEpochMs: 0, environment: { name: 'k6', fingerprint, fingerprintHash: 'x' }, targetUrl: null };
    const imported = importK6Summaries({ ...base, scenario: null });
    expect(imported.startedAt).toBe(new Date(Date.parse(stresslab.summaryAt) - summary.default.state.testRunDurationMs).toISOString());
    const light = await loadPlan('light', { cwd: repo, seed: 0 });
    expect(() => importK6Summaries({ ...base, scenario: { ...light.loaded, plan: light.plan } })).toThrow(/--scenario light does not match the k6 input: the input was exported from scenario chaos-db/);
  }, 60_000);

  it('loads request bodies once per test from bodies.json beside the script (open() in a SharedArray), not as literals', async () => {
    const script = await exportTo('light-bodies', 'light', 'quick');
    const text = await readFile(script, 'utf8');
    const rows1k = JSON.stringify(JSON.parse(await readFile(path.join(repo, 'scenarios', 'data', 'rows-1k.json'), 'utf8')));
    expect(rows1k.length).toBeGreaterThan(90_000);
    // The 94 KB body is in bodies.json, not in the script every VU compiles.
    expect(Buffer.byteLength(text)).toBeLessThan(30_000);
    expect(text).not.toContain(rows1k.slice(1000, 1100));
    expect(await readFile(path.join(path.dirname(script), BODIES_FILE), 'utf8')).toContain(rows1k.slice(1000, 1100).replace(/["\\]/g, (c) => `\\${c}`));
    const run = await runUnderShim({ script, vus: 4, iterationsPerScenario: 400, env: { BASE_URL: 'http://sut:8080' } }, path.join(dir, 'bodies-in.json'));
    expect(run.setupError).toBeNull();
    // Four VUs, one read of the file, one SharedArray built.
    expect(run.opens).toEqual([`./${BODIES_FILE}`]);
    expect(run.sharedArrayBuilds).toEqual(['stresslab request bodies']);
    const sent = run.records.filter((r) => r.tags.request === 'validate-1k');
    expect(sent.length).toBeGreaterThan(10);
    for (const r of sent) expect(r.body).toBe(rows1k);
    // The templated body still renders per request.
    const execute = run.records.filter((r) => r.tags.request === 'execute');
    expect(execute.length).toBeGreaterThan(10);
    for (const r of execute) expect(r.body).toMatch(/^\{"asset_id":"([1-9]\d?|1\d\d|200)","action":"sync","params":\{"ms":5\}\}$/);
    expect(new Set(execute.map((r) => r.body)).size).toBeGreaterThan(5);
  }, 60_000);
});

function checkCreates(creates: RecordedRequest[]): void {
  expect(creates.length).toBeGreaterThan(100);
  const keys = new Set<string>();
  for (const c of creates) {
    expect(c.method).toBe('POST');
    expect(c.expectedStatuses).toEqual([202]);
    expect(c.headers['X-Tenant']).toBe('acme');
    expect(c.headers['content-type']).toBe('application/json');
    const key = c.headers['Idempotency-Key'] ?? '';
    expect(key).toMatch(UUID);
    keys.add(key);
    const body = JSON.parse(c.body ?? 'null') as { n: string; key: string; nested: [string, number, null] };
    // In JSON bodies a template always yields a string, as in the harness.
    expect(typeof body.n).toBe('string');
    expect(Number(body.n)).toBeGreaterThanOrEqual(5);
    expect(Number(body.n)).toBeLessThanOrEqual(9);
    expect(body.nested[0]).toMatch(UUID);
    expect(body.nested.slice(1)).toEqual([3, null]);
    expect(body.key).toMatch(/^k-\d+$/);
  }
  expect(keys.size).toBe(creates.length);
  const ns = new Set(creates.map((c) => (JSON.parse(c.body ?? '{}') as { n: string }).n));
  expect(ns).toEqual(new Set(['5', '6', '7', '8', '9']));
}

/** Each VU reads only ids it captured itself, from expected (202) answers, never from 503s. */
function checkCaptures(records: RecordedRequest[]): void {
  const good = new Map<number, Set<string>>();
  const goodFirst = new Map<number, Set<string>>();
  let reads = 0;
  for (const r of records) {
    if (r.tags.request === 'read') {
      reads++;
      const m = /^http:\/\/127\.0\.0\.1:9\/v1\/items\/([^?]+)\?first=(.+)$/.exec(r.url);
      expect(m).not.toBeNull();
      expect(good.get(r.vu)?.has(decodeURIComponent(m?.[1] ?? ''))).toBe(true);
      expect(goodFirst.get(r.vu)?.has(decodeURIComponent(m?.[2] ?? ''))).toBe(true);
    }
    if (r.tags.request === 'create' && r.responseStatus === 202) {
      const body = JSON.parse(r.responseBody) as { id: string; data: { items: { id: string }[] } };
      (good.get(r.vu) ?? good.set(r.vu, new Set()).get(r.vu))?.add(body.id);
      (goodFirst.get(r.vu) ?? goodFirst.set(r.vu, new Set()).get(r.vu))?.add(body.data.items[0]?.id ?? '');
    }
  }
  expect(reads).toBeGreaterThan(50);
}

/** One {{seq}} in the path and one in the body: unique per run, increasing with the iteration. */
function checkSeq(creates: RecordedRequest[]): void {
  const seen = new Set<number>();
  let last = 0;
  for (const c of creates) {
    const fromPath = Number(/\/v1\/items\/(\d+)$/.exec(c.url)?.[1]);
    const fromBody = Number((JSON.parse(c.body ?? '{}') as { key: string }).key.slice(2));
    expect(fromPath).toBeGreaterThan(last);
    expect(fromBody).toBe(fromPath + 1);
    expect(seen.has(fromPath) || seen.has(fromBody)).toBe(false);
    seen.add(fromPath).add(fromBody);
    last = fromBody;
  }
}
