import { describe, expect, it } from 'vitest';
import { runResultSchema } from '../../../harness/contract/run-result.ts';
import { renderMarkdown } from '../../../harness/report/render-markdown.ts';
import type { Stats } from '../../../harness/contract/stats.ts';
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

  it('shows the raw and the machine-corrected change side by side, labelled', () => {
    const headers = md.split('\n').find((l) => l.startsWith('| metric | gate |'));
    expect(headers).toBe('| metric | gate | baseline | current | raw change | at equal machine speed | verdict |');
    expect(row(md, 'p95 latency')).toEqual(['p95 latency', 'gated', '186.4 ms', '203.8 ms', '+9.3%', '+12.3%', '❌ **regression (fails the run)**']);
    // The error rate is not corrected for machine speed: its raw change is the judged one.
    expect(row(md, 'error rate').slice(4, 6)).toEqual(['+29.3%', '–']);
    expect(md).toMatch(/at equal machine speed: the change with the machine's measured speed factored out \(this run's calibration: 1,234 µs of CPU per probe unit\)/);
    // A result written before the raw change was kept: one `change` column, as it was.
    const old = renderMarkdown({ ...result, regressions: result.regressions.map(({ rawChangePct: _r, correction: _c, ...g }) => g) });
    expect(row(old, 'p95 latency').slice(4)).toEqual(['+12.3%', '❌ **regression (fails the run)**']);
    expect(old).not.toContain('raw change');
  });

  it('tells gated from reported-only metrics: a reported-only metric that got worse is a warning, not a failure', () => {
    expect(row(md, 'p99 latency')).toEqual(['p99 latency', 'reported', '811.8 ms', '911.6 ms', '+12.3%', '+10.9%', '⚠️ worse (not gated)']);
    expect(row(md, 'throughput')[1]).toBe('reported');
    const section = md.slice(md.indexOf('### Regressions'), md.indexOf('### Faults'));
    expect(section).toContain('**1 gated regression fails the run · 1 reported-only metric worse (not gated, does not fail) · 1 metric suspect (within the noise) · 1 metric without data**');
    // Gated rows first, in the catalogue's order; then the reported-only ones.
    const order = ['p50 latency', 'p95 latency', 'error rate', 'p99 latency', 'throughput'].map((m) => section.indexOf(`| ${m} |`));
    expect(order.every((i) => i > 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    // Only the gated regression is red.
    expect(section.match(/❌/g)).toHaveLength(1);
  });

  it('folds the details and does not repeat the table as warnings', () => {
    const section = md.slice(md.indexOf('### Regressions'), md.indexOf('### Faults'));
    const details = section.slice(section.indexOf('<details><summary>How each metric was judged'));
    expect(details).toContain('| metric | 90% CI of the judged change | detectable | note |');
    expect(row(details, 'p95 latency')).toEqual(['p95 latency', '[+8.1%, +16.5%]', '4.0 %', 'worse beyond the 5 % tolerance with the whole 90 % interval (corrected for machine speed, β = 0.88)']);
    expect(details.trimEnd().endsWith('</details>')).toBe(true);
    // The interval and detectable change are in the details only, not in the headline table.
    expect(section.slice(0, section.indexOf('<details>'))).not.toContain('[+8.1%');
    // Warnings that repeat a row (reported-only, suspect) are in the table; the others stay.
    const warnings = md.slice(md.indexOf('### Warnings'));
    expect(result.warnings.some((w) => w.startsWith('p99Ms regressed (not gated)'))).toBe(true);
    expect(warnings).not.toMatch(/p99Ms|errorRate/);
    expect(warnings).toContain('environment fingerprint differs from the baseline (cpuModel)');
  });

  it('folds per-request metrics within tolerance, keeps those that are not', () => {
    const g = (metric: string, verdict: 'ok' | 'suspect', changePct: number) => ({ metric, baseline: 10, current: 10 + changePct / 10, changePct, rawChangePct: changePct, correction: 'none' as const, ciLowPct: -1, ciHighPct: 9, verdict, gated: true });
    const out = renderMarkdown({ ...result, regressions: [g('p50Ms', 'ok', 1), g('p50Ms{request:validate}', 'ok', 2), g('p50Ms{request:status}', 'suspect', 7)] });
    const headline = out.slice(out.indexOf('### Regressions'), out.indexOf('<details>'));
    expect(headline).toContain('| p50 latency · status |');
    expect(headline).not.toContain('validate');
    const folded = out.slice(out.indexOf('<details><summary>1 per-request metric within tolerance</summary>'));
    expect(row(folded, 'p50 latency · validate')).toEqual(['p50 latency · validate', 'gated', '10 ms', '10.2 ms', '+2.0%', '✅ ok']);
  });

  it('puts the verdict first, followed by every reason', () => {
    const lines = md.split('\n');
    expect(lines[0]).toBe('## ❌ FAIL — chaos-db (profile quick)');
    expect(lines.slice(2, 5)).toEqual([
      '- threshold http\\_req\\_duration{request:validate} p(95)&lt;250 failed: actual 312.4',
      '- fault db-partition was never recovered',
      '- p95Ms regressed: 186 → 204 (raw +9.3 %), +12.3 % at equal machine speed (90 % CI +8.1 % … +16.5 %)',
    ]);
  });

  it('lists requests sorted by name with count, rps, OK, KO and OK percentiles, then the total', () => {
    // OK and KO counted apart, latency of OK requests, KO latency apart (docs/outcomes.md)
    expect(row(md, 'validate')).toEqual(['validate', '21,600', '120', '21,452', '148', '0.69%', '85.7 ms', '281 ms', '483 ms', '1,273 ms', '5,000 ms']);
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
    const details = withSight.slice(withSight.indexOf('How each metric was judged'));
    expect(row(details, 'p50 latency').slice(1, 3)).toEqual(['[-1.0%, +7.9%]', '4.2 %']);
    expect(row(details, 'p95 latency').slice(2, 3)).toEqual(['31 % (14 runs)']);
    expect(row(details, 'p99 latency').slice(2, 3)).toEqual(['80 % (>100 runs)']);
    expect(row(withSight, 'p95 latency').at(-1)).toBe('🙈 blind');
  });

  it('shows each threshold, regression, fault, integrity and resource figure', () => {
    expect(row(md, 'http\\_req\\_duration{request:validate}')).toEqual([
      'http\\_req\\_duration{request:validate}', '`p(95)<250`', '312.4', '❌ **fail**',
    ]);
    expect(row(md, 'p99 latency · status').at(-1)).toBe('➖ no data');
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
    // the request table's 11 columns, and the outcome table's row of the same name
    expect(line?.split(/(?<!\\)\|/).length).toBe(13);
  });
});

