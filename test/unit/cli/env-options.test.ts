import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../../harness/cli/main.ts';
import { attributeToEnv, envValues, envVariableOf } from '../../../harness/cli/env-options.ts';
import type { OptionsView } from '../../../harness/cli/env-options.ts';
import { StresslabError } from '../../../harness/core/stresslab-error.ts';
import { ExitCode } from '../../../harness/core/exit-codes.ts';
import { captureIo } from '../../support/capture-io.ts';

// STRESSLAB_<OPTION> variables: read for the command's own options only, typed, and ranked between
// the command line (wins) and the scenario/defaults. The internal STRESSLAB_* variables of the
// harness (state dir, ledger, failpoints, …) must never be taken for options.

const view: OptionsView = {
  key: { help: true, version: true, scenario: true, runs: true, seed: true, yes: true, 'allow-target': true, baseline: true, quiet: true, q: true, out: true },
  boolean: ['help', 'version', 'yes', 'quiet', 'q'],
  number: ['seed'],
  array: ['allow-target'],
  string: ['scenario', 'runs', 'allow-target', 'out'],
  alias: { quiet: ['q'] },
  hiddenOptions: ['out'],
};

describe('envValues', () => {
  it('maps STRESSLAB_<OPTION> to the option, typed; ignores positionals, aliases, help and other variables', () => {
    const { values, used } = envValues(view, ['scenario'], {
      STRESSLAB_RUNS: '3', STRESSLAB_SEED: '42', STRESSLAB_YES: 'true', STRESSLAB_ALLOW_TARGET: 'a.example.com, b.example.com',
      STRESSLAB_SCENARIO: 'heavy', STRESSLAB_Q: 'true', STRESSLAB_HELP: 'true', STRESSLAB_STATE_DIR: '/tmp/x', STRESSLAB_LEDGER: '/tmp/l', PATH: '/bin',
    });
    expect(values).toEqual({ runs: '3', seed: 42, yes: true, 'allow-target': ['a.example.com', 'b.example.com'] });
    expect(used.map((u) => u.variable).sort()).toEqual(['STRESSLAB_ALLOW_TARGET', 'STRESSLAB_RUNS', 'STRESSLAB_SEED', 'STRESSLAB_YES']);
  });

  it('an empty variable is unset; an untyped option takes true/false or a word', () => {
    expect(envValues(view, [], { STRESSLAB_RUNS: '', STRESSLAB_BASELINE: 'false' }).values).toEqual({ baseline: false });
    expect(envValues(view, [], { STRESSLAB_BASELINE: 'baselines/ci/x.json' }).values).toEqual({ baseline: 'baselines/ci/x.json' });
    expect(envValues(view, [], { STRESSLAB_QUIET: 'no' }).values).toEqual({ quiet: false });
  });

  it('a bad number or switch is BAD_USAGE naming the variable', () => {
    expect(() => envValues(view, [], { STRESSLAB_SEED: 'abc' })).toThrow(/^STRESSLAB_SEED: "abc" is not a valid value \(--seed takes a number\)/);
    expect(() => envValues(view, [], { STRESSLAB_YES: 'maybe' })).toThrow(/^STRESSLAB_YES: "maybe"/);
  });

  it('names variables after the long option', () => {
    expect(envVariableOf('max-runs')).toBe('STRESSLAB_MAX_RUNS');
    expect(envVariableOf('reports-dir')).toBe('STRESSLAB_REPORTS_DIR');
  });

  it('attributes an error about a flag from the environment to its variable, and leaves other errors alone', () => {
    const fromEnv = [{ option: 'runs', variable: 'STRESSLAB_RUNS' }];
    expect(attributeToEnv(new StresslabError('BAD_USAGE', '--runs must be an integer, got "x"'), fromEnv).message).toBe('STRESSLAB_RUNS: --runs must be an integer, got "x"');
    expect(attributeToEnv(new StresslabError('BAD_USAGE', '--max-runs must be …'), fromEnv).message).toBe('--max-runs must be …');
    expect(attributeToEnv(new StresslabError('BAD_USAGE', '--seed must be …'), fromEnv).message).toBe('--seed must be …');
  });
});

describe('precedence through the CLI: command line > environment > scenario/default', () => {
  let cwd: string;
  beforeAll(async () => {
    cwd = await fs.mkdtemp(path.join(os.tmpdir(), 'stresslab-env-'));
  });
  afterAll(async () => {
    await fs.rm(cwd, { recursive: true, force: true });
  });
  const cli = async (argv: string[], env: Record<string, string>) => {
    const io = captureIo(cwd);
    const code = await main(argv, io, { ...env });
    return { code, out: io.stdout(), err: io.stderr() };
  };

  it('STRESSLAB_PROFILE picks the profile; --profile on the line wins; without either the scenario as written runs', async () => {
    const internal = { STRESSLAB_STATE_DIR: path.join(cwd, 'state'), STRESSLAB_LEDGER: path.join(cwd, 'ledger.json'), STRESSLAB_FAILPOINTS: '', STRESSLAB_REQUEST_TIMEOUT: '5000' };
    const fromEnv = await cli(['plan', 'light'], { ...internal, STRESSLAB_PROFILE: 'quick' });
    expect(fromEnv.code, fromEnv.err).toBe(ExitCode.ok);
    expect(fromEnv.out).toMatch(/^light \(profile quick\): 50s/);
    const line = await cli(['plan', 'light', '--profile', 'full'], { ...internal, STRESSLAB_PROFILE: 'quick' });
    expect(line.out).toMatch(/^light \(profile full\)|^light: 10m5s/);
    const none = await cli(['plan', 'light'], internal);
    expect(none.out).toMatch(/^light: 10m5s/);
    expect(fromEnv.err + line.err + none.err).not.toMatch(/Unknown argument|unknown flag|stateDir/);
  });

  it('a bad value from the environment is exit 2 naming the variable, before anything runs', async () => {
    const seed = await cli(['run', 'light', '--profile', 'quick', '--dry-run'], { STRESSLAB_SEED: 'abc' });
    expect(seed.code).toBe(ExitCode.badInput);
    expect(seed.err).toContain('error: STRESSLAB_SEED: "abc" is not a valid value');
    const runs = await cli(['run', 'light', '--profile', 'quick', '--dry-run'], { STRESSLAB_RUNS: '0' });
    expect(runs.code).toBe(ExitCode.badInput);
    expect(runs.err).toContain('error: STRESSLAB_RUNS: --runs must be an integer from 1 to 100');
    // The same bad value is not used when the line gives the flag.
    const overridden = await cli(['run', 'light', '--profile', 'quick', '--dry-run', '--runs', '2'], { STRESSLAB_RUNS: '0' });
    expect(overridden.code, overridden.err).toBe(ExitCode.ok);
  });

  it('--help ends with the command\'s variables', async () => {
    const original = console.log;
    let text = '';
    console.log = (t: unknown) => void (text += `${String(t)}\n`);
    try {
      expect(await cli(['run', '--help'], {})).toMatchObject({ code: ExitCode.ok });
    } finally {
      console.log = original;
    }
    expect(text).toMatch(/STRESSLAB_<OPTION>/);
    for (const v of ['STRESSLAB_PROFILE', 'STRESSLAB_REPORTS_DIR', 'STRESSLAB_JSON', 'STRESSLAB_QUIET', 'STRESSLAB_MAX_RUNS']) expect(text).toContain(v);
    // The deprecated --out is hidden, and so is its variable.
    expect(text).not.toMatch(/STRESSLAB_OUT\b|--out\b/);
  });
});
