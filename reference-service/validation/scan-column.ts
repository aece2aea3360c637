import type { IssueCollector } from './issue-collector.ts';
import type { ColumnSpec, Row } from './validation-types.ts';

/** What one pass over a column leaves for the statistics that follow. */
export interface ColumnScan {
  spec: ColumnSpec;
  count: number;
  missing: number;
  /** Number and integer columns: the valid values, compacted, and the row each came from. */
  values: Float64Array | null;
  valueRows: Int32Array | null;
  /** Other columns: distinct valid values and, for dates, the lexicographic (= chronological) extremes. */
  distinct: number;
  minText: string | null;
  maxText: string | null;
}

const isoDate =
  /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?:[T ](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

function emptyScan(spec: ColumnSpec): ColumnScan {
  return { spec, count: 0, missing: 0, values: null, valueRows: null, distinct: 0, minText: null, maxText: null };
}

/** One tight loop per type: the type test is hoisted out of the per-row work. */
function scanNumeric(rows: readonly Row[], spec: ColumnSpec, issues: IssueCollector): ColumnScan {
  const name = spec.name;
  const integer = spec.type === 'integer';
  const required = spec.required === true;
  const lo = spec.min ?? -Infinity;
  const hi = spec.max ?? Infinity;
  const values = new Float64Array(rows.length);
  const valueRows = new Int32Array(rows.length);
  let n = 0;
  let missing = 0;
  for (let i = 0; i < rows.length; i++) {
    const v = (rows[i] as Row)[name];
    if (typeof v === 'number' && (integer ? Number.isInteger(v) : Number.isFinite(v))) {
      if (v < lo || v > hi) issues.add('range', name, i, `outside [${lo}, ${hi}]`, v);
      values[n] = v;
      valueRows[n++] = i;
    } else if (v === undefined || v === null) {
      missing++;
      if (required) issues.add('required', name, i, 'required value is missing');
    } else {
      issues.add('type', name, i, `expected ${spec.type}`, v);
    }
  }
  return { ...emptyScan(spec), count: n, missing, values: values.subarray(0, n), valueRows: valueRows.subarray(0, n) };
}

function scanText(rows: readonly Row[], spec: ColumnSpec, issues: IssueCollector): ColumnScan {
  const name = spec.name;
  const required = spec.required === true;
  const date = spec.type === 'date';
  const seen = new Set<string>();
  let n = 0;
  let missing = 0;
  let minText: string | null = null;
  let maxText: string | null = null;
  for (let i = 0; i < rows.length; i++) {
    const v = (rows[i] as Row)[name];
    if (typeof v === 'string' && (!date || isoDate.test(v))) {
      seen.add(v);
      n++;
      if (date) {
        if (minText === null || v < minText) minText = v;
        if (maxText === null || v > maxText) maxText = v;
      }
    } else if (v === undefined || v === null) {
      missing++;
      if (required) issues.add('required', name, i, 'required value is missing');
    } else {
      issues.add('type', name, i, date ? 'expected an ISO-8601 date' : 'expected string', v);
    }
  }
  return { ...emptyScan(spec), count: n, missing, distinct: seen.size, minText, maxText };
}

function scanBoolean(rows: readonly Row[], spec: ColumnSpec, issues: IssueCollector): ColumnScan {
  const name = spec.name;
  const required = spec.required === true;
  let trues = 0;
  let falses = 0;
  let missing = 0;
  for (let i = 0; i < rows.length; i++) {
    const v = (rows[i] as Row)[name];
    if (v === true) trues++;
    else if (v === false) falses++;
    else if (v === undefined || v === null) {
      missing++;
      if (required) issues.add('required', name, i, 'required value is missing');
    } else issues.add('type', name, i, 'expected boolean', v);
  }
  return { ...emptyScan(spec), count: trues + falses, missing, distinct: (trues > 0 ? 1 : 0) + (falses > 0 ? 1 : 0) };
}

/** Type, required and range checks for one column in a single pass over the rows. */
export function scanColumn(rows: readonly Row[], spec: ColumnSpec, issues: IssueCollector): ColumnScan {
  switch (spec.type) {
    case 'number':
    case 'integer':
      return scanNumeric(rows, spec, issues);
    case 'string':
    case 'date':
      return scanText(rows, spec, issues);
    case 'boolean':
      return scanBoolean(rows, spec, issues);
  }
}