describe('renderMarkdown: OK and KO', () => {
  const r = loadFixtureResult();

  it('says seed, git sha and tool version in the header line', () => {
    const out = renderMarkdown(r);
    expect(out.split('\n').find((l) => l.startsWith('Run `'))).toMatch(/ · seed 42 · git 3f9c2d1e8b7a · stresslab 0\.1\.0$/);
    const { seed: _s, gitSha: _g, ...unknown } = r;
    expect(renderMarkdown(unknown)).toMatch(/long · git unknown · stresslab 0\.1\.0\n/);
  });

  it('shows every request\'s outcome by status class and failure kind, and when requests failed', () => {
    const out = renderMarkdown(r);
    const outcomes = out.slice(out.indexOf('#### Outcomes'));
    expect(row(outcomes, 'execute')).toEqual(['execute', '10,388', '327', '85', '0']);
    expect(outcomes).toContain('| request | 2xx | 5xx | timeout | reset |');
    expect(out).toContain('- 2:00–2:56 (56 s): 366 of 11,188 KO (3.27%), peak 58/s: unexpected status (5xx seen) 363, reset 3 · during db-partition');
    // 200 rps × 35,437 / 36,000 OK and × 563 / 36,000 KO
    expect(out).toContain('Throughput: 197 OK/s and 3.1 KO/s over the run; most KO in one second: 58 (2:00–2:56).');
  });

  it('labels latency of a result written before OK/KO as every request\'s', () => {
    const strip = (s: Stats): Stats => {
      const { okLatencyMs: _o, koLatencyMs: _k, ...rest } = s;
      return rest;
    };
    const old = { ...r, totals: strip(r.totals), requests: Object.fromEntries(Object.entries(r.requests).map(([n, s]) => [n, strip(s)])), failureWindows: undefined };
    const out = renderMarkdown(old);
    expect(row(out, 'validate').slice(6, 8)).toEqual(['88.3 ms', '312 ms']);
    expect(out).toContain('does not hold the latency of OK requests apart');
    expect(out).not.toContain('When requests failed');
  });
});
