import { describe, expect, it } from 'vitest';
import { planProblems } from '../../../harness/plan/build-plan.ts';
import { loadScenario } from '../../../harness/scenario/load-scenario.ts';
import { StresslabError } from '../../../harness/core/stresslab-error.ts';
import { baseScenario, scenarioDir } from './scenario-test-files.ts';

type Scenario = Record<string, any>;
interface Case {
  name: string;
  mutate?: (s: Scenario) => void;
  /** Raw file text instead of a mutated base scenario. */
  text?: string;
  ext?: string;
  profile?: string;
  /** The JSON path a problem must name ('' = whole document). */
  path: string;
  message: RegExp;
}

const cases: Case[] = [
  { name: 'wrong type of rate', mutate: (s) => (s.load[0].rate = '20'), path: 'load[0].rate', message: /expected number/ },
  { name: 'unknown top-level key', mutate: (s) => (s.treshold = {}), path: 'treshold', message: /unknown key/ },
  { name: 'unknown key in a request', mutate: (s) => (s.requests[0].bodyfile = 'x'), path: 'requests[0].bodyfile', message: /unknown key/ },
  { name: 'unknown key in a phase', mutate: (s) => (s.load[0].preallocatedVUs = 5), path: 'load[0].preallocatedVUs', message: /unknown key/ },
  { name: 'unknown key in a fault', mutate: (s) => (s.faults[0].latency = 5), path: 'faults[0].latency', message: /unknown key/ },
  { name: 'unknown key in audit', mutate: (s) => (s.audit.executions.grace = 5), path: 'audit.executions.grace', message: /unknown key/ },
  { name: 'bad duration', mutate: (s) => (s.load[0].duration = '30 seconds'), path: 'load[0].duration', message: /not a duration/ },
  { name: 'bad stage duration', mutate: (s) => (s.load[1] = { executor: 'ramping-vus', stages: [{ target: 5, duration: '5x' }] }), path: 'load[1].stages[0].duration', message: /not a duration/ },
  { name: 'unknown executor', mutate: (s) => (s.load[0].executor = 'constant-arival-rate'), path: 'load[0].executor', message: /unknown executor/ },
  { name: 'option of another executor', mutate: (s) => (s.load[1].rate = 5), path: 'load[1].rate', message: /unknown key/ },
  { name: 'missing required executor option', mutate: (s) => delete s.load[0].preAllocatedVUs, path: 'load[0].preAllocatedVUs', message: /required/ },
  { name: 'maxVUs below preAllocatedVUs', mutate: (s) => (s.load[0].maxVUs = 2), path: 'load[0].maxVUs', message: /below preAllocatedVUs/ },
  { name: 'bad threshold expression', mutate: (s) => (s.thresholds.http_req_failed = ['rate less than 0.01']), path: 'thresholds.http_req_failed[0]', message: /not a threshold expression/ },
  { name: 'unknown metric', mutate: (s) => (s.thresholds.http_req_latency = ['p(95)<1']), path: 'thresholds.http_req_latency', message: /unknown metric/ },
  { name: 'aggregation does not fit the metric', mutate: (s) => (s.thresholds.http_req_failed = ['p(95)<0.1']), path: 'thresholds.http_req_failed[0]', message: /does not apply/ },
  { name: 'unknown tag value', mutate: (s) => (s.thresholds['http_req_duration{request:nope}'] = ['p(95)<1']), path: 'thresholds["http_req_duration{request:nope}"]', message: /request "nope" does not exist/ },
  { name: 'unknown tag name', mutate: (s) => (s.thresholds['http_req_duration{status:500}'] = ['p(95)<1']), path: 'thresholds["http_req_duration{status:500}"]', message: /unknown tag "status"/ },
  { name: 'unknown phase tag', mutate: (s) => (s.thresholds['http_reqs{phase:cold}'] = ['count>1']), path: 'thresholds["http_reqs{phase:cold}"]', message: /phase "cold" does not exist/ },
  { name: 'duplicate request names', mutate: (s) => (s.requests[2].name = 'execute'), path: 'requests[2].name', message: /used twice/ },
  { name: 'body and bodyFile both', mutate: (s) => (s.requests[0].body = {}), path: 'requests[0].bodyFile', message: /both set/ },
  { name: 'missing bodyFile', mutate: (s) => (s.requests[0].bodyFile = 'data/nope.json'), path: 'requests[0].bodyFile', message: /not found/ },
  { name: 'phase uses an unknown request', mutate: (s) => (s.load[1].requests = ['validate', 'nope']), path: 'load[1].requests[1]', message: /unknown request/ },
  { name: 'captured variable nobody captures', mutate: (s) => (s.requests[2].path = '/v1/executions/{{captured runId}}'), path: 'requests[2]', message: /no request captures "runId"/ },
  { name: 'unknown template', mutate: (s) => (s.requests[1].headers['Idempotency-Key'] = '{{uid}}'), path: 'requests[1].headers["Idempotency-Key"]', message: /unknown template/ },
  { name: 'unknown fault kind', mutate: (s) => (s.faults[0].kind = 'db-latancy'), path: 'faults[0].kind', message: /unknown kind/ },
  { name: 'bad fault params', mutate: (s) => (s.faults[0].latencyMs = -5), path: 'faults[0].latencyMs', message: /0/ },
  { name: 'fault after the load ends', mutate: (s) => (s.faults[0].at = '49s'), path: 'faults[0].at', message: /after the load ends/ },
  { name: 'overlapping fault repeats', mutate: (s) => Object.assign(s.faults[0], { every: '5s', times: 2 }), path: 'faults[0].every', message: /overlap/ },
  { name: 'fault on an undeclared proxy', mutate: (s) => (s.faults[0] = { kind: 'net-latency', proxy: 'cache', at: '1s', duration: '1s', latencyMs: 5 }), path: 'faults[0].proxy', message: /not declared/ },
  { name: 'flaky toxicity of 1', mutate: (s) => (s.faults[0] = { kind: 'net-flaky', toxic: 'latency', toxicity: 1, at: '1s', duration: '1s' }), path: 'faults[0].toxicity', message: /1/ },
  { name: 'audit capture not captured', mutate: (s) => (s.audit.executions.capture = 'ids'), path: 'audit.executions.capture', message: /no request captures/ },
  { name: 'bad abort condition', mutate: (s) => (s.abort = { http_req_failed: 'rate>0.5 for ever' }), path: 'abort.http_req_failed', message: /not a duration/ },
  { name: 'bad target url', mutate: (s) => (s.target.url = 'ftp://example.com'), path: 'target.url', message: /http/ },
  { name: 'empty load', mutate: (s) => (s.load = []), path: 'load', message: /1/ },
  { name: 'bad profile override', mutate: (s) => (s.profiles.quick.override = { load: [{ executor: 'constant-vus', vus: 0, duration: '1s' }] }), path: 'profiles.quick.override.load[0].vus', message: /0/ },
  { name: 'a recovery rule in both spellings', mutate: (s) => (s.recovery = { healthyFor: '4s', healthyBuckets: 4 }), path: 'recovery.healthyBuckets', message: /older spelling of healthyFor/ },
  { name: 'a recovery rule below the resolution', mutate: (s) => (s.recovery = { unhealthyFor: '50ms' }), path: 'recovery.unhealthyFor', message: /at least 100ms/ },
  { name: 'unknown profile', profile: 'nightly', path: '', message: /no profile "nightly"/ },
  { name: 'invalid JSON', text: '{\n  "name": "x",\n  "load": [1,]\n}\n', path: '', message: /line 3, column/ },
  { name: 'invalid YAML', ext: '.yaml', text: 'name: x\nload:\n  - executor: constant-vus\n   vus: 3\n', path: '', message: /line \d+, column \d+/ },
  { name: 'not an object', text: '[1, 2, 3]', path: '', message: /expected object/ },
];

