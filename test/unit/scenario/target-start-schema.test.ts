import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StresslabError } from '../../../harness/core/stresslab-error.ts';
import { describeTouches } from '../../../harness/plan/describe-touches.ts';
import { planProblems } from '../../../harness/plan/build-plan.ts';
import { loadPlan } from '../../../harness/plan/load-plan.ts';
import { specFromScenario } from '../../../harness/run/target-start-spec.ts';
import { loadScenario } from '../../../harness/scenario/load-scenario.ts';
import { fillPort, fixedTargetUrl } from '../../../harness/scenario/schema-target.ts';
import { baseScenario, scenarioDir } from './scenario-test-files.ts';

type Scenario = Record<string, any>;
const files = scenarioDir();

function withStart(target: Record<string, unknown>): Scenario {
  const s = baseScenario() as Scenario;
  s.target = target;
  delete s.audit;
  s.faults = [];
  return s;
}

async function problems(s: Scenario): Promise<Array<{ path: string; message: string; hint?: string }>> {
  const e = await loadScenario(files.write(`s-${Math.random().toString(36).slice(2)}.json`, s), { cwd: files.dir, check: planProblems }).then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(StresslabError);
  return [...(e as StresslabError).problems];
}

describe('target.start in a scenario', () => {
  it('resolves: durations in ms, health from target.health, defaults (timeout 60s, stopTimeout 10s, reuseExisting false)', async () => {
    const s = withStart({ url: 'http://127.0.0.1:{{port}}', health: '/health', start: { command: 'node server.js', env: { PORT: '{{port}}' } } });
    const { scenario } = await loadScenario(files.write('ok.json', s), { cwd: files.dir });
    expect(scenario.target.start).toEqual({ command: 'node server.js', env: { PORT: '{{port}}' }, health: '/health', timeoutMs: 60_000, stopTimeoutMs: 10_000, reuseExisting: false });
    expect(fixedTargetUrl(scenario.target)).toBeNull();
    expect(fillPort(scenario.target.url, 8123)).toBe('http://127.0.0.1:8123');
  });

  it('fills {{port}} and {{env NAME}} in command, env and url; cwd is relative to the scenario file', async () => {
    const s = withStart({ url: 'http://127.0.0.1:{{port}}/', start: { command: ['node', 'srv.js', '--port={{ port }}', '--token={{env TOKEN}}'], cwd: 'app', env: { A: 'x{{env MISSING_ONE}}y', P: '{{port}}' }, health: '/up', timeout: '5s' } });
    const { scenario, file } = await loadScenario(files.write('fill.json', s), { cwd: files.dir });
    const spec = specFromScenario({ start: scenario.target.start!, url: scenario.target.url, scenarioDir: path.dirname(file), port: 4321, env: { TOKEN: 't0k' } });
    expect(spec.argv).toEqual(['node', 'srv.js', '--port=4321', '--token=t0k']);
    expect(spec.env).toEqual({ A: 'xy', P: '4321' });
    expect(spec.url).toBe('http://127.0.0.1:4321');
    expect(spec.cwd).toBe(path.join(files.dir, 'app'));
    expect([spec.healthPath, spec.startTimeoutMs]).toEqual(['/up', 5_000]);
    // What result.json records: the command as written, without the token's value.
    expect(spec.command).toBe('node srv.js --port={{ port }} --token={{env TOKEN}}');
    const shell = specFromScenario({ start: { ...scenario.target.start!, command: 'exec node srv.js {{port}}' }, url: scenario.target.url, scenarioDir: '/x', port: 1, env: {} });
    expect(shell.argv).toEqual(['/bin/sh', '-c', 'exec node srv.js 1']);
  });

  it.each([
    ['an unknown template', { url: 'http://127.0.0.1:{{port}}', start: { command: 'serve {{uuid}}' } }, 'target.start.command', /\{\{uuid\}\} is not a template of target\.start/],
    ['an unknown template in env', { url: 'http://127.0.0.1:{{port}}', start: { command: 'x', env: { A: '{{seq}}' } } }, 'target.start.env.A', /not a template/],
    ['a bad env name', { url: 'http://127.0.0.1:{{port}}', start: { command: 'x', env: { 'A-B': '1' } } }, 'target.start.env["A-B"]', /environment variable name/],
    ['"embedded" with a start', { url: 'embedded', start: { command: 'x' } }, 'target.url', /needs the URL/],
    ['{{port}} without a start', { url: 'http://127.0.0.1:{{port}}' }, 'target.url', /only for target\.start/],
    ['another template in the url', { url: 'http://127.0.0.1:{{port}}/{{uuid}}', start: { command: 'x' } }, 'target.url', /\{\{uuid\}\} is not a template/],
    ['{{env}} in the url', { url: 'http://{{env HOST}}:{{port}}', start: { command: 'x' } }, 'target.url', /must be an http/],
    ['reuseExisting on a {{port}}', { url: 'http://127.0.0.1:{{port}}', start: { command: 'x', reuseExisting: true } }, 'target.start.reuseExisting', /needs a fixed port/],
    ['an empty argv', { url: 'http://127.0.0.1:8080', start: { command: [] } }, 'target.start.command', /./],
    ['a bad stopTimeout', { url: 'http://127.0.0.1:8080', start: { command: 'x', stopTimeout: 'soon' } }, 'target.start.stopTimeout', /not a duration/],
    ['an unknown key', { url: 'http://127.0.0.1:8080', start: { command: 'x', reuseExistingServer: true } }, 'target.start.reuseExistingServer', /unknown key/],
  ])('refuses %s, naming the path', async (_name, target, at, message) => {
    const found = await problems(withStart(target));
    const p = found.find((x) => x.path === at);
    expect(p, found.map((x) => `${x.path}: ${x.message}`).join(' | ')).toBeDefined();
    expect(p?.message).toMatch(message);
    expect(p?.hint).toBeTruthy();
  });

  it('proxy "api" exists for a started target (not "db"); the dry run says what is started and stopped', async () => {
    const s = withStart({ url: 'http://127.0.0.1:{{port}}', health: '/health', start: { command: 'node server.js', stopTimeout: '3s' } });
    s.faults = [{ kind: 'net-latency', at: '10s', duration: '5s', latencyMs: 50 }];
    const file = files.write('api.json', s);
    const { loaded, plan } = await loadPlan(file, { cwd: files.dir, seed: 1 });
    const text = describeTouches(plan, loaded.scenario, { targetUrl: loaded.scenario.target.url, toxiproxyUrl: null, embedded: false, start: loaded.scenario.target.start });
    expect(text).toContain('starts `node server.js` in its own process group, waits up to 1m for GET /health, stops the group at the end (SIGTERM, SIGKILL after 3s)');
    s.faults = [{ kind: 'db-latency', at: '10s', duration: '5s', latencyMs: 50 }];
    expect((await problems(s)).map((p) => p.path)).toEqual(['faults[0].proxy']);
  });
});
