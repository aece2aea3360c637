/**
 * Exponential backoff with "equal jitter": after attempt n the delay lies in [c/2, c] where
 * c = min(maxMs, baseMs·2^(n-1)). The jitter spreads retries of many executions apart, and since the
 * shortest delay after attempt n+1 equals the longest after attempt n, gaps never shrink below the cap.
 */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return ceiling / 2 + (ceiling / 2) * random();
}
