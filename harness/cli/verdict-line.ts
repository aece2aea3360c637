import type { SummaryDocument } from '../contract/summary-document.ts';
import { VERDICT_LABEL } from '../report/verdict-label.ts';

/**
 * The one line `--quiet` prints: verdict, scenario, the totals a person checks first, the first
 * reason (and how many more), and where the run directory is. Example:
 * `PASS light (quick): 1520 requests, 0 errors (0.00 %), 50.1 req/s, p95 3.21 ms; reports/light/20261204T…/`
 */
export function formatVerdictLine(doc: SummaryDocument, runDirShown: string): string {
  const t = doc.totals;
  const scenario = `${doc.scenario.name}${doc.scenario.profile ? ` (${doc.scenario.profile})` : ''}`;
  const figures = `${t.requests} requests, ${t.errors} errors (${(t.errorRate * 100).toFixed(2)} %), ${t.rps.toFixed(1)} req/s, p95 ${ms(t.latencyMs.p95)} ms`;
  const first = doc.reasons[0];
  const why = first === undefined ? '' : ` — ${first}${doc.reasons.length > 1 ? ` (+${doc.reasons.length - 1} more)` : ''}`;
  return `${VERDICT_LABEL[doc.verdict].text} ${scenario}: ${figures}${why}; ${runDirShown}/`;
}

function ms(v: number): string {
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}
