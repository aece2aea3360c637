import { describe, expect, it } from 'vitest';
import { engineFor } from '../../../harness/load/index.ts';

describe('engineFor', () => {
  it('runs arrival-rate executors open-model and the others closed-model', () => {
    expect(engineFor('constant-arrival-rate').name).toBe('arrival');
    expect(engineFor('ramping-arrival-rate').name).toBe('arrival');
    for (const e of ['constant-vus', 'ramping-vus', 'shared-iterations', 'per-vu-iterations'] as const) expect(engineFor(e).name).toBe('autocannon');
  });
});
