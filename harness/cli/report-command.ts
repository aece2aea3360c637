import path from 'node:path';
import type { Argv } from 'yargs';
import { ExitCode } from '../core/exit-codes.ts';
import { StresslabError } from '../core/stresslab-error.ts';
import { writeHistoryReport, writeReports } from '../report/write-reports.ts';
import { readRunDir } from '../run/run-record.ts';
import type { StresslabCommand } from './command.ts';

export interface ReportArgs {
  runDir: string | undefined;
  history: string | undefined;
}

export const reportCommand: StresslabCommand<ReportArgs> = {
  command: 'report [runDir]',
  describe: 'Re-render report.md, report.html and junit.xml of a run from its result.json and timeline.jsonl, or a history trend page',
  builder: (y: Argv) =>
    y
      .positional('runDir', { type: 'string', describe: 'A run directory: reports/<scenario>/<run-id>' })
      .option('history', { type: 'string', describe: 'Render the trend page of a history file, e.g. reports/local/history.jsonl' }) as unknown as Argv<ReportArgs>,
  examples: [
    ['stresslab report reports/light/20261122T101500Z-ab12', 'Re-render one run'],
    ['stresslab report --history reports/nightly/history.jsonl', 'Trend page across nightly runs (history.html beside it)'],
  ],
  async run(args, io) {
    if (args.history !== undefined) {
      const out = await writeHistoryReport(path.resolve(io.cwd, args.history));
      io.out(`wrote ${path.relative(io.cwd, out)}`);
      return ExitCode.ok;
    }
    if (args.runDir === undefined) {
      throw new StresslabError('BAD_USAGE', 'name a run directory or --history FILE', { hint: 'e.g. stresslab report reports/light/<run-id>' });
    }
    const dir = path.resolve(io.cwd, args.runDir);
    const data = await readRunDir(dir);
    const written = await writeReports(dir, data, { formats: ['md', 'html', 'junit'] });
    for (const f of Object.values(written)) io.out(`wrote ${path.relative(io.cwd, f)}`);
    return ExitCode.ok;
  },
};
