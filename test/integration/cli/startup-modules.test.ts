import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../../harness/core/repo-root.ts';

/**
 * What the commands that must start fast (docs/startup.md) leave unloaded: Node's child_process,
 * readline, crypto and assert (with dgram behind child_process) cost 10-30 ms of start-up
 * together, and nothing `--help`, `list`, `validate` or `plan` does needs them. A static import of
 * one of them in a fault kind, the scenario loader or yargs (scripts/build.mjs patches its assert
 * import) would load it again. Runs the compiled CLI (built first, as `npm ci` builds it) with a
 * preload that prints `process.moduleLoadList` at exit. And the patches that make yargs start
 * faster change no output: the help from dist/ is the sources' help, character for character.
 */
const exec = promisify(execFile);
// Not `net`: a piped or terminal stdout loads it (process.stdout is a socket or a tty then).
const UNNEEDED = ['child_process', 'readline', 'crypto', 'assert', 'dgram'];
let work: string;
let preload: string;

beforeAll(async () => {
  await exec(process.execPath, [path.join(repoRoot, 'scripts', 'build.mjs')], { cwd: repoRoot });
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'stresslab-startup-'));
  preload = path.join(work, 'modules.mjs');
  await fs.writeFile(preload, "process.on('exit', () => process.stderr.write(`\\nMODULES ${JSON.stringify(process.moduleLoadList)}\\n`));\n");
}, 60_000);

afterAll(async () => {
  if (work !== undefined) await fs.rm(work, { recursive: true, force: true });
});

const COMPILED = path.join(repoRoot, 'dist', 'harness', 'cli', 'main.js');
const SOURCES = path.join(repoRoot, 'harness', 'cli', 'main.ts');

/** `node -e` running main() from `file` with `args`, as bin/stresslab.mjs does. */
function cli(file: string, args: string[], nodeArgs: string[] = []): Promise<{ stdout: string; stderr: string }> {
  const runner = `const { main } = await import(${JSON.stringify(file)}); process.exitCode = await main(process.argv.slice(1));`;
  return exec(process.execPath, [...nodeArgs, '--input-type=module', '-e', runner, '--', ...args], { cwd: repoRoot });
}

async function builtinsLoadedBy(args: string[]): Promise<string[]> {
  const { stderr, stdout } = await cli(COMPILED, args, ['--import', preload]);
  expect(stdout.length).toBeGreaterThan(0);
  const line = stderr.split('\n').find((l) => l.startsWith('MODULES '));
  expect(line, stderr).toBeDefined();
  const list = JSON.parse(line!.slice('MODULES '.length)) as string[];
  return list.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice('NativeModule '.length));
}

describe('the fast commands leave the heavy Node built-ins unloaded', () => {
  it.each(['--help', 'list', 'validate light chaos-db', 'plan chaos-process'])('stresslab %s', async (line) => {
    const loaded = await builtinsLoadedBy(line.split(' '));
    // The probe sees what it should: the file system is always there.
    expect(loaded).toContain('fs');
    expect(loaded.filter((m) => UNNEEDED.includes(m))).toEqual([]);
  });

  it('sees them where they are loaded: `run` imports child_process for the target it starts', async () => {
    expect(await builtinsLoadedBy(['run', '--help'])).toEqual(expect.arrayContaining(['child_process', 'crypto']));
  });
});

describe("the build's start-up patches (scripts/build.mjs) leave yargs' output as it was", () => {
  it.each(['--help', 'run --help', 'compare --help'])('stresslab %s: the same text from dist/ (patched) and from the sources (yargs as shipped)', async (line) => {
    const args = line.split(' ');
    const [compiled, sources] = await Promise.all([cli(COMPILED, args), cli(SOURCES, args, ['--import', 'tsx'])]);
    expect(compiled.stdout.length).toBeGreaterThan(500);
    expect(compiled.stdout).toBe(sources.stdout);
  });
});
