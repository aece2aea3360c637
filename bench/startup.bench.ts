/**
 * How long a CLI call takes to start and answer: `stresslab --help`, `--version`, `list`,
 * `validate light` and `plan light`, wall time from spawn to exit, and the peak memory (RSS) of the
 * process. Two contenders, run alternately call by call:
 * - compiled: bin/stresslab.mjs executed as `npx stresslab` executes it (its shebang's node flags
 *   included), running dist/, as the installed package and `npm start` do;
 * - sources: the same main() from the TypeScript sources through tsx (what every call cost before).
 * A bare `node -e 0` is the floor.
 *
 * Goal (issue 18): ≤ 300 ms wall for --help, list, validate and plan, compiled, on this machine.
 * Runs `npm run build` first. Knob: BENCH_RUNS (15 per contender).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { median } from '../harness/analysis/stats/order-stats.ts';
import { repoRoot } from '../harness/core/repo-root.ts';

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
  argv(args: string[]): string[];
}

const contenders: Contender[] = [
  { name: 'compiled', argv: (args) => [BIN, ...args] },
  {
    name: 'sources (tsx)',
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
  { name: 'bare node', argv: () => [process.execPath, '-e', '0'] },
];

/** Wall ms from spawn to exit, and the child's peak RSS in MB (GNU time's %M) when /usr/bin/time exists. */
function once(argv: string[]): Promise<{ ms: number; rssMb: number | null; code: number | null }> {
  const [cmd, ...rest] = TIME === null ? argv : [TIME, '-f', '%M', ...argv];
  const t0 = performance.now();
  const child = spawn(cmd!, rest, { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
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

// Built first (0.3 s), so the compiled contender runs dist/ and not the sources (bin/stresslab.mjs
// runs the sources when any is newer than dist/).
execFileSync('npm', ['run', 'build', '--silent'], { cwd: repoRoot, stdio: 'inherit' });

console.log(`startup: ${runs} calls per command and contender, alternating; median wall ms (median peak RSS MB)\n`);
const header = ['command', ...contenders.map((c) => c.name), 'sources ÷ compiled', `goal ≤ ${GOAL_MS} ms`];
const rows: string[][] = [];
for (const c of commands) {
  const samples = contenders.map(() => ({ ms: [] as number[], rss: [] as number[] }));
  for (let i = 0; i < runs; i++) {
    for (const [k, contender] of contenders.entries()) {
      const r = await once(contender.argv(c.args));
      if (r.code !== 0 && contender.name !== 'bare node') throw new Error(`${contender.name} ${c.label}: exit ${r.code}`);
      samples[k]!.ms.push(r.ms);
      if (r.rssMb !== null) samples[k]!.rss.push(r.rssMb);
    }
  }
  const med = samples.map((s) => median(s.ms));
  const cells = samples.map((s, k) => `${med[k]!.toFixed(0)}${s.rss.length > 0 ? ` (${median(s.rss).toFixed(0)})` : ''}`);
  const compiled = med[0]!;
  rows.push([c.label, ...cells, `× ${(med[1]! / compiled).toFixed(1)}`, c.goal ? (compiled <= GOAL_MS ? 'met' : 'NOT met') : '—']);
}
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
for (const r of [header, ...rows]) console.log(r.map((cell, i) => cell.padEnd(widths[i]!)).join('  '));
