import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { StresslabError } from '../core/stresslab-error.ts';
import { repoRoot } from '../core/repo-root.ts';
import { stopChild } from '../../process-kit/stop-child.ts';
import { TSX_IMPORT } from '../core/process/tsx-loader.ts';
import { waitForHealthy } from './wait-for-healthy.ts';

/** The reference service's entry point: the harness starts it as a process, never imports it. */
export const REFERENCE_SERVICE_MAIN = path.join(repoRoot, 'reference-service', 'main.ts');

export interface ManagedTargetOptions {
  /** Extra environment for the target (DATABASE_URL, WORKERS, TARGET_WORK_FACTOR, …). */
  env: Record<string, string>;
  host?: string;
  /** Fixed port; 0 picks a free one on first start (restarts reuse it so the load keeps its URL). */
  port?: number;
  healthPath: string;
  startTimeoutMs?: number;
  onLog?: (line: string) => void;
  /** A run marker for its argv (marked-processes.ts): cleanup finds the target after a SIGKILL of the harness. */
  marker?: string;
  /** Told the pid of every start (restarts too), so the run can record it before anything else happens. */
  onSpawn?: (pid: number) => void;
}

/** How the target's process exited (ManagedTarget.onExit). */
export interface TargetExitNotice {
  pid: number | null;
  /** Exit code, null when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** A signal sent through `ManagedTarget.signal()` (a process fault) preceded it. */
  requested: boolean;
}

/**
 * The reference service run as a child process the harness owns: started, probed, killed and
 * restarted by pid (process faults need a real process), stopped with SIGTERM at the end.
 */
export class ManagedTarget {
  private child: ChildProcess | null = null;
  private port: number;
  private exited: Promise<void> = Promise.resolve();
  private readonly stderrTail: string[] = [];
  url = '';

  constructor(private readonly opts: ManagedTargetOptions) {
    this.port = opts.port ?? 0;
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<void> {
    const timeoutMs = this.opts.startTimeoutMs ?? 60_000;
    const child = spawn(process.execPath, [...TSX_IMPORT, REFERENCE_SERVICE_MAIN, ...(this.opts.marker === undefined ? [] : [this.opts.marker])], {
      cwd: repoRoot,
      env: { ...process.env, ...this.opts.env, HOST: this.opts.host ?? '127.0.0.1', PORT: String(this.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    if (child.pid !== undefined) this.opts.onSpawn?.(child.pid);
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.once('exit', (code, signal) => this.tellExit(child, code, signal));
    readline.createInterface({ input: child.stderr! }).on('line', (line) => this.keepStderr(line));
    const url = await this.readListeningLine(child, timeoutMs);
    this.url = url;
    this.port = Number(new URL(url).port);
    await waitForHealthy(`${url}${this.opts.healthPath}`, { timeoutMs, isAlive: () => this.running });
  }

  private keepStderr(line: string): void {
    this.stderrTail.push(line);
    if (this.stderrTail.length > 30) this.stderrTail.shift();
    this.opts.onLog?.(line);
  }

  private readListeningLine(child: ChildProcess, timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const fail = (why: string) => {
        clearTimeout(timer);
        reject(
          new StresslabError('TARGET_START_FAILED', `The embedded target did not start: ${why}`, {
            hint: `Its last output:\n${this.stderrTail.join('\n') || '(none)'}\nTry \`npm run reference-service\` to see it start on its own.`,
          }),
        );
      };
      const timer = setTimeout(() => fail(`no "listening" line within ${timeoutMs} ms`), timeoutMs);
      child.once('exit', (code, signal) => fail(`it exited (${signal ?? `code ${code}`}) before listening`));
      child.once('error', (e) => fail(e.message));
      readline.createInterface({ input: child.stdout! }).on('line', (line) => {
        const event = parseEvent(line);
        if (event?.event === 'listening' && typeof event.url === 'string') {
          clearTimeout(timer);
          resolve(event.url);
        } else {
          this.opts.onLog?.(line);
        }
      });
    });
  }

  /** Sends a signal to the target process (process faults); returns false when it is not running. */
  signal(sig: NodeJS.Signals): boolean {
    if (!this.running || !this.child) return false;
    // An exit that follows a signal sent through here was asked for (see onExit); a pause is not an exit.
    if (sig !== 'SIGSTOP' && sig !== 'SIGCONT') this.signalled = this.child;
    return this.child.kill(sig);
  }

  /**
   * Calls `listener` at once whenever the target's process exits (each restart's too) until the
   * returned function is called. `requested`: the exit followed a signal sent through `signal()`
   * (a process fault, which restarts it); any other exit is the target dying on its own.
   */
  onExit(listener: (exit: TargetExitNotice) => void): () => void {
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }

  private readonly exitListeners = new Set<(exit: TargetExitNotice) => void>();
  private signalled: ChildProcess | null = null;

  private tellExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    const notice: TargetExitNotice = { pid: child.pid ?? null, code, signal, requested: this.signalled === child };
    if (this.signalled === child) this.signalled = null;
    for (const l of this.exitListeners) {
      try {
        l(notice);
      } catch {
        // A listener's failure is its own: the others and the target's bookkeeping go on.
      }
    }
  }

  /** Stops gracefully (SIGTERM), escalating to SIGKILL after `graceMs`. Safe to call twice. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.child) return;
    await stopChild(this.child, [['SIGTERM', graceMs]]);
    this.child = null;
  }

  async waitExit(): Promise<void> {
    await this.exited;
  }
}

function parseEvent(line: string): { event?: unknown; url?: unknown } | null {
  if (!line.startsWith('{')) return null;
  try {
    return JSON.parse(line) as { event?: unknown; url?: unknown };
  } catch {
    return null;
  }
}
