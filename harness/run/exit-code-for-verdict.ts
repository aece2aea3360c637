import { ExitCode } from '../core/exit-codes.ts';
import type { Verdict } from '../contract/run-result.ts';

export function exitCodeForVerdict(verdict: Verdict): ExitCode {
  switch (verdict) {
    case 'pass':
      return ExitCode.ok;
    case 'fail':
      return ExitCode.gateFailed;
    case 'aborted':
      return ExitCode.aborted;
  }
}
