import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../harness/cli/main.ts';
import { SCENARIOS_DIR } from '../../harness/scenario/scenario-files.ts';
import { captureIo } from './capture-io.ts';
import { scenarioMutants } from './scenario-mutants.ts';
import type { Json } from './scenario-mutants.ts';

/**
 * Feeds seeded mutants of the presets to `stresslab validate` (main(['validate', ...files]), the CLI
 * path a user takes) and sorts each file's outcome: valid, refused (exit 2, with or without a JSON
 * path), or an internal error (exit 70 or anything thrown). Files are validated in batches, since
 * the CLI's own start-up (yargs) costs more than loading a file; a batch that ends in exit 70 is run
 * again file by file to name the culprit.
 */
export interface FuzzCounts {
  mutants: number;
  valid: number;
  refused: number;
  /** Refusals naming a JSON path inside the document (`FILE at load[0].rate: …`). */
  withPath: number;
  /** Refusals of the document as a whole (`FILE: expected object, got null`): its path is the root. */
  atRoot: number;
  /** Refusals naming a line and column or a byte offset instead (syntax, encoding, YAML nesting). */
  withPosition: number;
  /** Refusals of the file as a whole (its size, its type): no path or position applies. */
  fileLevel: number;
  /** Refusals of well-formed files (only the document mutated) that name neither a JSON path nor a line. */
  structuralWithoutPath: number;
  internal: number;
  /** Refusals whose output does not name the file. */
  withoutFile: number;
  json: number;
  yaml: number;
}

export interface FuzzReport {
  counts: FuzzCounts;
  /** Up to 10 of each kind of bad outcome, for the failure message. */
  internalErrors: string[];
  refusalsWithoutFile: string[];
  structuralWithoutPath: string[];
  /** Slowest batch, to show each load stayed bounded. */
  slowestBatchMs: number;
  /** Time spent in `stresslab validate` (the rest is making and writing the mutants). */
  validateMs: number;
}

export interface FuzzOptions {
  dir: string;
  presets: readonly string[];
  perPreset: number;
  seed: number;
  batchSize?: number;
  /** A batch taking longer than this is a hang: the test fails (a FIFO read, an endless loop). */
  batchTimeoutMs?: number;
  /** Giant arrays among the mutations (default true). */
  giantArrays?: boolean;
}

