import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../../support/servers/spawn-test-server.ts';
import type { TestServer } from '../../support/servers/spawn-test-server.ts';
import { useIsolatedLedger } from '../../support/isolated-ledger.ts';
import { xtermScreen } from '../../support/xterm-screen.ts';

/*
 * `stresslab run` itself on a real pseudo-terminal (util-linux `script`) and in a real pipe, against
 * a loopback test server: 2 s of load at 20 rps with an `exec` fault (no Toxiproxy, no PostgreSQL),
 * so the whole file takes a few seconds. What the terminal shows is read back by replaying the bytes
 * through xterm.js's headless emulator (@xterm/headless), as a person would see it at the end.
 */

const root = fileURLToPath(new URL('../../../', import.meta.url));
const cli = path.join(root, 'bin/stresslab.mjs');
const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const ANSI = /\u001b\[/;
const BAR = /^\[[█░]+\] /;
const tmp = useIsolatedLedger('stresslab-live-pty-');
let server: TestServer;
let scenario: string;

beforeAll(async () => {
  server = await startTestServer({ kind: 'fast' });
  scenario = path.join(tmp.dir, 'tiny.json');
  await fs.writeFile(scenario, JSON.stringify({
    name: 'tiny',
    description: 'the live view under test',
    target: { url: server.url, health: '/health', timeout: '2s' },
    requests: [{ name: 'work', method: 'GET', path: '/' }],
    load: [{ executor: 'constant-arrival-rate', rate: 20, duration: '2s', preAllocatedVUs: 5, maxVUs: 10, gracefulStop: '1s' }],
    faults: [{ kind: 'exec', name: 'marker', at: '500ms', duration: '1s', inject: 'true', remove: 'true', expectEffect: false }],
  }));
});
afterAll(async () => {
  await server?.stop();
});

interface Ran {
  status: number | null;
  out: string;
  ms: number;
}

/** Runs the CLI; `ctrlC` types Ctrl-C (into the pty, whose line discipline makes it SIGINT) once `when` is printed. */
function runCli(opts: { pty: string | null; ctrlC?: { when: string } }): Promise<Ran> {
  const args = ['run', scenario, '--no-baseline', '--seed', '1', '--reports-dir', path.join(tmp.dir, 'reports')];
  const t0 = Date.now();
  const child = opts.pty === null
    ? spawn(process.execPath, [cli, ...args], { cwd: tmp.dir, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn('script', ['-qfec', `${opts.pty}; exec ${process.execPath} ${cli} ${args.join(' ')}`, '/dev/null'], { cwd: tmp.dir, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let typed = false;
  const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
  const onData = (chunk: Buffer): void => {
    out += chunk.toString('utf8');
    if (opts.ctrlC && !typed && out.includes(opts.ctrlC.when)) {
      typed = true;
      child.stdin?.write('\u0003');
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  return new Promise((resolve) => {
    child.on('close', (status) => {
      clearTimeout(timer);
      child.stdin?.end();
      resolve({ status, out, ms: Date.now() - t0 });
    });
  });
}

/** The frames drawn after the fault's removal was printed must not show it as active. */
function framesAfterRemoval(out: string): string {
  const at = out.indexOf('fault-remove marker#1');
  expect(at).toBeGreaterThan(0);
  return out.slice(at);
}

describe.concurrent('live view of a real run', () => {
  it.skipIf(!hasScript)('on a terminal: setup steps first, one frame redrawn in place, the last frame shows the fault removed', async () => {
    const r = await runCli({ pty: 'stty cols 100 rows 40' });
    expect([0, 1], r.out).toContain(r.status);
    const out = r.out.replace(/\r\n/g, '\n');
    // Setup steps are on screen before the load's first frame.
    const firstFrame = out.search(/\[[█░]+\] 0:00/);
    expect(out.indexOf('cleaning up what earlier runs left behind')).toBeGreaterThanOrEqual(0);
    expect(out.indexOf('✓ waiting for')).toBeLessThan(firstFrame);
    expect(out.indexOf('✓ readying the resource sampler')).toBeLessThan(firstFrame);
    expect(framesAfterRemoval(out)).not.toMatch(/fault marker#1 \(exec\) \d+:\d\d left/);
    const screen = await xtermScreen(r.out, { cols: 100, rows: 40 });
    // No stale frame or step line is left behind: one frame (the last), no step still "running".
    const frames = screen.filter((l) => BAR.test(l));
    expect(frames, screen.join('\n')).toHaveLength(1);
    expect(frames[0]).toMatch(/ \/ 0:03 {2}\d+% {2}done$/);
    expect(screen.filter((l) => l.startsWith('… '))).toEqual([]);
    const at = (re: RegExp): number => screen.findIndex((l) => re.test(l));
    expect(at(/^✓ waiting for .* to answer healthy/)).toBeLessThan(at(/fault-inject marker#1/));
    expect(at(/fault-inject marker#1/)).toBeLessThan(at(BAR));
    expect(screen[at(BAR) + 2]).toMatch(/^fault marker#1 \(exec\) removed at 0:0[12]/);
    expect(at(BAR)).toBeLessThan(at(/^✓ analysing and writing reports/));
    expect(at(/^✓ stopping what the run started/)).toBeLessThan(at(/^verdict: /));
    console.log(`pty run: ${r.ms} ms`);
  });

  it.skipIf(!hasScript)('on a 0-column terminal, Ctrl-C: 80-column frames, and the notice stays to the end of the output', async () => {
    const r = await runCli({ pty: 'stty cols 0 rows 0', ctrlC: { when: 'fault-inject marker#1' } });
    expect(r.status, r.out).toBe(3);
    const out = r.out.replace(/\r\n/g, '\n');
    expect(framesAfterRemoval(out)).not.toMatch(/fault marker#1 \(exec\) \d+:\d\d left/);
    // The terminal itself is wider than the 80 columns assumed when it says 0.
    const screen = await xtermScreen(r.out, { cols: 120, rows: 40 });
    const frames = screen.filter((l) => BAR.test(l));
    expect(frames, screen.join('\n')).toHaveLength(1);
    expect(frames[0]).toMatch(/ stopped: /);
    for (const l of screen.slice(screen.findIndex((x) => BAR.test(x)), screen.findIndex((x) => BAR.test(x)) + 3)) expect([...l].length).toBeLessThan(80);
    const notice = screen.findIndex((l) => l.startsWith('SIGINT: rolling back faults, stopping the load and writing partial results'));
    expect(notice, screen.join('\n')).toBeGreaterThan(screen.findIndex((l) => BAR.test(l)));
    expect(screen.slice(notice + 1).some((l) => BAR.test(l))).toBe(false);
    expect(screen.findIndex((l) => /^fault marker#1 \(exec\) removed at/.test(l))).toBeGreaterThan(0);
    console.log(`pty Ctrl-C run: ${r.ms} ms`);
  });

  it('in a pipe: plain lines, no cursor codes, few frames', async () => {
    const r = await runCli({ pty: null });
    expect([0, 1], r.out).toContain(r.status);
    expect(r.out).not.toMatch(ANSI);
    const lines = r.out.split('\n');
    expect(lines.indexOf('cleaning up what earlier runs left behind…')).toBeGreaterThanOrEqual(0);
    const frames = lines.filter((l) => /^\[\d+:\d\d\/\d+:\d\d \d+%\]/.test(l));
    // The first, one at each fault change, the last: the 10 s interval is never reached in 2 s.
    expect(frames.length, frames.join('\n')).toBeGreaterThanOrEqual(3);
    expect(frames.length).toBeLessThanOrEqual(4);
    expect(frames.at(-1)).toMatch(/ended="done".* fault=none removed=marker#1@0:0[12]/);
    expect(lines.findIndex((l) => l.startsWith('✓ waiting for'))).toBeLessThan(lines.indexOf(frames[0] ?? ''));
    console.log(`pipe run: ${r.ms} ms`);
  });
});
