/** The exit-code table (README.md, Exit codes): the only numbers the CLI may exit with. */
export const ExitCode = {
  ok: 0,
  gateFailed: 1,
  badInput: 2,
  aborted: 3,
  environmentNotReady: 4,
  /** The harness itself failed after the load started (a full disk, a crash): faults rolled back, what was measured written where it could be. */
  harnessFailed: 5,
  internal: 70,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
