import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { stopChild } from '../../../process-kit/stop-child.ts';

/** A real child that logs the signals it gets and ignores those listed; prints "ready" once its handlers are set. */
function child(ignore: string[]) {
  const script = `for (const s of ['SIGTERM','SIGINT','SIGQUIT']) process.on(s, () => { console.log(s); if (!${JSON.stringify(ignore)}.includes(s)) process.exit(0); }); console.log('ready'); setInterval(() => {}, 1000);`;
  const c = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  c.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const ready = new Promise<void>((r) => c.stdout.on('data', () => out.includes('ready') && r()));
  return { c, ready, out: () => out };
}

describe('stopChild', () => {
  it('stops at the first signal the child obeys', async () => {
    const k = child([]);
    await k.ready;
    await stopChild(k.c, [['SIGINT', 5_000], ['SIGQUIT', 5_000]]);
    expect(k.c.exitCode).toBe(0);
    expect(k.out()).toMatch(/SIGINT/);
    expect(k.out()).not.toMatch(/SIGQUIT/);
  });

  it('escalates through the steps, then SIGKILL, and resolves once the child is gone', async () => {
    const k = child(['SIGTERM', 'SIGQUIT']);
    await k.ready;
    await stopChild(k.c, [['SIGTERM', 200], ['SIGQUIT', 200]]);
    expect(k.c.signalCode).toBe('SIGKILL');
    expect(k.out()).toMatch(/SIGTERM[\s\S]*SIGQUIT/);
  });

  it('returns at once for a child that has already exited', async () => {
    const k = child([]);
    await k.ready;
    k.c.kill('SIGTERM');
    await new Promise((r) => k.c.once('exit', r));
    await stopChild(k.c, [['SIGTERM', 60_000]]);
    expect(k.c.exitCode).toBe(0);
  });
});
