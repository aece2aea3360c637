import { describe, expect, it } from 'vitest';
import { runResultSchema } from '../../../harness/contract/run-result.ts';
import { renderMarkdown } from '../../../harness/report/render-markdown.ts';
import { loadFixtureResult, passingResult } from '../../fixtures/report/load-fixture.ts';

/** The cells of the Markdown table row whose first cell is `first`, with GFM's `\|` kept inside cells. */
function row(markdown: string, first: string): string[] {
  const line = markdown.split('\n').find((l) => l.startsWith(`| ${first} |`));
  if (!line) throw new Error(`no row starting with ${first}`);
  return line.slice(2, -2).split(/(?<!\\) \| /);
}

describe('renderMarkdown', () => {
  const result = loadFixtureResult();
  const md = renderMarkdown(result);

  it('renders the fixed chaos-db result exactly as the reviewed snapshot', async () => {
    expect(runResultSchema.safeParse(result).success).toBe(true);
    await expect(md).toMatchFileSnapshot('./__snapshots__/chaos-db-report.md');
  });

  it('prints recovery to the hundredth and says at which resolution it was measured', () => {
    const at = (resolutionMs: number) => renderMarkdown({ ...result, recovery: { ...result.recovery, resolutionMs } });
    expect(at(100)).toMatch(/MTTR 6\.00 s .*; measured at 0\.1 s resolution\./);
    expect(at(1000)).toContain('measured on whole seconds (a timeline without sub-second slices).');
    expect(md).not.toContain('resolution'); // a result written before it was recorded
  });

  it('says when latency was compared at equal machine speed', () => {
    expect(md).not.toContain('equal machine speed');
    const calibrated = { ...result, environment: { ...result.environment, calibration: { unitCpuUs: 1234, samples: 400 } } };
    expect(runResultSchema.safeParse(calibrated).success).toBe(true);
    expect(renderMarkdown(calibrated)).toMatch(/Latency, throughput and CPU per request are compared at equal machine speed \(this run's calibration: 1,?234 µs of CPU per probe unit/);
  });

  it('puts the verdict first, followed by every reason', () => {
    const lines = md.split('\n');
    expect(lines[0]).toBe('## ❌ FAIL — chaos-db (profile quick)');
    expect(lines.slice(2, 5)).toEqual([
      '- threshold http\\_req\\_duration{request:validate} p(95)&lt;250 failed: actual 312.4',
      '- fault db-partition was never recovered',
      '- regression: p99 latency +12.3% (95% CI +8.1% … +16.5%), beyond the 5% tolerance',
    ]);
  });

  it('lists requests sorted by name with count, rps, errors and percentiles, then the total', () => {
    expect(row(md, 'validate')).toEqual(['validate', '21,600', '120', '148', '0.69%', '88.3 ms', '312 ms', '804 ms', '2,545 ms']);
    expect(row(md, '**total**')[1]).toBe('**36,000**');
    const order = ['| execute |', '| status |', '| validate |', '| **total** |'].map((s) => md.indexOf(s));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(md).toContain('42 iterations were dropped');
  });

  it('shows what each comparison could have seen, and a blind gated metric with the runs it needs', () => {
    const withSight = renderMarkdown({
      ...result,
      regressions: [
        { metric: 'p50Ms', baseline: 3, current: 3.1, changePct: 3.3, ciLowPct: -1, ciHighPct: 7.9, verdict: 'ok', gated: true, mdcPct: 4.2, runsNeeded: 3 },
        { metric: 'p95Ms', baseline: 9, current: 9.2, changePct: 2.2, ciLowPct: -20, ciHighPct: 30, verdict: 'blind', gated: true, mdcPct: 31.4, runsNeeded: 14 },
        { metric: 'p99Ms', baseline: 20, current: 21, changePct: 5, ciLowPct: -40, ciHighPct: 60, verdict: 'blind', gated: true, mdcPct: 80, runsNeeded: null },
      ],
    });
    expect(row(withSight, 'p50Ms').slice(5)).toEqual(['4.2 %', '✅ ok']);
    expect(row(withSight, 'p95Ms').slice(5)).toEqual(['31 % (14 runs)', '🙈 blind']);
    expect(row(withSight, 'p99Ms').slice(5)).toEqual(['80 % (>100 runs)', '🙈 blind']);
  });

  it('shows each threshold, regression, fault, integrity and resource figure', () => {
    expect(row(md, 'http\\_req\\_duration{request:validate}')).toEqual([
      'http\\_req\\_duration{request:validate}', '`p(95)<250`', '312.4', '❌ **fail**',
    ]);
    expect(row(md, 'latency.p99')).toEqual(['latency.p99', '811.8', '911.6', '+12.3%', '[+8.1%, +16.5%]', '–', '❌ **regression**']);
    expect(row(md, 'requests.status.p99')[6]).toBe('➖ no data');
    expect(row(md, 'db-partition')).toEqual(['db-partition', 'db-partition', '2:00', '2:15', '1.00 s', '–', '❌ **no**']);
    expect(md).toContain('health-probe MTTR 3.50 s — the probe reported healthy 2.50 s before traffic recovered');
    expect(row(md, '10,388')).toEqual(['10,388', '10,386', '0', '❌ **2**', '0']);
    expect(row(md, 'target')).toEqual(['target', '58.3%', '84.7%', '97.5%', '349.8 s', '192.0 MiB', '250.0 MiB', '15.0 MiB/h', '⚠️ suspect']);
    expect(md).toContain('- ⚠️ environment fingerprint differs from the baseline (cpuModel)');
  });

  it('leaves out sections without data and says when all gates passed', () => {
    const out = renderMarkdown(passingResult());
    expect(out.startsWith('## ✅ PASS — chaos-db (profile quick)\n\nAll gates passed.')).toBe(true);
    expect(out).toContain('No baseline was compared.');
    for (const gone of ['### Faults', '### Integrity', '### Warnings', '| target |']) expect(out).not.toContain(gone);
    expect(out).toContain('| host |');
  });

  it('escapes user-supplied names so they cannot break tables or inject HTML', () => {
    const r = loadFixtureResult();
    const evil = 'a|b <img src=x onerror=alert(1)> *x* [l](http://e)';
    const stats = r.requests['validate'];
    if (!stats) throw new Error('fixture lacks validate');
    const out = renderMarkdown({ ...r, scenario: { ...r.scenario, name: evil }, requests: { [evil]: stats } });
    expect(out).not.toContain('<img');
    expect(out.split('\n')[0]).toBe('## ❌ FAIL — a\\|b &lt;img src=x onerror=alert(1)&gt; \\*x\\* \\[l\\](http://e) (profile quick)');
    const line = out.split('\n').find((l) => l.startsWith('| a\\|b'));
    expect(line?.split(/(?<!\\)\|/).length).toBe(11);
  });
});