/** The body files mutants point `bodyFile` at: a FIFO, a directory, too big, too deep, duplicate keys, bad UTF-8, a BOM. */
export function writeSpecialBodies(dir: string): void {
  mkdirSync(dir, { recursive: true });
  cpSync(join(SCENARIOS_DIR, 'data'), join(dir, 'data'), { recursive: true });
  execFileSync('mkfifo', [join(dir, 'fifo.json')]);
  writeFileSync(join(dir, 'big.json'), `"${'x'.repeat(10 * 1024 * 1024 + 10)}"`);
  writeFileSync(join(dir, 'deep.json'), `${'['.repeat(1000)}${']'.repeat(1000)}`);
  writeFileSync(join(dir, 'dup.json'), '{"a": 1, "a": 2}');
  writeFileSync(join(dir, 'bad-utf8.json'), Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]));
  writeFileSync(join(dir, 'bom.json'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a": 1}')]));
}

export async function runValidateFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const { dir, batchSize = 50, batchTimeoutMs = 60_000 } = options;
  const counts: FuzzCounts = { mutants: 0, valid: 0, refused: 0, withPath: 0, atRoot: 0, withPosition: 0, fileLevel: 0, structuralWithoutPath: 0, internal: 0, withoutFile: 0, json: 0, yaml: 0 };
  const report: FuzzReport = { counts, internalErrors: [], refusalsWithoutFile: [], structuralWithoutPath: [], slowestBatchMs: 0, validateMs: 0 };
  const note = (list: string[], text: string): void => void (list.length < 10 && list.push(text));
  for (const [p, preset] of options.presets.entries()) {
    const doc = JSON.parse(readFileSync(join(SCENARIOS_DIR, `${preset}.json`), 'utf8')) as Json;
    const mutants = scenarioMutants(doc, options.perPreset, options.seed + p, { giantArrays: options.giantArrays ?? true });
    let k = 0;
    for (let i = 0; i < options.perPreset; i += batchSize) {
      const batch: { file: string; label: string; structural: boolean }[] = [];
      for (let j = 0; j < batchSize; j++) {
        const next = mutants.next();
        if (next.done) break;
        const m = next.value;
        const file = join(dir, `${preset}-${k++}.${m.format}`);
        writeFileSync(file, m.bytes);
        batch.push({ file, label: m.label, structural: m.structural });
        counts[m.format]++;
      }
      const started = performance.now();
      const out = await validate(batch.map((f) => f.file), dir, batchTimeoutMs);
      report.slowestBatchMs = Math.max(report.slowestBatchMs, performance.now() - started);
      report.validateMs += performance.now() - started;
      const outcomes = out.code === 70 || out.code === null ? await oneByOne(batch.map((f) => f.file), dir, batchTimeoutMs) : sections(batch.map((f) => f.file), out);
      batch.forEach((f, j) => {
        const o = outcomes[j] as Outcome;
        counts.mutants++;
        if (o.kind === 'valid') counts.valid++;
        else if (o.kind === 'internal') {
          counts.internal++;
          note(report.internalErrors, `${preset} [${f.label}] ${f.file}: ${o.text.slice(0, 600)}`);
        } else {
          counts.refused++;
          if (!o.text.includes(f.file)) {
            counts.withoutFile++;
            note(report.refusalsWithoutFile, `${preset} [${f.label}] ${o.text.slice(0, 400)}`);
          }
          if (o.text.includes(`${f.file} at `)) counts.withPath++;
          else if (/line \d+, column \d+|byte \d+/.test(o.text)) counts.withPosition++;
          else if (o.text.includes(`\n  ${f.file}: `)) counts.atRoot++;
          else {
            counts.fileLevel++;
            if (f.structural) {
              counts.structuralWithoutPath++;
              note(report.structuralWithoutPath, `${preset} [${f.label}] ${o.text.slice(0, 400)}`);
            }
          }
        }
      });
      // Giant mutants are megabytes each: keep the disk use to one batch.
      for (const f of batch) rmSync(f.file, { force: true });
    }
  }
  return report;
}

type Outcome = { kind: 'valid' } | { kind: 'refused'; text: string } | { kind: 'internal'; text: string };

interface CliOutput {
  code: number | null;
  stdout: string;
  stderr: string;
}

async function validate(files: string[], cwd: string, timeoutMs: number): Promise<CliOutput> {
  const io = captureIo(cwd);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), timeoutMs)));
  try {
    const code = await Promise.race([main(['validate', ...files], io).catch(() => 70), timeout]);
    if (code === null) throw new Error(`validate did not finish within ${timeoutMs} ms for ${files.join(' ')}`);
    return { code, stdout: io.stdout(), stderr: io.stderr() };
  } finally {
    clearTimeout(timer);
  }
}

/** Each file's part of a batch's output: `OK FILE` on stdout, or `FAIL FILE` and its problems on stderr. */
function sections(files: string[], out: CliOutput): Outcome[] {
  const okLines = new Set(out.stdout.split('\n'));
  const failed = new Map<string, string>();
  for (const part of out.stderr.split(/^FAIL /m).slice(1)) {
    const nl = part.indexOf('\n');
    failed.set(part.slice(0, nl < 0 ? undefined : nl), part);
  }
  return files.map((f): Outcome => {
    if (okLines.has(`OK ${f}`)) return { kind: 'valid' };
    const text = failed.get(f);
    if (text !== undefined && out.code === 2) return { kind: 'refused', text };
    return { kind: 'internal', text: `exit ${out.code}, no outcome for the file:\n${out.stderr.slice(0, 2000)}` };
  });
}

async function oneByOne(files: string[], cwd: string, timeoutMs: number): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (const f of files) {
    const out = await validate([f], cwd, timeoutMs);
    outcomes.push(out.code === 0 ? { kind: 'valid' } : out.code === 2 ? { kind: 'refused', text: out.stderr } : { kind: 'internal', text: `exit ${out.code}: ${out.stderr}` });
  }
  return outcomes;
}
