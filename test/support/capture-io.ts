import type { CliIo } from '../../harness/cli/command.ts';

/** A CliIo that keeps what the command printed, for assertions. */
export function captureIo(cwd: string): CliIo & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return {
    out: (t) => void (out += `${t}\n`),
    err: (t) => void (err += `${t}\n`),
    isTTY: false,
    cwd,
    stdout: () => out,
    stderr: () => err,
  };
}
