import type { RegressionResult, Verdict } from '../contract/run-result.ts';
import type { GateOutcome } from './gate-table.ts';

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

/** Under every regression table: what the "detectable" column means. */
export const DETECTABLE_NOTE = 'detectable: the smallest true change the comparison tells apart from none with 80 % power at the noise it saw; '
  + 'blind: a gated metric whose detectable change exceeds the tolerance (it could not have seen a regression of that size), with the runs per side that would fix it.';

/**
 * The minimum detectable change of a comparison, for the reports' "detectable" column: `7.6 %`, or
 * `31 % (9 runs)` when it exceeds what the gate should see and more runs would bring it under.
 */
export function formatDetectable(r: Pick<RegressionResult, 'mdcPct' | 'runsNeeded' | 'verdict'>): string {
  if (r.mdcPct === undefined || r.mdcPct === null) return '–';
  const pct = `${Math.abs(r.mdcPct) >= 10 ? r.mdcPct.toFixed(0) : r.mdcPct.toFixed(1)} %`;
  if (r.verdict !== 'blind') return pct;
  return r.runsNeeded === undefined ? pct : r.runsNeeded === null ? `${pct} (>100 runs)` : `${pct} (${r.runsNeeded} runs)`;
}

/** A confidence interval of a change, in percent: `[-2.1%, +4.0%]`. */
export function formatCi(low: number | null, high: number | null, format: (pct: number | null) => string): string {
  if (low === null || high === null) return format(null);
  return `[${format(low)}, ${format(high)}]`;
}

/**
 * How each gate outcome looks (report/gate-table.ts). Only what fails the run is red: a reported-only
 * metric that got worse is a warning, worded so, never a `❌`.
 */
export const GATE_OUTCOME_LABEL: Record<GateOutcome, { icon: string; symbol: string; text: string; tone: 'bad' | 'warn' | 'good' | 'none' }> = {
  regression: { icon: '❌', symbol: '✗', text: 'regression (fails the run)', tone: 'bad' },
  'blind-fails': { icon: '❌', symbol: '✗', text: 'blind (fails the run)', tone: 'bad' },
  'worse-not-gated': { icon: '⚠️', symbol: '⚠', text: 'worse (not gated)', tone: 'warn' },
  suspect: { icon: '⚠️', symbol: '⚠', text: 'suspect (within noise)', tone: 'warn' },
  blind: { icon: '🙈', symbol: '◌', text: 'blind', tone: 'warn' },
  ok: { icon: '✅', symbol: '✓', text: 'ok', tone: 'good' },
  'no-data': { icon: '➖', symbol: '–', text: 'no data', tone: 'none' },
};
