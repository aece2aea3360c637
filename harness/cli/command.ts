import type { Argv } from 'yargs';
import type { ExitCode } from '../core/exit-codes.ts';

/** Where commands print: the only place output for humans goes (tests capture it). */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** True when stdout is a terminal (live view, colours); false in CI logs and pipes. */
  readonly isTTY: boolean;
  /** True when stderr is a terminal: the live view draws there when stdout carries `--json`. */
  readonly errIsTTY?: boolean;
  readonly cwd: string;
}

/**
 * One CLI command's options and behaviour (its usage and description are in commands.ts's listing).
 * `main.ts` turns it into a yargs command; it returns its exit code and throws StresslabError for
 * bad input or an unready environment (main maps it to the exit code).
 */
export interface StresslabCommand<A = Record<string, unknown>> {
  builder: (y: Argv) => Argv<A>;
  examples: ReadonlyArray<readonly [command: string, description: string]>;
  run(args: A, io: CliIo): Promise<ExitCode>;
}
