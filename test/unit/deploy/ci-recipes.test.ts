import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { presetNames } from '../../../harness/scenario/scenario-files.ts';
import { cliOptions, parseStresslabCall, shellCommands } from '../../support/cli-flags.ts';
import type { StresslabCall } from '../../support/cli-flags.ts';

/** Every command's options, read from the yargs builders (each command module loaded once). */
const CLI_OPTIONS = await cliOptions();

/*
 * GitHub Actions does not run here: the recipes are checked as data (triggers, the steps that
 * matter, every stresslab command line against the real CLI), and the shell steps that do real
 * work on their own (host extraction, the history branch) are run with bash and a local git remote.
 */

const root = fileURLToPath(new URL('../../../', import.meta.url));

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  'continue-on-error'?: boolean;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, { steps: Step[]; env?: Record<string, string> }>;
}

const load = (file: string): Workflow => parse(readFileSync(path.join(root, 'examples/ci', file), 'utf8')) as Workflow;
const steps = (w: Workflow): Step[] => Object.values(w.jobs).flatMap((j) => j.steps);
const uses = (w: Workflow, action: string): Step | undefined => steps(w).find((s) => s.uses?.split('@')[0] === action);
const calls = (w: Workflow): { step: Step; call: StresslabCall; words: string[] }[] =>
  steps(w).flatMap((step) =>
    shellCommands(step.run ?? '').flatMap((words) => {
      const call = parseStresslabCall(words);
      return call === null ? [] : [{ step, call, words }];
    }),
  );
const runCalls = (w: Workflow, scenario?: string) => calls(w).filter((c) => c.call.command === 'run' && (scenario === undefined || c.call.positionals[0] === scenario));
const valueOf = (words: readonly string[], flag: string): string | undefined => words[words.indexOf(`--${flag}`) + 1];

function expectRealCommands(w: Workflow): void {
  const cli = CLI_OPTIONS;
  const all = calls(w);
  expect(all.length).toBeGreaterThan(0);
  for (const { call } of all) {
    const known = cli.get(call.command);
    expect(known, `stresslab ${call.command} is a command`).toBeDefined();
    for (const f of call.flags) {
      const ok = known?.has(f) === true;
      expect(ok, `stresslab ${call.command} --${f}`).toBe(true);
    }
  }
}

function expectInstallSteps(w: Workflow): void {
  expect(uses(w, 'actions/checkout')).toBeDefined();
  expect(String(uses(w, 'actions/setup-node')?.with?.['node-version'])).toBe('20');
  expect(steps(w).some((s) => /^npm ci\b/m.test(s.run ?? ''))).toBe(true);
}

