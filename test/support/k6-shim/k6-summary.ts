/**
 * Stand-in for jslib's k6-summary (https://jslib.k6.io/k6-summary/0.0.2/index.js), which k6 downloads
 * when a test starts and which cannot be fetched here: it records what the script passed and returns
 * a marked text, so a test can see that k6's own summary is printed, with which options, and where.
 */
export function textSummary(data: { metrics?: Record<string, unknown> }, options?: { indent?: string; enableColors?: boolean }): string {
  const metrics = Object.keys(data.metrics ?? {}).length;
  return `[k6 textSummary stand-in: ${metrics} metrics, indent ${JSON.stringify(options?.indent ?? null)}, colors ${String(options?.enableColors ?? null)}]`;
}
