import { describe, expect, it } from 'vitest';
import { planCommand } from '../../../harness/cli/plan-command.ts';
import { StresslabError } from '../../../harness/core/stresslab-error.ts';
import { captureIo } from './validate-list-plan-io.ts';

describe('stresslab plan', () => {
  it('prints phases and faults of a preset in the chosen profile', async () => {
    const io = captureIo('/');
    expect(await planCommand.run({ scenario: 'chaos-db', profile: 'quick', seed: 1 }, io)).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toMatch(/^chaos-db \(profile quick\)/);
    expect(text).toMatch(/steady\s+0:00\.0\s+1:00\.0\s+constant-arrival-rate\s+50 req\/s/);
    expect(text).toMatch(/db-down#2\s+db-down\s+0:36\.0\s+0:39\.0/);
  });

  it('fails with BAD_SCENARIO for an unknown profile, listing the available ones', async () => {
    const e = await planCommand.run({ scenario: 'light', profile: 'nightly', seed: 1 }, captureIo('/')).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(StresslabError);
    expect((e as StresslabError).exitCode).toBe(2);
    expect((e as StresslabError).hint).toBe('available profiles: full, quick');
  });
});
