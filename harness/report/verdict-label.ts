import type { RegressionResult, Verdict } from '../contract/run-result.ts';

/**
 * Words and symbols for verdicts, shared by the Markdown and HTML reports. `icon` is an emoji
 * (GitHub renders it); `symbol` is a plain glyph that common fonts have, for the HTML pages,
 * which must look right on a machine without an emoji font.
 */
export const VERDICT_LABEL: Record<Verdict, { icon: string; text: string }> = {
  pass: { icon: '✅', text: 'PASS' },
  fail: { icon: '❌', text: 'FAIL' },
  inconclusive: { icon: '❔', text: 'INCONCLUSIVE' },
  aborted: { icon: '⚠️', text: 'ABORTED' },
  error: { icon: '🛑', text: 'HARNESS ERROR' },
};

export const REGRESSION_LABEL: Record<RegressionResult['verdict'], { icon: string; symbol: string; text: string }> = {
  regression: { icon: '❌', symbol: '✗', text: 'regression' },
  suspect: { icon: '⚠️', symbol: '⚠', text: 'suspect' },
  ok: { icon: '✅', symbol: '✓', text: 'ok' },
  'no-data': { icon: '➖', symbol: '–', text: 'no data' },
};

/** A confidence interval of a change, in percent: `[-2.1%, +4.0%]`. */
export function formatCi(low: number | null, high: number | null, format: (pct: number | null) => string): string {
  if (low === null || high === null) return format(null);
  return `[${format(low)}, ${format(high)}]`;
}
