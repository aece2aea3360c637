import { describe, expect, it } from 'vitest';
import { formatRunSummary } from '../../../harness/cli/run-summary.ts';
import type { FaultResult, RunResult } from '../../../harness/contract/run-result.ts';
import { runResultSchema } from '../../../harness/contract/run-result.ts';
import { loadChartAssets } from '../../../harness/report/chart-assets.ts';
import { renderHtml } from '../../../harness/report/render-html.ts';
import { renderJunit } from '../../../harness/report/render-junit.ts';
import { renderMarkdown } from '../../../harness/report/render-markdown.ts';
import { FIXTURE_FAULTS, syntheticRun } from '../../fixtures/report/synthetic-run.ts';
import { loadFixtureResult } from '../../fixtures/report/load-fixture.ts';
import { findAll, parseXml } from './xml-tree.ts';

/** The fixture's two faults with effects: one seen through its proxy, one with none seen (expected, then not). */
function withEffects(expectSecond: boolean): RunResult {
  const r = loadFixtureResult();
  const [first, second] = r.faults as [FaultResult, FaultResult];
  const traffic = null;
  const faults: FaultResult[] = [
    {
      ...first, effect: 'observed', expectEffect: true,
      evidence: { decidedBy: 'proxy', summary: ['proxy db: 12 connections and 40.0 KiB went through the toxic; 3 new connections, 20.0 KiB up and 20.0 KiB down in the window'], observation: null, traffic, resources: null },
    },
    {
      ...second, effect: 'none', expectEffect: expectSecond,
      evidence: { decidedBy: 'proxy', summary: ['proxy spare: nothing went through the toxic (0 new connections, 0 B up and 0 B down in the window)'], observation: null, traffic, resources: null },
    },
  ];
  // What analysis writes must be what the contract reads.
  return runResultSchema.parse({ ...r, faults });
}

describe('each fault\'s effect beside its TTD and TTR', () => {
  it('Markdown: an effect column and the sentence behind each effect', () => {
    const md = renderMarkdown(withEffects(true));
    expect(md).toContain('| fault | kind | injected | removed | TTD | TTR | recovered | effect |');
    expect(md).toMatch(/\| db-latency \| .* \| ✅ yes \| ✅ observed \(proxy\) \|/);
    expect(md).toMatch(/\| db-partition \| .* \| ❔ \*\*none\*\* \|/);
    expect(md).toContain('- db-partition: proxy spare: nothing went through the toxic');
    expect(renderMarkdown(withEffects(false))).toMatch(/\| db-partition \| .* \| ➖ none \(not expected\) \|/);
  });

  it('HTML: the same column, styled', () => {
    const html = renderHtml({ result: withEffects(true), ...syntheticRun(180, FIXTURE_FAULTS) }, loadChartAssets());
    expect(html).toContain('<th>effect</th>');
    expect(html).toContain('<td class="good">observed (proxy)</td>');
    expect(html).toContain('<td class="bad">none</td>');
    expect(html).toContain('<li>db-partition: proxy spare: nothing went through the toxic (0 new connections, 0 B up and 0 B down in the window)</li>');
  });

  it('JUnit: one testcase per fault effect, failed when expected and not seen, skipped when not expected', () => {
    const cases = (r: RunResult) => findAll(parseXml(renderJunit(r)), 'testcase').filter((c) => c.attrs.name?.endsWith('has an observable effect'));
    const expected = cases(withEffects(true));
    expect(expected.map((c) => c.attrs.name)).toEqual(['db-latency has an observable effect', 'db-partition has an observable effect']);
    expect(findAll(expected[0]!, 'failure')).toHaveLength(0);
    expect(findAll(expected[1]!, 'failure')[0]?.attrs.message).toMatch(/^db-partition \(db-partition\) had no observable effect: proxy spare: nothing went through/);
    expect(findAll(cases(withEffects(false))[1]!, 'skipped')[0]?.attrs.message).toBe('effect none, not expected (expectEffect: false)');
  });

  it('CLI summary: the effect column (an unseen expected effect in capitals) and the evidence lines', () => {
    const text = formatRunSummary(withEffects(true));
    expect(text).toMatch(/fault\s+kind\s+at\s+TTD\s+TTR\s+recovered\s+effect/);
    expect(text).toMatch(/db-partition .* NONE/);
    expect(text).toContain('fault effects:\n  db-latency: proxy db: 12 connections');
  });
});
