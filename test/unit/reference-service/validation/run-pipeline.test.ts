import { describe, expect, it } from 'vitest';
import { datasetSchemaProblems } from '../../../../reference-service/validation/dataset-schema-problems.ts';
import { runPipeline } from '../../../../reference-service/validation/run-pipeline.ts';
import type { DatasetSchema, Row } from '../../../../reference-service/validation/validation-types.ts';

const schema: DatasetSchema = {
  columns: [
    { name: 'id', type: 'integer', required: true },
    { name: 'amount', type: 'number', min: 0, max: 1000 },
    { name: 'email', type: 'string' },
    { name: 'country', type: 'string' },
    { name: 'created', type: 'date' },
  ],
  key: ['id'],
  references: [{ column: 'country', refColumn: 'code' }],
};
const refs = [{ code: 'DE' }, { code: 'FR' }];

// Planted problems: row 3 broken ref + missing email, 4 bad date, 6 duplicate id of row 1,
// 7 broken ref, 9 outlier amount, 10 missing required id + amount of the wrong type, 11 amount absent.
const rows: Row[] = [
  { id: 1, amount: 10, email: 'a@x', country: 'DE', created: '2024-01-01' },
  { id: 2, amount: 11, email: 'b@x', country: 'FR', created: '2024-01-02T10:00:00Z' },
  { id: 3, amount: 12, email: 'c@x', country: 'DE', created: '2024-01-03' },
  { id: 4, amount: 13, email: null, country: 'XX', created: '2024-01-04' },
  { id: 5, amount: 14, email: 'e@x', country: 'DE', created: 'not-a-date' },
  { id: 6, amount: 15, email: 'f@x', country: 'FR', created: '2024-01-06' },
  { id: 2, amount: 16, email: 'g@x', country: 'DE', created: '2024-01-07' },
  { id: 8, amount: 17, email: 'h@x', country: 'YY', created: '2024-01-08' },
  { id: 9, amount: 18, email: 'i@x', country: 'DE', created: '2024-01-09' },
  { id: 10, amount: 200, email: 'j@x', country: 'FR', created: '2024-01-10' },
  { id: null, amount: '12', email: 'k@x', country: 'DE', created: '2024-01-11' },
  { id: 12, email: 'l@x', country: 'DE', created: '2024-01-05' },
];

function issueRows(report: ReturnType<typeof runPipeline>, kind: string): Array<[string | null, number | null]> {
  return report.issues.filter((i) => i.kind === kind).map((i) => [i.column, i.row]);
}

describe('runPipeline on a dataset with planted problems', () => {
  const report = runPipeline({ schema, rows, refs });

  it('counts each planted problem by kind', () => {
    expect(report.issueCounts).toEqual({ type: 2, required: 1, range: 0, outlier: 1, duplicate: 1, reference: 2 });
    expect(report.valid).toBe(false);
  });

  it('locates every issue at its column and row', () => {
    expect(issueRows(report, 'type')).toEqual([['amount', 10], ['created', 4]]);
    expect(issueRows(report, 'required')).toEqual([['id', 10]]);
    expect(issueRows(report, 'duplicate')).toEqual([['id', 6]]);
    expect(issueRows(report, 'reference')).toEqual([['country', 3], ['country', 7]]);
    expect(issueRows(report, 'outlier')).toEqual([['amount', 9]]);
    expect(report.issues.find((i) => i.kind === 'duplicate')?.message).toContain('row 1');
  });

  it('profiles numeric columns with missing ratio, mean, median and IQR-based outliers', () => {
    // amounts 10..18 and 200: quartiles 12.25 / 16.75, fences 5.5 / 23.5, so only 200 is an outlier.
    expect(report.profile.amount).toEqual({
      count: 10, missing: 1, missingRatio: 1 / 12, min: 10, max: 200, mean: 32.6, p50: 14.5, distinct: 10,
    });
    expect(report.profile.id).toMatchObject({ count: 11, missing: 1, distinct: 10, min: 1, max: 12 });
  });

  it('profiles text and date columns', () => {
    expect(report.profile.email).toEqual({
      count: 11, missing: 1, missingRatio: 1 / 12, min: null, max: null, mean: null, p50: null, distinct: 11,
    });
    expect(report.profile.country?.distinct).toBe(4);
    expect(report.profile.created).toMatchObject({ count: 11, missing: 0, min: '2024-01-01', max: '2024-01-11' });
  });

  it('scores quality as the share of rows without issues', () => {
    // Rows 3, 4, 6, 7, 9 and 10 have issues: 6 of 12.
    expect(report.qualityScore).toBeCloseTo(0.5, 10);
  });
});

