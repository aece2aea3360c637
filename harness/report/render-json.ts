import type { RunResult } from '../contract/run-result.ts';

/** `result.json`: the contract CI and dashboards read, pretty-printed so diffs of it stay readable. */
export function renderJson(result: RunResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}
