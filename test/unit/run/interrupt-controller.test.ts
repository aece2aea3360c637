import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { InterruptController } from '../../../harness/run/interrupt-controller.ts';
import type { ExitCode } from '../../../harness/core/exit-codes.ts';

function harness(rollback: () => Promise<void> = async () => {}) {
  const notes: string[] = [];
  const exits: ExitCode[] = [];
  let rollbacks = 0;
  let exited: () => void = () => {};
  const exitedOnce = new Promise<void>((resolve) => (exited = resolve));
  const controller = new InterruptController(
    {
      notify: (t) => void notes.push(t),
      rollback: () => {
        rollbacks++;
        return rollback();
      },
      exit: (code) => {
        exits.push(code);
        exited();
      },
    },
    { rollbackTimeoutMs: 200 },
  );
  return { controller, notes, exits, exitedOnce, rollbacks: () => rollbacks };
}

describe('InterruptController', () => {
  it('after an interrupted run has stopped and detached, the next press still exits 3 (not a death by signal); a run that ended by itself leaves no handler', () => {
    const h = harness();
    const proc = new EventEmitter();
    const detach = h.controller.attach(proc);
    proc.emit('SIGINT', 'SIGINT');
    detach();
    expect(proc.listenerCount('SIGINT')).toBe(1);
    proc.emit('SIGINT', 'SIGINT');
    expect(h.exits).toEqual([3]);
    expect(h.notes.at(-1)).toMatch(/again: the run has already stopped/);
    expect(proc.listenerCount('SIGINT')).toBe(0);
    const quiet = harness();
    const proc2 = new EventEmitter();
    quiet.controller.attach(proc2)();
    expect(proc2.listenerCount('SIGINT') + proc2.listenerCount('SIGTERM')).toBe(0);
  });

  it('first interrupt: aborts the run signal gracefully, no rollback or exit of its own', () => {
    const h = harness();
    expect(h.controller.signal.aborted).toBe(false);
    h.controller.handle('SIGINT');
    expect(h.controller.state).toBe('stopping');
    expect(h.controller.signal.aborted).toBe(true);
    expect(h.rollbacks()).toBe(0);
    expect(h.exits).toEqual([]);
    expect(h.notes[0]).toMatch(/partial results.*again to exit at once/);
  });

  it('second interrupt: rolls back, then exits 3 once', async () => {
    const h = harness();
    h.controller.handle('SIGINT');
    h.controller.handle('SIGINT');
    await h.exitedOnce;
    expect(h.rollbacks()).toBe(1);
    expect(h.exits).toEqual([3]);
  });

  it('second interrupt with a hanging rollback: exits 3 after the time bound', async () => {
    const h = harness(() => new Promise<void>(() => {}));
    const t0 = Date.now();
    h.controller.handle('SIGTERM');
    h.controller.handle('SIGTERM');
    await h.exitedOnce;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
    expect(h.exits).toEqual([3]);
    expect(h.notes.at(-1)).toContain('faults cleanup');
  });

  it('a failing rollback still exits 3 and says what to do', async () => {
    const h = harness(async () => {
      throw new Error('toxiproxy gone');
    });
    h.controller.handle('SIGINT');
    h.controller.handle('SIGINT');
    await h.exitedOnce;
    expect(h.exits).toEqual([3]);
    expect(h.notes.at(-1)).toMatch(/toxiproxy gone.*faults cleanup/);
  });

  it('third interrupt during a slow rollback exits at once, and never twice', async () => {
    const h = harness(() => new Promise<void>(() => {}));
    h.controller.handle('SIGINT');
    h.controller.handle('SIGINT');
    h.controller.handle('SIGINT');
    expect(h.exits).toEqual([3]);
    await new Promise((r) => setTimeout(r, 300));
    expect(h.exits).toEqual([3]);
  });

  it('attach routes SIGINT and SIGTERM of an emitter and detaches cleanly', () => {
    const h = harness();
    const proc = new EventEmitter();
    const detach = h.controller.attach(proc);
    proc.emit('SIGTERM', 'SIGTERM');
    expect(h.controller.state).toBe('stopping');
    detach();
    // Interrupted: only the late handler stays (one press: exit 3), the state machine no longer moves.
    expect(proc.listenerCount('SIGINT') + proc.listenerCount('SIGTERM')).toBe(2);
    proc.emit('SIGINT', 'SIGINT');
    expect(h.controller.state).toBe('stopping');
    expect(h.rollbacks()).toBe(0);
  });
});
