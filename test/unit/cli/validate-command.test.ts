import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateCommand } from '../../../harness/cli/validate-command.ts';
import { BodyFileCache } from '../../../harness/scenario/request-bodies.ts';
import { loadRequestBodies } from '../../../harness/scenario/request-bodies.ts';
import type { Scenario } from '../../../harness/scenario/scenario-schema.ts';
import { baseScenario, scenarioDir } from '../scenario/scenario-test-files.ts';
import { captureIo } from './validate-list-plan-io.ts';

describe('stresslab validate', () => {
  const files = scenarioDir();

  it('prints OK for valid files and presets, exit 0', async () => {
    const io = captureIo(files.dir);
    const good = files.write('good.json', baseScenario());
    const code = await validateCommand.run({ files: [good, 'spike', 'chaos-db'] }, io);
    expect(code).toBe(0);
    expect(io.stdout).toEqual([`OK ${good}`, 'OK spike', 'OK chaos-db', '3 of 3 valid']);
  });

  it('prints every problem with file, path and hint, exit 2', async () => {
    const io = captureIo(files.dir);
    const s = baseScenario() as Record<string, any>;
    s.load[0].rate = -1;
    s.load[0].executor2 = 'x';
    const bad = files.write('bad.json', s);
    const yaml = files.write('bad.yaml', 'name: [unclosed\n');
    const code = await validateCommand.run({ files: [bad, yaml] }, io);
    expect(code).toBe(2);
    const text = io.stderr.join('\n');
    expect(text).toContain(`FAIL ${bad}`);
    expect(text).toContain(`${bad} at load[0].rate:`);
    expect(text).toMatch(/at load\[0\]\.executor2: unknown key "executor2"\n\s+hint: /);
    expect(text).toMatch(/invalid YAML .*\n.*line \d+, column \d+/);
    expect(io.stdout.at(-1)).toBe('0 of 2 valid');
  });

  it('checks every profile, not only the file as written', async () => {
    const io = captureIo(files.dir);
    const s = baseScenario() as Record<string, any>;
    s.profiles.long = { scale: { duration: 10 } }; // faults stay valid, but check the override path too
    s.profiles.broken = { override: { thresholds: { 'http_req_duration{request:gone}': ['p(95)<1'] } } };
    const code = await validateCommand.run({ files: [files.write('profiles.json', s)] }, io);
    expect(code).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/profile "broken"[\s\S]*request "gone" does not exist/);
  });

  it('parses a file once for all its profiles, and still checks each profile\'s own body files', async () => {
    const io = captureIo(files.dir);
    writeFileSync(join(files.dir, 'data', 'deep.json'), `${'['.repeat(70)}${']'.repeat(70)}`);
    const s = baseScenario() as Record<string, any>;
    // The profile replaces the requests: its body file is read under that profile only.
    s.profiles.deep = { override: { requests: [{ ...s.requests[0], bodyFile: 'data/deep.json' }, s.requests[1], s.requests[2]] } };
    const yaml = files.write('profiles-bodies.yaml', JSON.stringify(s));
    const code = await validateCommand.run({ files: [yaml, yaml] }, io);
    expect(code).toBe(2);
    const text = io.stderr.join('\n');
    expect(text.match(/profile "deep"/g)).toHaveLength(2);
    expect(text).toMatch(/at requests\[0\]\.bodyFile: data\/deep\.json is nested deeper than the limit of 64 levels/);
    expect(text).not.toContain('profile "quick"');
  });

  it('reads a body file again when it changed on disk (the cache of one command)', async () => {
    const cache = new BodyFileCache();
    const scenarioFile = files.write('cached.json', baseScenario());
    const scenario = { requests: [{ name: 'validate', bodyFile: 'data/cached-body.json' }] } as unknown as Scenario;
    const body = join(files.dir, 'data', 'cached-body.json');
    writeFileSync(body, '{"v": 1}');
    const first = await loadRequestBodies(scenario, scenarioFile, cache);
    const again = await loadRequestBodies(scenario, scenarioFile, cache);
    expect(again.bodies.get('validate')).toEqual({ kind: 'json', value: { v: 1 } });
    expect((again.bodies.get('validate') as { value: unknown }).value).toBe((first.bodies.get('validate') as { value: unknown }).value);
    writeFileSync(body, '{"v": 22}');
    const changed = await loadRequestBodies(scenario, scenarioFile, cache);
    expect(changed.bodies.get('validate')).toEqual({ kind: 'json', value: { v: 22 } });
    writeFileSync(body, '{"v": 3');
    const broken = await loadRequestBodies(scenario, scenarioFile, cache);
    expect(broken.problems.map((p) => p.path)).toEqual(['requests[0].bodyFile']);
  });

  it('leaves process.env as it was after parsing YAML, valid or not', async () => {
    const env = process.env;
    const io = captureIo(files.dir);
    const good = files.write('env-good.yaml', JSON.stringify(baseScenario()));
    const bad = files.write('env-bad.yaml', 'name: [unclosed\n');
    await validateCommand.run({ files: [good, bad] }, io);
    expect(process.env).toBe(env);
    expect(io.stdout[0]).toBe(`OK ${good}`);
  });
});
