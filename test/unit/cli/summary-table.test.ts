import { describe, expect, it } from 'vitest';
import { formatSummaryTable } from '../../../harness/cli/summary-table.ts';
import { loadFixtureResult } from '../../fixtures/report/load-fixture.ts';

const cells = (text: string, first: string): string[] => text.split('\n').find((l) => l.startsWith(`${first} `))?.trim().split(/\s{2,}/) ?? [];

describe('formatSummaryTable', () => {
  const r = loadFixtureResult();

  it('counts OK and KO apart and gives the latency of OK requests, KO p95 apart', () => {
    const out = formatSummaryTable(r);
    expect(out.split('\n')[0]).toMatch(/^request\s+count\s+rps\s+ok\s+ko\s+ko%\s+dropped\s+ok p50 ms\s+ok p95 ms\s+ok p99 ms\s+ok max ms\s+ko p95 ms$/);
    expect(cells(out, 'validate')).toEqual(['validate', '21600', '120.0', '21452', '148', '0.69', '0', '85.7', '281', '483', '1273', '5000']);
  });

  it('lists every request\'s outcome by status class and failure kind', () => {
    const out = formatSummaryTable(r);
    expect(out).toMatch(/^outcome\s+2xx\s+5xx\s+timeout\s+reset$/m);
    expect(cells(out.slice(out.indexOf('outcome')), 'TOTAL')).toEqual(['TOTAL', '35437', '363', '197', '3']);
  });

  it('says nothing of OK for a result written before OK/KO latency', () => {
    const { okLatencyMs: _o, koLatencyMs: _k, ...totals } = r.totals;
    const out = formatSummaryTable({ requests: {}, totals });
    expect(out.split('\n')[0]).not.toContain('ok p50');
    expect(cells(out, 'TOTAL').slice(7, 9)).toEqual(['54.2', '204']);
  });
});
