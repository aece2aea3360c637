import type { RunResult } from '../contract/run-result.ts';
import { failureWindowLine } from '../report/outcome-facts.ts';

/** The run summary's "when requests failed" block (docs/outcomes.md), or null when nothing failed. */
export function failureWindowLines(result: Pick<RunResult, 'failureWindows'>): string | null {
  const f = result.failureWindows;
  if (f === undefined || f.windows.length === 0) return null;
  const more = f.omitted > 0 ? [`  (${f.omitted} shorter stretches with fewer failures left out)`] : [];
  return ['when requests failed:', ...f.windows.map((w) => `  ${failureWindowLine(w)}`), ...more].join('\n');
}
