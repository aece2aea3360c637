import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../../harness/cli/main.ts';
import { ExitCode } from '../../../harness/core/exit-codes.ts';
import { captureIo } from './validate-list-plan-io.ts';

// A usage error must stop the parse before any handler runs: before this, `run light --profle quick`
// ran the full 10-minute profile and exited 2 afterwards. Each call here returning in well under a
// second, with nothing written to the working directory, is the proof that no handler ran.

let cwd: string;
beforeAll(async () => {
  cwd = await fs.mkdtemp(path.join(os.tmpdir(), 'stresslab-usage-'));
  // Commands load on demand: the first call of each imports (and vitest transforms) its modules,
  // 2-3 s on this machine, which says nothing about whether a handler ran. Load them once, untimed.
  const warm = await fs.mkdtemp(path.join(os.tmpdir(), 'stresslab-usage-warm-'));
  for (const command of ['run', 'plan', 'validate', 'baseline', 'faults', 'compare']) await main([command, '--help'], captureIo(warm));
  await fs.rm(warm, { recursive: true, force: true });
}, 60_000);
afterAll(async () => {
  await fs.rm(cwd, { recursive: true, force: true });
});

async function refused(argv: string[]): Promise<{ stderr: string; stdout: string; ms: number }> {
  const io = captureIo(cwd);
  const t0 = performance.now();
  const code = await main(argv, io);
  const ms = performance.now() - t0;
  expect(code, `${argv.join(' ')} → ${io.stderr.join('\n')}`).toBe(ExitCode.badInput);
  expect(await fs.readdir(cwd), 'nothing may be written when a flag is refused').toEqual([]);
  return { stderr: io.stderr.join('\n'), stdout: io.stdout.join('\n'), ms };
}

describe('usage errors are refused before any command runs', () => {
  it.each([
    [['run', 'light', '--profle', 'quick'], '--profle', '--profile'],
    [['run', 'light', '--dry-run', '--profle', 'quick'], '--profle', '--profile'],
    [['plan', 'light', '--profle', 'quick'], '--profle', '--profile'],
    [['validate', 'scenarios/light.json', '--strcit'], '--strcit', null],
    [['baseline', 'show', 'light', '--evn', 'ci'], '--evn', '--env'],
    [['baseline', 'record', 'light', '--runz', '3'], '--runz', '--runs'],
    [['faults', 'cleanup', '--forse'], '--forse', null],
    [['compare', 'a.json', 'b.json', '--tolerence', '5'], '--tolerence', '--tolerance'],
  ])('%j: exit 2 naming the flag', async (argv, flag, guess) => {
    const { stderr, stdout, ms } = await refused(argv);
    expect(stderr).toContain(`unknown flag ${flag}`);
    if (guess !== null) expect(stderr).toContain(`did you mean ${guess}?`);
    expect(stderr).toContain('nothing was run');
    // The dry run's plan table would be printed by the handler: it must not be.
    expect(stdout).toBe('');
    expect(ms).toBeLessThan(1000);
  });

  it('names a missing positional with the usage', async () => {
    const { stderr } = await refused(['run']);
    expect(stderr).toMatch(/missing argument: the usage is `stresslab run <scenario>`/);
  });

  it('suggests the nearest choice for a mistyped action', async () => {
    const { stderr } = await refused(['faults', 'clenup']);
    expect(stderr).toContain('"clenup" is not a valid action (did you mean "cleanup"?)');
    expect(stderr).toContain('use one of: list, cleanup');
  });

  it('suggests the nearest command for a mistyped command', async () => {
    const { stderr } = await refused(['rnu', 'light']);
    expect(stderr).toMatch(/unknown command "rnu"\. Did you mean run\?/);
  });

  it('refuses an unexpected extra argument', async () => {
    const { stderr } = await refused(['plan', 'light', 'extra']);
    expect(stderr).toContain('unexpected argument "extra"');
  });
});

describe('--profile takes the scenario\'s own profiles only', () => {
  it.each(['toString', 'constructor', '__proto__', 'hasOwnProperty'])('refuses --profile %s with the list of profiles', async (name) => {
    for (const argv of [['run', 'light', '--profile', name, '--dry-run'], ['plan', 'light', '--profile', name]]) {
      const { stderr } = await refused(argv);
      expect(stderr).toContain(`has no profile "${name}"`);
      expect(stderr).toContain('available profiles: full, quick');
    }
  });
});
