import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { virtualScreen } from '../../support/virtual-screen.ts';

/*
 * The live view on a real pseudo-terminal (util-linux `script`) and in a real pipe: the driver
 * process decides the mode from its own stdout, exactly as the CLI does.
 */

const root = fileURLToPath(new URL('../../../', import.meta.url));
const driver = ['--import', 'tsx', 'test/support/live-view-driver.ts', '5'];
const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const ANSI = /\u001b\[/;

describe('live view', () => {
  it.skipIf(!hasScript)('on a TTY redraws one frame in place; the screen ends with the last state', () => {
    const command = `stty cols 100 rows 40; exec ${process.execPath} ${driver.join(' ')}`;
    const r = spawnSync('script', ['-qfec', command, '/dev/null'], { cwd: root, encoding: 'utf8', timeout: 30_000 });
    expect(r.status, r.stderr).toBe(0);
    const out = r.stdout.replace(/\r\n/g, '\n');
    expect(out).toContain('isTTY=true columns=100');
    expect(out).toMatch(/\u001b\[3A/);
    expect(out).toContain('\u001b[2K');
    const screen = virtualScreen(out);
    expect(screen[0]).toBe('isTTY=true columns=100');
    expect(screen[1]).toBe('fault net-latency#1 injected');
    expect(screen[2]).toMatch(/^\[█+░+\] 0:04 \/ 0:05 {2}80% {2}0:01 left {2}steady$/);
    expect(screen[3]).toBe('104 rps   p95 14.0 ms   errors 0.00%');
    expect(screen[4]).toBe('no fault active   recovering 1/5 healthy s');
    expect(screen[5]).toBe('done');
    expect(screen).toHaveLength(6);
  });

  it('in a pipe prints plain lines, one per interval, with no escape sequences', () => {
    const r = spawnSync(process.execPath, driver, { cwd: root, encoding: 'utf8', timeout: 30_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(ANSI);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('isTTY=false columns=none');
    expect(lines.at(-1)).toBe('done');
    const frames = lines.filter((l) => l.startsWith('['));
    expect(frames.map((l) => /^\[(\d:\d\d)\//.exec(l)?.[1])).toEqual(['0:00', '0:01', '0:02', '0:03', '0:04']);
    expect(frames[2]).toContain('errors=25% fault=net-latency#1 left=0:02');
    expect(lines).toContain('fault net-latency#1 injected');
  });
});
