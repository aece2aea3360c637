import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runResultSchema } from '../../harness/contract/run-result.ts';
import type { RunResult } from '../../harness/contract/run-result.ts';
import { harnessVersion } from '../../harness/core/version.ts';
import { installPackedPackage } from '../support/installed-package.ts';
import { listenablePort, startTestServer } from '../support/servers/spawn-test-server.ts';
import type { TestServer } from '../support/servers/spawn-test-server.ts';

/**
 * stresslab as a user installs it (test/support/installed-package.ts): `npm pack`, then
 * `npm i -D ./stresslab-*.tgz` in an empty project, then `npx stresslab …` there. Everything that runs
 * is the compiled JavaScript, child processes and worker threads included: the project has no tsx.
 */
let work: string;
let project: string;
let server: TestServer;

async function stresslab(args: string[], timeoutMs = 120_000): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn('npx', ['--no', '--', 'stresslab', ...args], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: '' } });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const timer = setTimeout(() => child.kill('SIGINT'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearTimeout(timer);
  return { code, out, err };
}

async function resultOf(out: string): Promise<RunResult> {
  const dir = /results: (\S+?)\/? \(/.exec(out)?.[1];
  expect(dir, out).toBeDefined();
  return runResultSchema.parse(JSON.parse(await fs.readFile(path.resolve(project, dir!, 'result.json'), 'utf8')));
}

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'stresslab-install-'));
  project = await installPackedPackage(work);
  server = await startTestServer({ kind: 'fast' });
}, 240_000);

afterAll(async () => {
  await server?.stop();
  if (work !== undefined) await fs.rm(work, { recursive: true, force: true });
});

describe('the packed package installed in an empty project', () => {
  it('ships compiled JavaScript and no TypeScript sources; the project has no tsx', async () => {
    const pkg = path.join(project, 'node_modules', 'stresslab');
    expect(existsSync(path.join(pkg, 'dist', 'harness', 'cli', 'main.js'))).toBe(true);
    expect(existsSync(path.join(pkg, 'dist', 'reference-service', 'main.js'))).toBe(true);
    expect(existsSync(path.join(pkg, 'harness'))).toBe(false);
    expect(existsSync(path.join(pkg, 'reference-service', 'db', 'migrations', '001-queue.sql'))).toBe(true);
    expect(existsSync(path.join(project, 'node_modules', 'tsx'))).toBe(false);
    expect(existsSync(path.join(project, 'node_modules', 'typescript'))).toBe(false);
  });

  it('`npx stresslab --version` and `list` answer', async () => {
    const version = await stresslab(['--version']);
    expect(version.code, version.err).toBe(0);
    expect(version.out.trim()).toBe(`stresslab ${harnessVersion}`);
    const list = await stresslab(['list']);
    expect(list.code, list.err).toBe(0);
    for (const preset of ['light', 'medium', 'heavy', 'spike', 'endurance', 'chaos-network']) expect(list.out).toMatch(new RegExp(`^${preset} `, 'm'));
  }, 60_000);

  it('reads a YAML scenario (the yaml library as bundled): validate and plan answer', async () => {
    await fs.writeFile(
      path.join(project, 'short.yaml'),
      [
        'name: short-yaml',
        'description: a YAML scenario from the installed package',
        'target: { url: "http://127.0.0.1:9", health: /health, timeout: 2s }',
        'requests:',
        '  - { name: work, method: GET, path: /work }',
        'load:',
        '  - { executor: constant-arrival-rate, rate: 20, duration: 4s, preAllocatedVUs: 5, maxVUs: 20 }',
        '',
      ].join('\n'),
    );
    const validate = await stresslab(['validate', 'short.yaml']);
    expect(validate.code, validate.err).toBe(0);
    const plan = await stresslab(['plan', 'short.yaml']);
    expect(plan.code, plan.err).toBe(0);
    expect(plan.out).toMatch(/short-yaml/);
  }, 60_000);

  it('runs a short scenario against a test server, through the embedded Toxiproxy (a forked child) with a latency fault', async () => {
    const proxyPort = await listenablePort();
    await fs.writeFile(
      path.join(project, 'short.json'),
      JSON.stringify({
        name: 'short',
        description: 'a short run from the installed package',
        target: { url: `http://127.0.0.1:${proxyPort}`, health: '/health', timeout: '2s' },
        proxies: [{ name: 'api', listen: `127.0.0.1:${proxyPort}`, upstream: `127.0.0.1:${server.port}` }],
        requests: [{ name: 'work', method: 'GET', path: '/work' }],
        load: [{ executor: 'constant-arrival-rate', rate: 20, duration: '4s', preAllocatedVUs: 5, maxVUs: 20, gracefulStop: '1s' }],
        faults: [{ kind: 'net-latency', proxy: 'api', at: '1s', duration: '2s', latencyMs: 50, expectEffect: false }],
      }),
    );
    const r = await stresslab(['run', 'short.json', '--no-baseline', '--seed', '5']);
    const result = await resultOf(r.out);
    expect(r.err).not.toMatch(/internal error/);
    expect(result.totals.requests).toBeGreaterThanOrEqual(70);
    expect(result.totals.errors, r.err).toBe(0);
    expect(result.faults.map((f) => f.kind)).toEqual(['net-latency']);
    expect([0, 1]).toContain(r.code);
    expect(result.verdict).not.toBe('error');
  }, 90_000);

  it('runs a scenario against the embedded reference service (its own PostgreSQL and migrations), compiled', async () => {
    await fs.writeFile(
      path.join(project, 'embedded.json'),
      JSON.stringify({
        name: 'embedded',
        description: 'the embedded default, from the installed package',
        target: { url: 'embedded', health: '/readyz', timeout: '30s' },
        requests: [
          { name: 'execute', method: 'POST', path: '/v1/executions', headers: { 'Idempotency-Key': '{{uuid}}' }, body: { asset_id: 7, action: 'sync', params: { ms: 5 } }, expect: { status: [200, 202] } },
        ],
        load: [{ executor: 'constant-arrival-rate', rate: 20, duration: '3s', preAllocatedVUs: 5, maxVUs: 20, gracefulStop: '2s' }],
      }),
    );
    const r = await stresslab(['run', 'embedded.json', '--no-baseline', '--seed', '5']);
    expect(r.code, `${r.out}\n${r.err}`).toBe(0);
    const result = await resultOf(r.out);
    expect(result.target.embedded).toBe(true);
    expect(result.totals.requests).toBeGreaterThanOrEqual(50);
    expect(result.totals.errors).toBe(0);
  }, 120_000);
});
