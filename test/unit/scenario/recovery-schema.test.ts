import { describe, expect, it } from 'vitest';
import { recoverySchema } from '../../../harness/scenario/schema-chaos.ts';
import { defaultAnalysisParameters } from '../../../harness/baseline/analysis-defaults.ts';

describe('recovery rules in time', () => {
  it('defaults to 3 s unhealthy for an impact and 5 s healthy for a recovery', () => {
    expect(recoverySchema.parse({})).toMatchObject({ unhealthyForMs: 3000, healthyForMs: 5000 });
    expect(defaultAnalysisParameters().recovery).toEqual({ onsetRunSec: 3, recoveryRunSec: 5, postWindowSec: 120 });
  });

  it('takes durations, sub-second ones included', () => {
    expect(recoverySchema.parse({ unhealthyFor: '1500ms', healthyFor: '2.5s' })).toMatchObject({ unhealthyForMs: 1500, healthyForMs: 2500 });
  });

  it('reads the older spelling in whole seconds, so older scenario files keep their meaning', () => {
    const r = recoverySchema.parse({ healthyBuckets: 3, unhealthyBuckets: 2 });
    expect(r).toMatchObject({ unhealthyForMs: 2000, healthyForMs: 3000 });
    expect(r).not.toHaveProperty('healthyBuckets');
  });
});
