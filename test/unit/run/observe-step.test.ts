import { describe, expect, it } from 'vitest';
import { observeStep } from '../../../harness/run/observe-step.ts';
import type { RunStepEvent } from '../../../harness/run/run-observer.ts';

describe('observeStep', () => {
  it('tells begin then done around the work, and returns its value', async () => {
    const seen: RunStepEvent[] = [];
    const value = await observeStep((e) => seen.push(e), 'postgres', async () => {
      seen.push({ step: 'postgres', status: 'begin', detail: 'inside' });
      return 42;
    }, 'embedded');
    expect(value).toBe(42);
    expect(seen).toEqual([{ step: 'postgres', status: 'begin', detail: 'embedded' }, { step: 'postgres', status: 'begin', detail: 'inside' }, { step: 'postgres', status: 'done' }]);
  });

  it('tells failed with the reason and rethrows the same error', async () => {
    const seen: RunStepEvent[] = [];
    const boom = new Error('port 5432 in use');
    await expect(observeStep((e) => seen.push(e), 'target', () => Promise.reject(boom))).rejects.toBe(boom);
    expect(seen).toEqual([{ step: 'target', status: 'begin' }, { step: 'target', status: 'failed', detail: 'port 5432 in use' }]);
  });

  it('an observer that throws does not break the step, and none at all is fine', async () => {
    await expect(observeStep(() => { throw new Error('observer bug'); }, 'cleanup', async () => 'ok')).resolves.toBe('ok');
    await expect(observeStep(undefined, 'cleanup', async () => 'ok')).resolves.toBe('ok');
  });
});
