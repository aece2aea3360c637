import { ExitCode } from './exit-codes.ts';

/** Stable machine-readable codes; each maps to one exit code. */
export type ErrorCode =
  | 'BAD_SCENARIO'
  | 'BAD_BASELINE'
  | 'BAD_RESULT'
  | 'BAD_USAGE'
  | 'FILE_NOT_FOUND'
  | 'TARGET_UNREACHABLE'
  | 'TARGET_START_FAILED'
  | 'TOXIPROXY_UNREACHABLE'
  | 'FAULT_FAILED'
  | 'ABORTED'
  | 'HARNESS_FAILED'
  | 'INTERNAL';

const exitCodeOf: Record<ErrorCode, ExitCode> = {
  BAD_SCENARIO: ExitCode.badInput,
  BAD_BASELINE: ExitCode.badInput,
  BAD_RESULT: ExitCode.badInput,
  BAD_USAGE: ExitCode.badInput,
  FILE_NOT_FOUND: ExitCode.badInput,
  TARGET_UNREACHABLE: ExitCode.environmentNotReady,
  TARGET_START_FAILED: ExitCode.environmentNotReady,
  TOXIPROXY_UNREACHABLE: ExitCode.environmentNotReady,
  FAULT_FAILED: ExitCode.environmentNotReady,
  ABORTED: ExitCode.aborted,
  HARNESS_FAILED: ExitCode.harnessFailed,
  INTERNAL: ExitCode.internal,
};

/** One problem in an input file: where it is and how to fix it. */
export interface InputProblem {
  /** JSON path such as `load[0].rate` ("" for the whole document). */
  path: string;
  message: string;
  hint?: string;
}

/**
 * Every error a user can cause or meet carries a code, the message to print, and a hint.
 * Failures of the system under test are data in the result, never a StresslabError.
 */
export class StresslabError extends Error {
  override readonly name = 'StresslabError';
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly file: string | undefined;
  readonly problems: readonly InputProblem[];

  constructor(
    code: ErrorCode,
    message: string,
    options: { hint?: string; file?: string; problems?: readonly InputProblem[]; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
    this.file = options.file;
    this.problems = options.problems ?? [];
  }

  get exitCode(): ExitCode {
    return exitCodeOf[this.code];
  }

  /** The text printed to a person: message, each problem with file and path, and the hint. */
  format(): string {
    const lines = [this.message];
    for (const p of this.problems) {
      const where = `${this.file ?? ''}${p.path ? `${this.file ? ' ' : ''}at ${p.path}` : ''}`;
      lines.push(`  ${where ? `${where}: ` : ''}${p.message}${p.hint ? `\n    hint: ${p.hint}` : ''}`);
    }
    if (this.hint) lines.push(`hint: ${this.hint}`);
    return lines.join('\n');
  }
}

export function isStresslabError(e: unknown): e is StresslabError {
  return e instanceof StresslabError;
}
