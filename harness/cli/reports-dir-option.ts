import type { Argv } from 'yargs';
import { StresslabError } from '../core/stresslab-error.ts';
import type { CliIo } from './command.ts';

/**
 * `--reports-dir`: where runs write reports/<scenario>/<run-id>/ and <env>/history.jsonl. It was
 * `--out` until outputs to other tools came (`--output`, as k6's `--out` sends metrics elsewhere):
 * `--out` still works, hidden from --help, with a one-line note on stderr.
 */
export interface ReportsDirFlags {
  'reports-dir': string | undefined;
  out: string | undefined;
}

export const DEFAULT_REPORTS_DIR = 'reports';

export function reportsDirOptions<T>(y: Argv<T>, describe = 'Reports directory: runs go to <dir>/<scenario>/<run-id>/, history to <dir>/<env>/history.jsonl'): Argv<T & ReportsDirFlags> {
  return y
    .option('reports-dir', { type: 'string', describe: `${describe} (default: ${DEFAULT_REPORTS_DIR})` })
    .option('out', { type: 'string', hidden: true, describe: 'Deprecated: --reports-dir' }) as unknown as Argv<T & ReportsDirFlags>;
}

/** The reports directory as given (relative to the cwd), after the deprecation note for --out. */
export function reportsDirOf(flags: ReportsDirFlags, io: Pick<CliIo, 'err'>): string {
  const { out } = flags;
  const dir = flags['reports-dir'];
  if (out === undefined) return dir ?? DEFAULT_REPORTS_DIR;
  if (dir !== undefined && dir !== out) {
    throw new StresslabError('BAD_USAGE', `--out ${out} and --reports-dir ${dir} name two reports directories; nothing was run`, { hint: `drop --out (the old name of --reports-dir): --reports-dir ${dir}` });
  }
  io.err(`note: --out is deprecated, use --reports-dir ${out} (--out still works for now)`);
  return out;
}
