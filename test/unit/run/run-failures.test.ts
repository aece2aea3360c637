import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { RunFailures } from '../../../harness/run/run-failures.ts';
import { exitCodeForVerdict } from '../../../harness/analysis/verdict.ts';
import { ExitCode } from '../../../harness/core/exit-codes.ts';

describe('RunFailures', () => {
  it('records every failure, aborts its signal at the first, and keeps the errno code', () => {
    const f = new RunFailures();
    expect(f.signal.aborted).toBe(false);
    f.fail('timeline', Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }));
    f.fail('report', 'a string thrown');
    expect(f.signal.aborted).toBe(true);
    expect((f.signal.reason as Error).message).toBe('ENOSPC: no space left on device');
    expect(f.first).toEqual({ stage: 'timeline', message: 'ENOSPC: no space left on device', code: 'ENOSPC' });
    expect(f.all.map((x) => [x.stage, x.code])).toEqual([['timeline', 'ENOSPC'], ['report', null]]);
  });

  it('takes uncaught exceptions and unhandled rejections of the process it is attached to, until detached', () => {
    const proc = new EventEmitter();
    const f = new RunFailures();
    const detach = f.attach(proc);
    proc.emit('uncaughtException', new Error('boom'));
    proc.emit('unhandledRejection', new Error('rejected'));
    expect(f.all.map((x) => `${x.stage}: ${x.message}`)).toEqual(['uncaught: boom', 'uncaught: rejected']);
    detach();
    expect(proc.listenerCount('uncaughtException') + proc.listenerCount('unhandledRejection')).toBe(0);
  });

  it('the error verdict exits 5, never 1', () => {
    expect(exitCodeForVerdict('error')).toBe(ExitCode.harnessFailed);
    expect(ExitCode.harnessFailed).toBe(5);
  });
});
