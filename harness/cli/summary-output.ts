import { mkdir, stat, access, constants } from 'node:fs/promises';
import path from 'node:path';
import type { Argv } from 'yargs';
import type { RunResult } from '../contract/run-result.ts';
import { writeFileAtomic } from '../core/atomic-write.ts';
import { ExitCode } from '../core/exit-codes.ts';
import { StresslabError } from '../core/stresslab-error.ts';
import type { SummaryDocument } from '../contract/summary-document.ts';
import { renderSummaryJson, summaryDocument } from '../report/render-summary-document.ts';
import type { CliIo } from './command.ts';
import { formatVerdictLine } from './verdict-line.ts';

/** The flags that decide what a run prints and where (run, ab, merge, report). */
export interface SummaryFlags {
  json: boolean;
  quiet: boolean;
  'summary-export': string | undefined;
}

export function summaryOptions<T>(y: Argv<T>): Argv<T & SummaryFlags> {
  return y
    .option('json', { type: 'boolean', default: false, describe: 'Print only the summary document (JSON, schemaVersion 1) on stdout; everything for people goes to stderr' })
    .option('summary-export', { type: 'string', describe: 'Also write the summary document (as --json prints it) to this file' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'No live view or progress: only errors, warnings and the final one-line verdict (with --json: only the JSON)' }) as unknown as Argv<
    T & SummaryFlags
  >;
}

export interface SummaryOutput {
  /** Where output for people goes: stdout; stderr with --json; nowhere with --quiet (errors still to stderr). */
  readonly human: CliIo;
  /** What the live view (live-observer.ts) needs: quiet or not, and the terminal it draws on (stderr with --json). */
  readonly live: { quiet: boolean; columns: () => number | undefined; rows: () => number | undefined; write: (raw: string) => void };
  /** Before the run: the --summary-export file can be written (exit 2 otherwise, nothing run). */
  check(): Promise<void>;
  /** After the run: the document to stdout (--json), to the file (--summary-export), or the verdict line (--quiet); the exit code to end with. */
  finish(result: RunResult, runDir: string, exitCode: ExitCode): Promise<ExitCode>;
}

export function summaryOutput(flags: SummaryFlags, io: CliIo, command: string): SummaryOutput {
  const exportFile = flags['summary-export'] === undefined ? undefined : path.resolve(io.cwd, flags['summary-export']);
  const drop = (): void => undefined;
  const human: CliIo = flags.quiet
    ? { ...io, out: drop, isTTY: false }
    : flags.json
      ? { ...io, out: (t) => io.err(t), isTTY: io.errIsTTY ?? false }
      : io;
  const terminal = flags.json ? process.stderr : process.stdout;
  return {
    human,
    live: { quiet: flags.quiet, columns: () => terminal.columns, rows: () => terminal.rows, write: (raw) => void terminal.write(raw) },
    async check() {
      if (exportFile !== undefined) await checkWritableFile(exportFile, flags['summary-export'] ?? exportFile);
    },
    async finish(result, runDir, exitCode) {
      let code = exitCode;
      const doc = (): SummaryDocument => summaryDocument(result, { command, exitCode: code, runDir });
      if (exportFile !== undefined) {
        try {
          await writeFileAtomic(exportFile, renderSummaryJson(doc()));
        } catch (e) {
          io.err(`error: --summary-export ${flags['summary-export']}: not written (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); the run's files are in ${runDir}`);
          // The file a CI step reads is missing: the harness failed at its last step.
          code = ExitCode.harnessFailed;
        }
      }
      if (flags.json) io.out(renderSummaryJson(doc()));
      else if (flags.quiet) io.out(formatVerdictLine(doc(), path.relative(io.cwd, runDir) || runDir));
      return code;
    },
  };
}

/** The file can be created (its folder made) and is not a directory. */
async function checkWritableFile(file: string, shown: string): Promise<void> {
  const fail = (why: string): never => {
    throw new StresslabError('BAD_USAGE', `--summary-export ${shown}: ${why}; nothing was run`, { hint: 'name a file in a writable folder, e.g. --summary-export reports/summary.json' });
  };
  const existing = await stat(file).catch(() => null);
  if (existing?.isDirectory()) fail('is a directory');
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await access(path.dirname(file), constants.W_OK);
  } catch (e) {
    fail(`cannot write there (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}
