import { describe, expect, it } from 'vitest';
import { validateCommand } from '../../../harness/cli/validate-command.ts';
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
});
