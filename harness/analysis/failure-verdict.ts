import type { RunFailure } from '../contract/run-record.ts';
import type { RunResult } from '../contract/run-result.ts';

/**
 * The harness's own failures in a verdict: `error` wins over every other verdict (what was measured
 * is partial, so neither a pass nor a fail can be trusted), with the failures first among the reasons.
 */

/** One line for a person: what failed, and for a full or read-only disk, what to do. */
export function failureReason(f: RunFailure): string {
  const advice =
    f.code === 'ENOSPC' ? ' (the disk is full: free space or choose another --reports-dir)'
    : f.code === 'EROFS' ? ' (the file system is read-only: choose another --reports-dir)'
    : f.code === 'EACCES' || f.code === 'EPERM' ? ' (permission denied: choose another --reports-dir)'
    : f.code === null && (f.stage === 'uncaught' || f.stage === 'analysis') ? ' (a bug in stresslab; please report it with the command you ran)'
    : '';
  return `the harness failed (${f.stage}): ${f.message}${advice}`;
}

/** The result with verdict `error` and the failures' reasons first; unchanged without failures. */
export function withFailures(result: RunResult, failures: readonly RunFailure[]): RunResult {
  if (failures.length === 0) return result;
  const reasons = failures.map(failureReason);
  // The load stopped on the first failure: its "aborted: the harness failed" says the same again.
  const others = result.reasons.filter((r) => !reasons.includes(r) && !r.startsWith('aborted: the harness failed'));
  return { ...result, verdict: 'error', reasons: [...reasons, ...others] };
}