describe('runPipeline checks', () => {
  it('flags values outside min/max as range issues', () => {
    const s: DatasetSchema = { columns: [{ name: 'v', type: 'integer', min: 0, max: 1000 }] };
    const r = runPipeline({ schema: s, rows: [{ v: 5 }, { v: -1 }, { v: 1001 }, { v: 1000 }, { v: 0 }, { v: 2.5 }] });
    expect(issueRows(r, 'range')).toEqual([['v', 1], ['v', 2]]);
    expect(issueRows(r, 'type')).toEqual([['v', 5]]);
  });

  it('finds duplicates of a composite key without confusing 1 and "1"', () => {
    const s: DatasetSchema = { columns: [{ name: 'a', type: 'string' }, { name: 'b', type: 'string' }], key: ['a', 'b'] };
    const r = runPipeline({ schema: s, rows: [{ a: 1, b: 'x' }, { a: 1, b: 'y' }, { a: 1, b: 'x' }, { a: '1', b: 'x' }, { a: null, b: 'x' }, { a: null, b: 'x' }] });
    expect(issueRows(r, 'duplicate')).toEqual([['a+b', 2]]);
  });

  it('still finds duplicates among values of the wrong type in a key column', () => {
    const s: DatasetSchema = { columns: [{ name: 'id', type: 'integer' }], key: ['id'] };
    const r = runPipeline({ schema: s, rows: [{ id: 'a' }, { id: 1 }, { id: 'a' }] });
    expect(issueRows(r, 'duplicate')).toEqual([['id', 2]]);
  });

  it('caps the issue list at 1000 while the counts stay complete', () => {
    const s: DatasetSchema = { columns: [{ name: 'n', type: 'number', required: true }] };
    const many = Array.from({ length: 5000 }, () => ({ n: 'x' }));
    const r = runPipeline({ schema: s, rows: many });
    expect(r.issueCounts.type).toBe(5000);
    expect(r.issues).toHaveLength(1000);
    expect(r.qualityScore).toBe(0);
  });

  it('treats outliers as warnings: the dataset stays valid', () => {
    const s: DatasetSchema = { columns: [{ name: 'n', type: 'number' }] };
    const r = runPipeline({ schema: s, rows: [1, 2, 3, 4, 5, 6, 7, 8, 1000].map((n) => ({ n })) });
    expect(r.issueCounts.outlier).toBe(1);
    expect(r.valid).toBe(true);
  });

  it('handles an empty dataset and a column named __proto__', () => {
    const s: DatasetSchema = { columns: [{ name: '__proto__', type: 'number' }] };
    const r = runPipeline({ schema: s, rows: [] });
    expect(r.qualityScore).toBe(1);
    expect(Object.keys(r.profile)).toEqual(['__proto__']);
  });
});

describe('datasetSchemaProblems', () => {
  it('reports unknown key and reference columns and duplicate names with their paths', () => {
    const problems = datasetSchemaProblems({
      columns: [{ name: 'a', type: 'string' }, { name: 'a', type: 'number', min: 5, max: 1 }],
      key: ['b'],
      references: [{ column: 'c', refColumn: 'code' }],
    });
    expect(problems.map((p) => p.path)).toEqual([
      '/schema/columns/1/name', '/schema/columns/1/min', '/schema/key/0', '/schema/references/0/column',
    ]);
  });
});
