import type { IssueCollector } from './issue-collector.ts';
import type { ReferenceSpec, Row } from './validation-types.ts';

/** Each present `column` value of `rows` must equal some `refColumn` value of `refs`. */
export function checkReferences(
  rows: readonly Row[],
  refs: readonly Row[],
  reference: ReferenceSpec,
  issues: IssueCollector,
): void {
  const known = new Set<unknown>();
  for (let i = 0; i < refs.length; i++) known.add((refs[i] as Row)[reference.refColumn]);
  const name = reference.column;
  for (let i = 0; i < rows.length; i++) {
    const v = (rows[i] as Row)[name];
    if (v === undefined || v === null || known.has(v)) continue;
    issues.add('reference', name, i, `no ref has ${reference.refColumn} equal to this value`, v);
  }
}
