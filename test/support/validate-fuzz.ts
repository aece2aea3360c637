import { execFileSync, fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsxImportArgs } from '../../harness/core/process/tsx-loader.ts';
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
  /** Called after each batch (the pool's watchdog: a worker stuck in a loop sends none). */
  onBatch?: () => void;
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
      options.onBatch?.();
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
  // Imported here, not at the top: the test file imports this module for the pool and the body
  // files only, and loading the whole CLI there delayed the workers' start by seconds.
  const { main } = await import('../../harness/cli/main.ts');
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

/** A job for a validateFuzzPool worker (validate-fuzz-child.ts), and what it answers. */
export interface FuzzChildRequest {
  id: number;
  options: Omit<FuzzOptions, 'onBatch'>;
}
export type FuzzChildReply = { id: number; kind: 'ready' | 'batch' } | { id: number; kind: 'done'; report: FuzzReport } | { id: number; kind: 'failed'; error: string };

export interface FuzzPool {
  /** runValidateFuzz(options) in the next free worker process. */
  run(options: Omit<FuzzOptions, 'onBatch'>): Promise<FuzzReport>;
  close(): Promise<void>;
}

interface PoolJob {
  id: number;
  options: Omit<FuzzOptions, 'onBatch'>;
  resolve: (r: FuzzReport) => void;
  reject: (e: Error) => void;
}

interface PoolWorker {
  child: ChildProcess;
  job: PoolJob | null;
  ready: boolean;
  stderr: string;
  watchdog?: NodeJS.Timeout;
}

/**
 * `size` worker processes running runValidateFuzz jobs (one preset each) side by side: the
 * mutants are independent, and a 2-core machine validates twice as many in the same time as one
 * process. Each worker is the CLI's in-process path, as before; only the presets are spread.
 * A worker that sends no finished batch for twice the batch timeout is killed and its job fails:
 * this catches a validator stuck in a synchronous loop, which the in-process timeout cannot.
 */
export function validateFuzzPool(size: number): FuzzPool {
  const queue: PoolJob[] = [];
  const workers = new Set<PoolWorker>();
  let nextId = 0;
  let closed = false;

  const spawnWorker = (): void => {
    // A young generation of 64 MB: a giant YAML mutant's document (tens of MB of nodes, alive until
    // converted) then mostly dies young, instead of being copied by hundreds of scavenges (half the GC time).
    const child = fork(CHILD, [], { execArgv: [...tsxImportArgs(), '--max-semi-space-size=64'], stdio: ['ignore', 'inherit', 'pipe', 'ipc'] });
    const w: PoolWorker = { child, job: null, ready: false, stderr: '' };
    workers.add(w);
    child.stderr?.on('data', (d: Buffer) => (w.stderr = (w.stderr + d.toString()).slice(-4000)));
    child.on('message', (m: FuzzChildReply) => {
      if (m.kind === 'ready') w.ready = true;
      else if (m.kind === 'batch') arm(w);
      else if (w.job !== null && m.id === w.job.id) {
        const job = w.job;
        w.job = null;
        clearTimeout(w.watchdog);
        if (m.kind === 'done') job.resolve(m.report);
        else if (m.kind === 'failed') job.reject(new Error(`fuzz worker failed on ${job.options.presets.join(', ')}: ${m.error}`));
      }
      dispatch();
    });
    child.on('exit', (code, signal) => {
      workers.delete(w);
      clearTimeout(w.watchdog);
      if (w.job !== null) w.job.reject(new Error(`fuzz worker exited (${signal ?? code}) during ${w.job.options.presets.join(', ')}: ${w.stderr}`));
      w.job = null;
      if (!closed && queue.length > 0) spawnWorker();
    });
  };

  const arm = (w: PoolWorker): void => {
    clearTimeout(w.watchdog);
    const job = w.job;
    if (job === null) return;
    const limitMs = 2 * (job.options.batchTimeoutMs ?? 60_000);
    w.watchdog = setTimeout(() => {
      const stuck = w.job;
      w.job = null;
      stuck?.reject(new Error(`a batch of ${stuck.options.presets.join(', ')} did not finish within ${limitMs} ms (worker killed)`));
      w.child.kill('SIGKILL');
    }, limitMs);
  };

  const dispatch = (): void => {
    for (const w of workers) {
      if (!w.ready || w.job !== null || queue.length === 0) continue;
      w.job = queue.shift() as PoolJob;
      arm(w);
      w.child.send({ id: w.job.id, options: w.job.options } satisfies FuzzChildRequest);
    }
  };

  for (let i = 0; i < size; i++) spawnWorker();
  return {
    run: (options) =>
      new Promise<FuzzReport>((resolve, reject) => {
        queue.push({ id: nextId++, options, resolve, reject });
        if (workers.size < size) spawnWorker();
        dispatch();
      }),
    close: async () => {
      closed = true;
      await Promise.all(
        [...workers].map(
          (w) =>
            new Promise<void>((resolve) => {
              if (w.child.exitCode !== null || w.child.signalCode !== null) return resolve();
              w.child.once('exit', () => resolve());
              w.child.disconnect();
            }),
        ),
      );
    },
  };
}

const CHILD = fileURLToPath(new URL('./validate-fuzz-child.ts', import.meta.url));
