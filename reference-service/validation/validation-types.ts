export type ColumnType = 'string' | 'number' | 'integer' | 'boolean' | 'date';

export interface ColumnSpec {
  name: string;
  type: ColumnType;
  required?: boolean;
  /** Inclusive bounds, checked on number and integer columns. */
  min?: number;
  max?: number;
}

export interface ReferenceSpec {
  /** The column of `rows` whose values must exist... */
  column: string;
  /** ...among the values of this field of `refs`. */
  refColumn: string;
}

export interface DatasetSchema {
  columns: ColumnSpec[];
  /** Columns whose combined value must be unique across rows. */
  key?: string[];
  references?: ReferenceSpec[];
}

export type Row = Readonly<Record<string, unknown>>;

export interface Dataset {
  schema: DatasetSchema;
  rows: readonly Row[];
  refs?: readonly Row[];
}

export const issueKinds = ['type', 'required', 'range', 'outlier', 'duplicate', 'reference'] as const;
export type IssueKind = (typeof issueKinds)[number];

export interface Issue {
  kind: IssueKind;
  column: string | null;
  /** Index into `rows`; null for issues about the whole dataset. */
  row: number | null;
  message: string;
}

/**
 * `count` is the number of present values of the right type, `missing` the null or absent ones.
 * min/max/mean/p50 are numbers for number and integer columns; for date columns min and max are the
 * earliest and latest ISO strings; otherwise null.
 */
export interface ColumnProfile {
  count: number;
  missing: number;
  missingRatio: number;
  min: number | string | null;
  max: number | string | null;
  mean: number | null;
  p50: number | null;
  distinct: number;
}

export interface ValidationReport {
  /** False when any row has a type, required, range, duplicate or reference issue (outliers are warnings). */
  valid: boolean;
  /** The fraction of rows without any issue (1 for an empty dataset). */
  qualityScore: number;
  issueCounts: Record<IssueKind, number>;
  /** At most `maxReportedIssues` entries; `issueCounts` is always complete. */
  issues: Issue[];
  profile: Record<string, ColumnProfile>;
}

export const maxReportedIssues = 1000;
