import type { CliIo } from '../../../harness/cli/command.ts';

/** A CliIo that keeps what commands print. */
export function captureIo(cwd: string): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { cwd, isTTY: false, stdout, stderr, out: (t) => void stdout.push(t), err: (t) => void stderr.push(t) };
}
