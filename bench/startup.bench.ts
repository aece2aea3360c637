/**
 * How long a CLI call takes to start and answer: `stresslab --help`, `--version`, `list`,
 * `validate light` and `plan light`, wall time from spawn to exit, and the peak memory (RSS) of the
 * process. Three contenders, run alternately call by call:
 * - installed: the packed package installed in an empty project (`npm pack`, `npm i -D` the tarball),
 *   its `node_modules/.bin/stresslab` executed as a shell (or `npx`, after npm's own start-up) does:
 *   what a user who installed stresslab waits for;
 * - checkout: bin/stresslab.mjs in this checkout, running dist/ as `npm start` does; it first checks
 *   that no source file is newer than dist/ (bin/stresslab.mjs), a few ms more;
 * - sources: the same main() from the TypeScript sources through tsx (what every call cost before).
 * A bare `node -e 0` is the floor.
 *
 * Goal (issue 18): ≤ 300 ms wall for --help, list, validate and plan, installed and checkout, on
 * this machine. Runs `npm run build` first; installs the package into a temporary directory
 * (removed at the end). Knob: BENCH_RUNS (15 per contender).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { median } from '../harness/analysis/stats/order-stats.ts';
import { repoRoot } from '../harness/core/repo-root.ts';
import { installPackedPackage } from '../test/support/installed-package.ts';

const runs = Number(process.env.BENCH_RUNS ?? 15);
const GOAL_MS = 300;
const BIN = path.join(repoRoot, 'bin', 'stresslab.mjs');
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

const commands: ReadonlyArray<{ label: string; args: string[]; goal: boolean }> = [
  { label: '--help', args: ['--help'], goal: true },
  { label: 'list', args: ['list'], goal: true },
  { label: 'validate light', args: ['validate', 'light'], goal: true },
  { label: 'plan light', args: ['plan', 'light'], goal: true },
  { label: '--version', args: ['--version'], goal: false },
];

interface Contender {
  name: string;
  /** Counted against the goal. */
  goal: boolean;
  cwd: string;
  argv(args: string[]): string[];
}

// Built first (0.3 s), so the checkout contender runs dist/ and not the sources (bin/stresslab.mjs
// runs the sources when any is newer than dist/).
execFileSync('npm', ['run', 'build', '--silent'], { cwd: repoRoot, stdio: 'inherit' });
const work = await fs.mkdtemp(path.join(os.tmpdir(), 'stresslab-startup-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
console.log('installing the packed package into an empty project…');
const project = await installPackedPackage(work);

const contenders: Contender[] = [
  { name: 'installed', goal: true, cwd: project, argv: (args) => [path.join(project, 'node_modules', '.bin', 'stresslab'), ...args] },
  { name: 'checkout', goal: true, cwd: repoRoot, argv: (args) => [BIN, ...args] },
  {
    name: 'sources (tsx)',
    goal: false,
    cwd: repoRoot,
    argv: (args) => [
      process.execPath,
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      `const { main } = await import(${JSON.stringify(path.join(repoRoot, 'harness', 'cli', 'main.ts'))}); process.exitCode = await main(process.argv.slice(1));`,
      '--',
      ...args,
    ],
  },
  { name: 'bare node', goal: false, cwd: repoRoot, argv: () => [process.execPath, '-e', '0'] },
];

/** Wall ms from spawn to exit, and the child's peak RSS in MB (GNU time's %M) when /usr/bin/time exists. */
function once(argv: string[], cwd: string): Promise<{ ms: number; rssMb: number | null; code: number | null }> {
  const [cmd, ...rest] = TIME === null ? argv : [TIME, '-f', '%M', ...argv];
  const t0 = performance.now();
  const child = spawn(cmd!, rest, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      const ms = performance.now() - t0;
      const kb = TIME === null ? NaN : Number(err.trim().split('\n').at(-1));
      resolve({ ms, rssMb: Number.isFinite(kb) ? kb / 1024 : null, code });
    }),
  );
}

console.log(`startup: ${runs} calls per command and contender, alternating; median wall ms (median peak RSS MB)\n`);
const header = ['command', ...contenders.map((c) => c.name), 'sources ÷ checkout', `goal ≤ ${GOAL_MS} ms`];
const rows: string[][] = [];
for (const c of commands) {
  const samples = contenders.map(() => ({ ms: [] as number[], rss: [] as number[] }));
  for (let i = 0; i < runs; i++) {
    for (const [k, contender] of contenders.entries()) {
      const r = await once(contender.argv(c.args), contender.cwd);
      if (r.code !== 0 && contender.name !== 'bare node') throw new Error(`${contender.name} ${c.label}: exit ${r.code}`);
      samples[k]!.ms.push(r.ms);
      if (r.rssMb !== null) samples[k]!.rss.push(r.rssMb);
    }
  }
  const med = samples.map((s) => median(s.ms));
  const cells = samples.map((s, k) => `${med[k]!.toFixed(0)}${s.rss.length > 0 ? ` (${median(s.rss).toFixed(0)})` : ''}`);
  const at = (name: string): number => med[contenders.findIndex((k) => k.name === name)]!;
  const worst = Math.max(...contenders.filter((k) => k.goal).map((k) => at(k.name)));
  rows.push([c.label, ...cells, `× ${(at('sources (tsx)') / at('checkout')).toFixed(1)}`, c.goal ? (worst <= GOAL_MS ? 'met' : 'NOT met') : '—']);
}
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
for (const r of [header, ...rows]) console.log(r.map((cell, i) => cell.padEnd(widths[i]!)).join('  '));
