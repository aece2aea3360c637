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

  it('prints the gate as one table: gated first, a reported-only metric that got worse as a warning, not repeated below', () => {
    const summary = formatRunSummary(loadFixtureResult());
    const lines = summary.split('\n');
    const at = (label: string): number => lines.findIndex((l) => l.startsWith(`${label} `));
    expect(lines[at('p95 latency')]).toMatch(/gated .*\+9\.3%\s+\+12\.3% .*✗ regression \(fails the run\)$/);
    expect(lines[at('p99 latency')]).toMatch(/reported .*⚠ worse \(not gated\)$/);
    expect(at('p95 latency')).toBeLessThan(at('p99 latency'));
    expect(summary).toContain('gate: 1 gated regression fails the run · 1 reported-only metric worse (not gated, does not fail)');
    // The fixture's warnings about p99 and the error rate repeat the table: not printed again; the others are.
    expect(summary).not.toMatch(/warning: (p99Ms|errorRate)/);
    expect(summary).toContain('warning: environment fingerprint differs from the baseline (cpuModel)');
  });
});
