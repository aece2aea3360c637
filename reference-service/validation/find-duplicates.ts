import type { IssueCollector } from './issue-collector.ts';
import type { Row } from './validation-types.ts';

function isMissing(v: unknown): boolean {
  return v === undefined || v === null;
}

function reportDuplicate(issues: IssueCollector, key: readonly string[], row: number, first: number): void {
  issues.add('duplicate', key.length === 1 ? (key[0] ?? null) : key.join('+'), row, `duplicate key of row ${first}`);
}

/** Rows whose key repeats an earlier row's key; rows with a missing key part are never duplicates. */
export function findDuplicates(rows: readonly Row[], key: readonly string[], issues: IssueCollector): void {
  if (key.length === 0) return;
  const firstRowOf = new Map<unknown, number>();
  if (key.length === 1) {
    const name = key[0] as string;
    for (let i = 0; i < rows.length; i++) {
      const v = (rows[i] as Row)[name];
      if (isMissing(v)) continue;
      const first = firstRowOf.get(v);
      if (first === undefined) firstRowOf.set(v, i);
      else reportDuplicate(issues, key, i, first);
    }
    return;
  }
  rows: for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as Row;
    let composite = '';
    for (const name of key) {
      const v = row[name];
      if (isMissing(v)) continue rows;
      // The type tag keeps 1 and "1" apart; the separator cannot occur in JSON text unescaped.
      composite += `${typeof v}:${String(v)}\u0000`;
    }
    const first = firstRowOf.get(composite);
    if (first === undefined) firstRowOf.set(composite, i);
    else reportDuplicate(issues, key, i, first);
  }
}