/** Runs a step's script with bash the way Actions does (bash -e), `${{ … }}` replaced from `exprs`. */
function runStep(step: Step, options: { cwd: string; env: Record<string, string>; exprs?: Record<string, string> }): string {
  const script = (step.run ?? '').replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_m, e: string) => options.exprs?.[e] ?? '');
  return execFileSync('bash', ['--noprofile', '--norc', '-e', '-c', script], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: options.cwd, GIT_CONFIG_NOSYSTEM: '1', ...options.env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

describe('examples/ci/nightly-staging.yml', () => {
  const w = load('nightly-staging.yml');
  const named = (id: string): Step => {
    const s = steps(w).find((x) => x.id === id || x.name === id);
    if (s === undefined) throw new Error(`no step ${id}`);
    return s;
  };

  it('runs on a schedule and by hand, after checkout, Node 20 and npm ci', () => {
    expect(w.on).toHaveProperty('schedule');
    expect((w.on.schedule as { cron: string }[])[0]?.cron).toMatch(/^(\S+\s+){4}\S+$/);
    expect(w.on).toHaveProperty('workflow_dispatch');
    expectInstallSteps(w);
  });

  it('runs a chaos and a load scenario against the staging secrets, allowed and confirmed', async () => {
    const presets = await presetNames();
    const runs = runCalls(w);
    expect(runs.map((r) => r.call.positionals[0]).some((s) => s?.startsWith('chaos-'))).toBe(true);
    expect(runs.map((r) => r.call.positionals[0]).some((s) => s !== undefined && !s.startsWith('chaos-'))).toBe(true);
    for (const { words, call, step } of runs) {
      expect(presets).toContain(call.positionals[0]);
      expect(valueOf(words, 'env')).toBe('nightly');
      expect(valueOf(words, 'target')).toBe('$STAGING_TARGET_URL');
      expect(call.flags).toEqual(expect.arrayContaining(['allow-target', 'yes']));
      // A failed first run must not skip the second: the verdict step fails the job at the end.
      expect(step['continue-on-error']).toBe(true);
    }
    const chaos = runs.find((r) => r.call.positionals[0]?.startsWith('chaos-'));
    expect(valueOf(chaos?.words ?? [], 'toxiproxy')).toBe('$STAGING_TOXIPROXY_URL');
    expect(w.jobs.nightly?.env?.STAGING_TARGET_URL).toBe('${{ secrets.STAGING_TARGET_URL }}');
    expectRealCommands(w);
  });

  it('uploads the reports, writes report.md to the job summary and renders the history', () => {
    const upload = uses(w, 'actions/upload-artifact');
    expect(upload?.with?.path).toBe('reports/');
    expect(upload?.if).toBe('always()');
    const history = calls(w).find((c) => c.call.command === 'report' && c.call.flags.includes('history'));
    expect(valueOf(history?.words ?? [], 'history')).toBe('reports/nightly/history.jsonl');
  });

  it('the summary step puts every report.md in the job summary, re-rendering cut-short runs', () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'nightly-summary-'));
    temps.push(cwd);
    mkdirSync(path.join(cwd, 'bin'));
    // A stand-in CLI that logs its arguments and renders what `stresslab report` would.
    writeFileSync(
      path.join(cwd, 'bin/stresslab.mjs'),
      [
        "import fs from 'node:fs';",
        "const [cmd, arg, value] = process.argv.slice(2);",
        "fs.appendFileSync('calls.log', process.argv.slice(2).join(' ') + '\\n');",
        "if (cmd === 'report' && arg === '--history') fs.writeFileSync(value.replace('.jsonl', '.html'), '<html>');",
        "else if (cmd === 'report') fs.writeFileSync(arg + 'report.md', '# re-rendered ' + arg + '\\n');",
      ].join('\n'),
    );
    mkdirSync(path.join(cwd, 'reports/chaos-network/r1'), { recursive: true });
    writeFileSync(path.join(cwd, 'reports/chaos-network/r1/result.json'), '{}');
    writeFileSync(path.join(cwd, 'reports/chaos-network/r1/report.md'), '# chaos-network PASS\n');
    mkdirSync(path.join(cwd, 'reports/medium/r2'), { recursive: true });
    writeFileSync(path.join(cwd, 'reports/medium/r2/result.json'), '{}');
    mkdirSync(path.join(cwd, 'reports/nightly'), { recursive: true });
    writeFileSync(path.join(cwd, 'reports/nightly/history.jsonl'), '{}\n{}\n');
    const summary = path.join(cwd, 'summary.md');
    runStep(named('Reports and job summary'), { cwd, env: { GITHUB_STEP_SUMMARY: summary } });
    const text = readFileSync(summary, 'utf8');
    expect(text).toContain('# chaos-network PASS');
    expect(text).toContain('# re-rendered reports/medium/r2/');
    expect(text).toContain('History: 2 runs');
    expect(readFileSync(path.join(cwd, 'calls.log'), 'utf8').trim().split('\n')).toEqual(['report reports/medium/r2/', 'report --history reports/nightly/history.jsonl']);
  });

  it('fails the job when any run failed', () => {
    const verdict = named('Verdict');
    const exprs = (chaos: string, loadCode: string) => ({ 'steps.chaos.outputs.code': chaos, 'steps.load.outputs.code': loadCode });
    const cwd = mkdtempSync(path.join(tmpdir(), 'nightly-verdict-'));
    temps.push(cwd);
    expect(() => runStep(verdict, { cwd, env: {}, exprs: exprs('0', '0') })).not.toThrow();
    expect(() => runStep(verdict, { cwd, env: {}, exprs: exprs('1', '0') })).toThrow();
    expect(() => runStep(verdict, { cwd, env: {}, exprs: exprs('0', '4') })).toThrow();
  });

  it('extracts the hosts to allow from the secret URLs', () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'nightly-hosts-'));
    temps.push(cwd);
    const out = path.join(cwd, 'out');
    runStep(named('hosts'), {
      cwd,
      env: { GITHUB_OUTPUT: out, STAGING_TARGET_URL: 'https://user:pw@api.staging.example.com/base', STAGING_TOXIPROXY_URL: 'http://toxi.staging.example.com:8474' },
    });
    expect(readFileSync(out, 'utf8')).toBe('target=api.staging.example.com\ntoxiproxy=toxi.staging.example.com\n');
  });

  it('keeps the history on its own branch across runs (restore → append → save, twice)', () => {
    const base = mkdtempSync(path.join(tmpdir(), 'nightly-history-'));
    temps.push(base);
    const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: base, GIT_CONFIG_NOSYSTEM: '1' } });
    const remote = path.join(base, 'remote.git');
    git(base, 'init', '--quiet', '--bare', remote);
    const seed = path.join(base, 'seed');
    git(base, 'init', '--quiet', '-b', 'main', seed);
    writeFileSync(path.join(seed, 'README.md'), 'repo\n');
    git(seed, 'add', '.');
    git(seed, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '--quiet', '-m', 'init');
    git(seed, 'push', '--quiet', remote, 'main');
    const env = { RUNNER_TEMP: '', HISTORY_BRANCH: 'stresslab-history' };
    for (const run of ['1', '2']) {
      const work = path.join(base, `checkout-${run}`);
      git(base, 'clone', '--quiet', '--depth=1', '--branch', 'main', `file://${remote}`, work);
      const runnerTemp = path.join(base, `temp-${run}`);
      mkdirSync(runnerTemp);
      runStep(named('Restore run history'), { cwd: work, env: { ...env, RUNNER_TEMP: runnerTemp } });
      // What `stresslab run --env nightly` does: append one line.
      writeFileSync(path.join(work, 'reports/nightly/history.jsonl'), `{"run":${run}}\n`, { flag: 'a' });
      runStep(named('Save run history'), { cwd: work, env: { ...env, RUNNER_TEMP: runnerTemp }, exprs: { 'github.run_id': run } });
    }
    const saved = git(base, '--git-dir', remote, 'show', 'stresslab-history:nightly/history.jsonl');
    expect(saved).toBe('{"run":1}\n{"run":2}\n');
    // The branch holds only the history, never the code.
    expect(git(base, '--git-dir', remote, 'ls-tree', '-r', '--name-only', 'stresslab-history').trim()).toBe('nightly/history.jsonl');
    expect(git(base, '--git-dir', remote, 'rev-list', '--count', 'stresslab-history').trim()).toBe('2');
  });
});

