import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../core/atomic-write.ts';
import { StresslabError } from '../core/stresslab-error.ts';
import { failpoint } from '../core/failpoint.ts';
import { loadChartAssets, type ChartAssets } from './chart-assets.ts';
import type { HistoryLine } from './history-line.ts';
import { readHistory } from './read-history.ts';
import { renderHistoryHtml } from './render-history-html.ts';
import { renderHtml, type HtmlReportInput } from './render-html.ts';
import { renderJson } from './render-json.ts';
import { renderJunit } from './render-junit.ts';
import { renderMarkdown } from './render-markdown.ts';

/** The one file of `report/` that touches the file system; the renderers stay pure. */

export type ReportFormat = 'json' | 'md' | 'html' | 'junit';
export const REPORT_FORMATS: readonly ReportFormat[] = ['json', 'md', 'html', 'junit'];
export const REPORT_FILE_NAMES: Record<ReportFormat, string> = {
  json: 'result.json',
  md: 'report.md',
  html: 'report.html',
  junit: 'junit.xml',
};

export type ReportData = HtmlReportInput;

export interface WriteReportsOptions {
  formats?: readonly ReportFormat[];
  /** uPlot sources; read from node_modules when not given. */
  assets?: ChartAssets;
}

/**
 * Writes the run's reports into `runDir` (created if missing), each atomically, so a reader
 * (CI uploading artifacts, a person refreshing the page) never sees half a file.
 * Returns the paths written, by format.
 */
export async function writeReports(
  runDir: string,
  data: ReportData,
  options: WriteReportsOptions = {},
): Promise<Partial<Record<ReportFormat, string>>> {
  const { written, failed } = await writeEachReport(runDir, data, options);
  if (failed[0] !== undefined) throw failed[0].error;
  return written;
}

export interface ReportWriteFailure {
  format: ReportFormat;
  file: string;
  error: unknown;
}

/**
 * `writeReports` that goes on past a failed file (a full disk, a renderer that threw): every report
 * that can still be written is, and the failures come back instead of stopping at the first.
 */
export async function writeEachReport(
  runDir: string,
  data: ReportData,
  options: WriteReportsOptions = {},
): Promise<{ written: Partial<Record<ReportFormat, string>>; failed: ReportWriteFailure[] }> {
  await mkdir(runDir, { recursive: true });
  const written: Partial<Record<ReportFormat, string>> = {};
  const failed: ReportWriteFailure[] = [];
  for (const format of options.formats ?? REPORT_FORMATS) {
    const file = path.join(runDir, REPORT_FILE_NAMES[format]);
    try {
      failpoint(`report:${format}`);
      await writeFileAtomic(file, renderFormat(format, data, options.assets));
      written[format] = file;
    } catch (error) {
      failed.push({ format, file, error });
    }
  }
  return { written, failed };
}

function renderFormat(format: ReportFormat, data: ReportData, assets: ChartAssets | undefined): string {
  switch (format) {
    case 'json':
      return renderJson(data.result);
    case 'md':
      return renderMarkdown(data.result);
    case 'html':
      return renderHtml(data, assets ?? loadChartAssets());
    case 'junit':
      return renderJunit(data.result);
  }
}

/**
 * Appends one line to history.jsonl in a single write (O_APPEND), creating the directory.
 * If a crash left the file without a final newline, a newline goes first so the new line is
 * not glued to the damaged one. A failed append leaves the file as it was.
 */
export async function appendHistory(historyFile: string, line: HistoryLine): Promise<void> {
  failpoint('history');
  await mkdir(path.dirname(historyFile), { recursive: true });
  const handle = await open(historyFile, 'a+');
  try {
    const { size } = await handle.stat();
    let prefix = '';
    if (size > 0) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) prefix = '\n';
    }
    try {
      await handle.appendFile(`${prefix}${JSON.stringify(line)}\n`, 'utf8');
      await handle.sync();
    } catch (e) {
      // A disk that filled during the write may have taken part of the line: cut it off again.
      await handle.truncate(size).catch(() => undefined);
      throw e;
    }
  } finally {
    await handle.close();
  }
}

/** Renders the trend page of a history file to `outFile` (default: history.html beside it); returns its path. */
export async function writeHistoryReport(
  historyFile: string,
  options: { outFile?: string; title?: string; assets?: ChartAssets } = {},
): Promise<string> {
  const { lines, problems } = await readHistory(historyFile);
  // A damaged line or two is skipped (and said on the page); a file with no readable line at all is
  // not a history, and an empty page would read as "nothing happened".
  if (lines.length === 0 && problems.length > 0) {
    throw new StresslabError('BAD_RESULT', `${historyFile} holds no readable history line (${problems.length} unreadable)`, {
      file: historyFile,
      problems: problems.slice(0, 20),
      hint: 'each line of history.jsonl is one run\'s JSON summary, as `stresslab run` appends it; is this the right file?',
    });
  }
  const outFile = options.outFile ?? path.join(path.dirname(historyFile), 'history.html');
  const html = renderHistoryHtml(
    lines,
    { ...(options.title === undefined ? {} : { title: options.title }), skippedLines: problems.length },
    options.assets ?? loadChartAssets(),
  );
  await writeFileAtomic(outFile, html);
  return outFile;
}
