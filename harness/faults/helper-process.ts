import path from 'node:path';
import { repoRoot } from '../core/repo-root.ts';
import { stopChild } from '../../process-kit/stop-child.ts';
import { moduleFile, nodeArgsFor } from '../core/process/module-entry.ts';
import { StresslabError } from '../core/stresslab-error.ts';
import type { FaultContext } from './fault-kind.ts';
import { identify } from '../../process-kit/process-identity.ts';
import { faultMarker } from './marked-processes.ts';

export type HelperScript = 'memory-hog' | 'cpu-hog' | 'pg-holder';

export interface HelperProcess {
  readonly pid: number;
  /** The helper's `{"ready":true,…}` line. */
  readonly ready: Readonly<Record<string, unknown>>;
  /** SIGTERM, then SIGKILL after a grace period; resolves once it has exited. Safe to call twice. */
  stop(): Promise<void>;
  /** The helper's `{"report":…}` line, written as it stopped; null before, or if it wrote none (killed). */
  report(): Readonly<Record<string, unknown>> | null;
}

export interface StartHelperOptions {
  ctx: FaultContext;
  fault: string;
  label: string;
  /** Secrets go through the environment, not argv (argv is visible to every user in ps). */
  env?: Record<string, string>;
  readyTimeoutMs?: number;
}

/**
 * Runs harness/faults/helpers/<script>-main.ts as a separate process: it outlives a SIGKILLed harness
 * (the ledger and `faults cleanup` find it by pid + start time, or by the marker in its argv).
 */
export async function startHelper(script: HelperScript, config: Record<string, unknown>, opts: StartHelperOptions): Promise<HelperProcess> {
  const file = moduleFile(`harness/faults/helpers/${script}-main`);
  // child_process and readline are loaded here, not imported: `validate` and `plan` load every fault
  // kind, and these two (with net and dgram behind them) were ~15 ms of their start-up (docs/startup.md).
  const child = process.getBuiltinModule('node:child_process').spawn(process.execPath, [...nodeArgsFor(file), JSON.stringify(config), faultMarker(opts.ctx.ledger.entryId(opts.fault))], {
    cwd: repoRoot,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2_000)));
  if (child.pid === undefined) throw failed(opts.label, file, 'it could not be spawned', stderr);
  const pid = child.pid;
  await opts.ctx.ledger.intend(opts.fault, { kind: 'kill-process', ...identify(pid), label: opts.label });
  let report: Record<string, unknown> | null = null;
  // Its stdout ends after its last line: waiting for that (briefly) makes the report line read.
  const stdoutDone = new Promise<void>((resolve) => child.stdout.once('close', () => resolve()));
  const stop = async (): Promise<void> => {
    await stopChild(child, [['SIGTERM', 3_000]]);
    await Promise.race([stdoutDone, new Promise((r) => setTimeout(r, 500))]);
  };
  try {
    const ready = await readyLine(child.stdout, exited, opts.readyTimeoutMs ?? 30_000, (r) => (report = r));
    if (ready === null) throw failed(opts.label, file, 'it exited before it was ready', stderr);
    return { pid, ready, stop, report: () => report };
  } catch (e) {
    await stop();
    throw e instanceof StresslabError ? e : failed(opts.label, file, (e as Error).message, stderr);
  }
}

function readyLine(
  stdout: NodeJS.ReadableStream,
  exited: Promise<void>,
  timeoutMs: number,
  onReport: (report: Record<string, unknown>) => void,
): Promise<Record<string, unknown> | null> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready within ${timeoutMs} ms`)), timeoutMs);
    const done = (v: Record<string, unknown> | null): void => {
      clearTimeout(timer);
      resolve(v);
    };
    process.getBuiltinModule('node:readline').createInterface({ input: stdout }).on('line', (line) => {
      try {
        const msg = JSON.parse(line) as Record<string, unknown>;
        if (msg.ready === true) done(msg);
        else if (typeof msg.report === 'object' && msg.report !== null) onReport(msg.report as Record<string, unknown>);
      } catch {
        /* not a protocol line */
      }
    });
    void exited.then(() => done(null));
  });
}

function failed(label: string, file: string, why: string, stderr: string): StresslabError {
  return new StresslabError('FAULT_FAILED', `The ${label} process failed: ${why}`, {
    hint: stderr.trim() ? `Its output:\n${stderr.trim()}` : `It printed nothing; run it by hand to see why: node ${nodeArgsFor(file).join(' ')} '<its config as JSON>'`,
  });
}
