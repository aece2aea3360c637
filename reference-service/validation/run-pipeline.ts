import { checkReferences } from './check-references.ts';
import { findDuplicates } from './find-duplicates.ts';
import { IssueCollector } from './issue-collector.ts';
import { summarizeNumeric } from './numeric-summary.ts';
import { scanColumn } from './scan-column.ts';
import type { ColumnScan } from './scan-column.ts';
import type { ColumnProfile, Dataset, ValidationReport } from './validation-types.ts';

/** Tukey's fences: a value beyond 1.5 interquartile ranges outside the quartiles is an outlier. */
const iqrFenceFactor = 1.5;

/**
 * A one-column key whose values were all present-and-valid or missing, and all distinct, cannot have
 * duplicates: the common case (unique ids) then skips the hash-map pass entirely.
 */
function keyKnownUnique(key: readonly string[], profile: Record<string, ColumnProfile>, issues: IssueCollector): boolean {
  if (key.length !== 1) return false;
  const p = profile[key[0] as string];
  return p !== undefined && p.distinct === p.count && issues.columnsWithTypeIssues.has(key[0] as string) === false;
}

function profileOf(scan: ColumnScan, rowCount: number, issues: IssueCollector): ColumnProfile {
  const base = {
    count: scan.count,
    missing: scan.missing,
    missingRatio: rowCount === 0 ? 0 : scan.missing / rowCount,
  };
  if (scan.values === null || scan.valueRows === null) {
    return { ...base, min: scan.minText, max: scan.maxText, mean: null, p50: null, distinct: scan.distinct };
  }
  const s = summarizeNumeric(scan.values);
  if (s === null) return { ...base, min: null, max: null, mean: null, p50: null, distinct: 0 };
  const spread = s.q3 - s.q1;
  const lo = s.q1 - iqrFenceFactor * spread;
  const hi = s.q3 + iqrFenceFactor * spread;
  const values = scan.values;
  const rows = scan.valueRows;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v < lo || v > hi) issues.add('outlier', scan.spec.name, rows[i] as number, `outside IQR fences [${lo}, ${hi}]`, v);
  }
  return { ...base, min: s.min, max: s.max, mean: s.mean, p50: s.p50, distinct: s.distinct };
}

/**
 * The validation pipeline: per-column type, required and range checks, profiles with IQR outliers,
 * duplicate keys and references. Linear in rows (plus one sort per numeric column). The schema must
 * already have passed `datasetSchemaProblems`.
 */
export function runPipeline(dataset: Dataset): ValidationReport {
  const { schema, rows } = dataset;
  const issues = new IssueCollector(rows.length);
  // A null prototype: a column named "__proto__" must be an ordinary key.
  const profile = Object.create(null) as Record<string, ColumnProfile>;
  for (const column of schema.columns) {
    profile[column.name] = profileOf(scanColumn(rows, column, issues), rows.length, issues);
  }
  if (schema.key !== undefined && !keyKnownUnique(schema.key, profile, issues)) findDuplicates(rows, schema.key, issues);
  for (const reference of schema.references ?? []) checkReferences(rows, dataset.refs ?? [], reference, issues);
  const c = issues.counts;
  return {
    valid: c.type + c.required + c.range + c.duplicate + c.reference === 0,
    qualityScore: rows.length === 0 ? 1 : 1 - issues.rowsWithIssues() / rows.length,
    issueCounts: { ...c },
    issues: issues.issues,
    profile,
  };
}
