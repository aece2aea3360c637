import { maxReportedIssues } from './validation-types.ts';
import type { Issue, IssueKind } from './validation-types.ts';

/**
 * Counts every issue but builds messages only for the first `maxReportedIssues`, so a dataset where
 * every row is bad costs no more than one where none is. Also marks which rows have any issue.
 */
export class IssueCollector {
  readonly counts: Record<IssueKind, number> = { type: 0, required: 0, range: 0, outlier: 0, duplicate: 0, reference: 0 };
  readonly issues: Issue[] = [];
  readonly rowHasIssue: Uint8Array;
  /** Columns with a value of the wrong type (such values are left out of the column's profile). */
  readonly columnsWithTypeIssues = new Set<string>();

  constructor(rowCount: number) {
    this.rowHasIssue = new Uint8Array(rowCount);
  }

  /** `what` and `value` are only turned into a message while the issue list has room. */
  add(kind: IssueKind, column: string | null, row: number | null, what: string, value?: unknown): void {
    this.counts[kind]++;
    if (kind === 'type' && column !== null) this.columnsWithTypeIssues.add(column);
    if (row !== null) this.rowHasIssue[row] = 1;
    if (this.issues.length < maxReportedIssues) {
      const message = value === undefined ? what : `${what}: ${JSON.stringify(value)?.slice(0, 80) ?? String(value)}`;
      this.issues.push({ kind, column, row, message });
    }
  }

  rowsWithIssues(): number {
    let n = 0;
    const flags = this.rowHasIssue;
    for (let i = 0; i < flags.length; i++) n += flags[i] ?? 0;
    return n;
  }
}