describe('examples/ci/pre-release-gate.yml', () => {
  const w = load('pre-release-gate.yml');

  it('runs on version tags and release branches', () => {
    const push = w.on.push as { tags?: string[]; branches?: string[] };
    expect(push.tags).toEqual(['v*']);
    expect(push.branches).toEqual(['release/**']);
    expectInstallSteps(w);
  });

  it('gates with `stresslab ab`: the last release against this commit, light preset, quick profile, each build started by its own command', () => {
    const abCalls = calls(w).filter((c) => c.call.command === 'ab');
    expect(abCalls).toHaveLength(1);
    const gate = abCalls[0]!;
    expect(runCalls(w)).toEqual([]);
    expect(gate.call.positionals).toEqual(['light']);
    expect(valueOf(gate.words, 'profile')).toBe('quick');
    expect(valueOf(gate.words, 'env')).toBe('ci');
    expect(Number(valueOf(gate.words, 'pairs'))).toBeGreaterThanOrEqual(3);
    for (const side of ['a', 'b']) {
      expect(valueOf(gate.words, `${side}-url`)).toBe('http://127.0.0.1:{{port}}');
      expect(valueOf(gate.words, `${side}-start`)).toMatch(/run --silent reference-service$/);
    }
    // Build A runs from the last release's worktree, which the step before makes.
    expect(valueOf(gate.words, 'a-start')).toContain('--prefix $A_DIR');
    expect(steps(w).some((s) => /git worktree add \.\.\/last-release "\$last"/.test(s.run ?? ''))).toBe(true);
    // No committed baseline any more.
    expect(calls(w).some((c) => c.call.command === 'baseline')).toBe(false);
    // The exit code of stresslab is the step's: 1 on a regression fails the job.
    expect(gate.step['continue-on-error']).toBeUndefined();
    expect(gate.step.run).toMatch(/exit \$code\s*$/);
    expectRealCommands(w);
  });

  it('the build step picks the newest earlier v* tag as build A, or this commit twice with a planted slowdown', () => {
    const step = steps(w).find((s) => s.id === 'builds');
    if (step === undefined) throw new Error('no builds step');
    // The step makes ../last-release: one level down, so it lands in this test's own directory.
    const top = mkdtempSync(path.join(tmpdir(), 'gate-builds-'));
    temps.push(top);
    const repo = path.join(top, 'candidate');
    mkdirSync(repo);
    const git = (...args: string[]): string => execFileSync('git', args, { cwd: repo, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: repo, GIT_CONFIG_NOSYSTEM: '1' } });
    git('init', '-q', '-b', 'main');
    git('-c', 'user.email=a@b', '-c', 'user.name=t', 'commit', '-q', '--allow-empty', '-m', 'one');
    git('tag', 'v1.0.0');
    git('-c', 'user.email=a@b', '-c', 'user.name=t', 'commit', '-q', '--allow-empty', '-m', 'two');
    git('tag', 'v1.1.0');
    const out = path.join(repo, 'out.txt');
    writeFileSync(out, '');
    // npm ci in the worktree is not under test: a stand-in npm on PATH.
    const bin = path.join(repo, '.bin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'npm'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const env = { GITHUB_OUTPUT: out, PATH: `${bin}:${process.env.PATH ?? ''}` };
    const log = runStep(step, { cwd: repo, env: { ...env, PLANTED: '' } });
    expect(log).toContain('build A is v1.0.0');
    expect(readFileSync(out, 'utf8')).toBe('a_dir=../last-release\nb_env=TARGET_WORK_FACTOR=1\n');
    writeFileSync(out, '');
    runStep(step, { cwd: repo, env: { ...env, PLANTED: '1.1' } });
    expect(readFileSync(out, 'utf8')).toBe('a_dir=.\nb_env=TARGET_WORK_FACTOR=1.1\n');
  });

  it("the gate step exits with stresslab's exit code", () => {
    const gate = calls(w).find((c) => c.call.command === 'ab')?.step;
    if (gate === undefined) throw new Error('no gate step');
    const cwd = mkdtempSync(path.join(tmpdir(), 'gate-step-'));
    temps.push(cwd);
    mkdirSync(path.join(cwd, 'bin'));
    // A stand-in CLI with a chosen exit code: the step's own shell logic is what is under test.
    for (const code of [0, 1, 4]) {
      writeFileSync(path.join(cwd, 'bin/stresslab.mjs'), `process.exit(${code});\n`);
      let status = 0;
      let stdout = '';
      try {
        stdout = runStep(gate, { cwd, env: {} });
      } catch (e) {
        status = (e as { status: number }).status;
        stdout = String((e as { stdout: string }).stdout);
      }
      expect(status).toBe(code);
      if (code === 1) expect(stdout).toContain('::error title=stresslab gate::regression against the last release');
    }
  });

  it('publishes junit.xml with a JUnit action even when the gate failed', () => {
    const junit = uses(w, 'mikepenz/action-junit-report');
    expect(junit?.if).toBe('always()');
    expect(junit?.with?.report_paths).toBe('reports/ab-verdict.junit.xml');
    expect(w.permissions?.checks).toBe('write');
    const gateUpload = w.jobs.gate?.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(gateUpload?.if).toBe('always()');
  });
});
