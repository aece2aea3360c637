import { describe, expect, it } from 'vitest';
import { formatRunSummary } from '../../../harness/cli/run-summary.ts';
import { loadFixtureResult } from '../../fixtures/report/load-fixture.ts';

describe('formatRunSummary', () => {
  it('prints TTD and TTR to the hundredth, as the reports do', () => {
    const result = loadFixtureResult();
    const summary = formatRunSummary({ ...result, faults: result.faults.map((f) => ({ ...f, ttdSec: 0.0371, ttrSec: f.ttrSec === null ? null : 2.049 })) });
    expect(summary).toMatch(/db-latency .* 0\.04s .* 2\.05s/);
    expect(summary).toMatch(/db-partition .* 0\.04s .* — /);
  });
});