describe('malformed scenarios are BAD_SCENARIO errors with file, path and hint (exit 2)', () => {
  const files = scenarioDir();

  it('the base scenario is valid', async () => {
    const loaded = await loadScenario(files.write('base.json', baseScenario()), { cwd: files.dir });
    expect(loaded.scenario.requests).toHaveLength(3);
  });

  it.each(cases)('$name', async (c) => {
    const s = baseScenario() as Scenario;
    c.mutate?.(s);
    const file = files.write(`case-${cases.indexOf(c)}${c.ext ?? '.json'}`, c.text ?? s);
    const error = await loadScenario(file, { cwd: files.dir, profile: c.profile, check: planProblems }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StresslabError);
    const e = error as StresslabError;
    expect(e.code).toBe('BAD_SCENARIO');
    expect(e.exitCode).toBe(2);
    expect(e.file).toBe(file);
    const text = e.format();
    expect(text).not.toMatch(/\n\s+at .*\.ts:\d+/); // no stack trace in what users see
    if (c.path === '' && e.problems.length === 0) {
      expect(e.message).toMatch(c.message);
      expect(e.hint).toBeTruthy();
      return;
    }
    const problem = e.problems.find((p) => p.path === c.path);
    expect(problem, `paths: ${e.problems.map((p) => `${p.path}: ${p.message}`).join(' | ')}`).toBeDefined();
    expect(problem?.message).toMatch(c.message);
    expect(problem?.hint).toBeTruthy();
  });

  it('reports all problems of a file at once', async () => {
    const s = baseScenario() as Scenario;
    s.load[0].rate = 'x';
    s.requests[0].wieght = 2;
    s.target.timeout = 'soon';
    const e = (await loadScenario(files.write('many.json', s), { cwd: files.dir }).catch((x: unknown) => x)) as StresslabError;
    expect(e.problems.map((p) => p.path).sort()).toEqual(['load[0].rate', 'requests[0].wieght', 'target.timeout']);
    expect(e.problems.find((p) => p.path === 'requests[0].wieght')?.hint).toMatch(/did you mean "weight"/);
  });

  it('a missing file or unknown preset names the presets', async () => {
    const e = (await loadScenario('no-such-preset', { cwd: files.dir }).catch((x: unknown) => x)) as StresslabError;
    expect(e.code).toBe('BAD_SCENARIO');
    expect(e.hint).toMatch(/light/);
    const f = (await loadScenario('./missing.json', { cwd: files.dir }).catch((x: unknown) => x)) as StresslabError;
    expect(f.message).toMatch(/missing\.json/);
  });
});
