import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { formatDuration } from '../core/duration.ts';
import { StresslabError } from '../core/stresslab-error.ts';
import type { ManagedProcess } from '../faults/fault-kind.ts';
import { RUN_MARKER_ENV } from '../faults/marked-processes.ts';
import { signalGroup, stopGroup } from '../../process-kit/process-group.ts';
import type { TargetStartSpec } from './target-start-spec.ts';
import { waitForHealthy } from './wait-for-healthy.ts';

export interface ManagedTargetOptions {
  spec: TargetStartSpec;
  /** Where stdout and stderr of every start go, appended (the run directory's target.log). */
  logFile: string;
  /**
   * A run marker (marked-processes.ts), handed down in RUN_MARKER_ENV: after a SIGKILL of the
   * harness, cleanup finds the target and everything it started, even what left its process group.
   */
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
 * A target the harness owns (a scenario's target.start, or the embedded reference service): started
 * as the leader of its own process group with its output in a log file, probed until healthy,
 * signalled, restarted with the same command by process faults, and stopped with its whole group
 * (SIGTERM, SIGKILL after the spec's stopTimeout). Its exits are told as they happen.
 */
export class ManagedTarget implements ManagedProcess {
  private child: ChildProcess | null = null;
  /** The process group of the latest start (its leader's pid) until it is stopped: what stop() ends. */
  private group: number | null = null;
  private exited: Promise<void> = Promise.resolve();
  private readonly exitListeners = new Set<(exit: TargetExitNotice) => void>();
  private signalled: ChildProcess | null = null;
  /**
   * A harness that exits without stop() (a second Ctrl-C exits at once) takes the group with it: it
   * runs in its own session, out of reach of the terminal's SIGINT. Only a SIGKILL of the harness
   * leaves it, for the ledger and the run marker.
   */
  private readonly killOnExit = (): void => {
    try {
      if (this.group !== null) signalGroup(this.group, 'SIGKILL');
    } catch {
      // Exiting anyway: what is left is for the ledger and the run marker.
    }
  };
  readonly url: string;

  constructor(private readonly opts: ManagedTargetOptions) {
    this.url = opts.spec.url;
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  /** The group's leader runs (the process started; an exit of it is an exit of the target). */
  get running(): boolean {
    const c = this.child;
    return c !== null && c.pid !== undefined && c.exitCode === null && c.signalCode === null;
  }

  /**
   * Starts the command and resolves once its health path answers 2xx. TARGET_START_FAILED (exit 4)
   * when it cannot be spawned, exits first, or is not healthy in time; its group is stopped then.
   */
  async start(): Promise<void> {
    const { spec } = this.opts;
    // A restart: what is left of the previous group (a child draining after SIGTERM) still holds the port.
    if (this.group !== null) await stopGroup(this.group, spec.stopTimeoutMs);
    const log = this.openLog();
    let spawnError: Error | null = null;
    let child: ChildProcess;
    try {
      child = spawn(spec.argv[0], spec.argv.slice(1), {
        cwd: spec.cwd,
        env: { ...process.env, ...spec.env, ...(this.opts.marker === undefined ? {} : { [RUN_MARKER_ENV]: this.opts.marker }) },
        // Its own process group (and session): signals reach a shell's or npm's children too, and a
        // Ctrl-C at the terminal reaches the harness only, which stops the target in order.
        detached: true,
        stdio: ['ignore', log.fd, log.fd],
      });
    } catch (e) {
      // Refused before any process (an empty program name after templating).
      throw new StresslabError('TARGET_START_FAILED', `${spec.name} could not be started: ${(e as Error).message}`, { hint: spec.hint, cause: e });
    } finally {
      fs.closeSync(log.fd);
    }
    this.child = child;
    child.once('error', (e) => (spawnError = e));
    this.exited = new Promise((resolve) => {
      child.once('exit', () => resolve());
      // A spawn that failed (ENOENT) emits 'error' and never 'exit'.
      child.once('error', () => resolve());
    });
    child.once('exit', (code, signal) => this.tellExit(child, code, signal));
    if (child.pid === undefined) {
      // Not started at all (ENOENT, EACCES): the error event follows on the next tick.
      spawnError = await new Promise<Error>((resolve) => child.once('error', resolve));
      throw this.startFailure(child, spawnError, log.offset, spawnError);
    }
    this.group = child.pid;
    process.off('exit', this.killOnExit).on('exit', this.killOnExit);
    this.note(`started pid ${child.pid}: ${spec.command}`);
    this.opts.onSpawn?.(child.pid);
    try {
      await waitForHealthy(`${spec.url}${spec.healthPath}`, { timeoutMs: spec.startTimeoutMs, isAlive: () => spawnError === null && this.running });
    } catch (e) {
      // Said before the group is killed, which ends the leader too.
      const failure = this.startFailure(child, spawnError, log.offset, e);
      if (this.group !== null) await stopGroup(this.group, 0, 'SIGKILL');
      await this.exited;
      throw failure;
    }
  }

  /**
   * Sends a signal to the target's whole process group (process faults); false when it is not
   * running. An exit that follows a signal sent through here was asked for (see onExit).
   */
  signal(sig: NodeJS.Signals): boolean {
    if (!this.running || this.group === null) return false;
    // A pause is not an exit.
    if (sig !== 'SIGSTOP' && sig !== 'SIGCONT') this.signalled = this.child;
    return signalGroup(this.group, sig);
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

  /** Stops the whole group: SIGTERM, SIGKILL after `graceMs` (default the spec's stopTimeout). Safe to call twice. */
  async stop(graceMs = this.opts.spec.stopTimeoutMs): Promise<void> {
    if (this.group === null) return;
    this.note(`stopping process group ${this.group} (SIGTERM, SIGKILL after ${formatDuration(graceMs)})`);
    await stopGroup(this.group, graceMs);
    await this.exited;
    process.off('exit', this.killOnExit);
    this.group = null;
    this.child = null;
  }

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

  /** The log opened for appending, and where this start's output begins in it (for the failure's tail). */
  private openLog(): { fd: number; offset: number } {
    const file = this.opts.logFile;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const fd = fs.openSync(file, 'a');
      return { fd, offset: fs.fstatSync(fd).size };
    } catch (e) {
      throw new StresslabError('BAD_USAGE', `cannot write the target's log ${file}: ${(e as Error).message}`, { hint: 'choose another --reports-dir', cause: e });
    }
  }

  /** A line of the harness's own in the target's log (starts and stops), so restarts can be told apart. */
  private note(text: string): void {
    try {
      fs.appendFileSync(this.opts.logFile, `[stresslab ${new Date().toISOString()}] ${text}\n`);
    } catch {
      // The log is for people; a full disk must not stop the target.
    }
  }

  private startFailure(child: ChildProcess, spawnError: Error | null, offset: number, healthError: unknown): StresslabError {
    const { spec } = this.opts;
    const healthUrl = `${spec.url}${spec.healthPath}`;
    const why =
      spawnError !== null
        ? `could not be started: ${spawnError.message}`
        : child.exitCode !== null || child.signalCode !== null
          ? `exited (${child.signalCode ?? `code ${child.exitCode}`}) before ${healthUrl} answered`
          : `did not answer ${healthUrl} with 2xx within ${formatDuration(spec.startTimeoutMs)} (${lastProbe(healthError)})`;
    const tail = logTail(this.opts.logFile, offset);
    return new StresslabError('TARGET_START_FAILED', `${spec.name} ${why}`, {
      hint: `its last output (${this.opts.logFile}):\n${tail === '' ? '(none)' : tail}\n${spec.hint}`,
      cause: spawnError ?? healthError,
    });
  }
}

/** The last probe's answer, from waitForHealthy's message "… (ECONNREFUSED: …)". */
function lastProbe(e: unknown): string {
  const m = /\(([^()]*)\)$/.exec(e instanceof Error ? e.message : '');
  return m?.[1] ?? 'no answer';
}

/** The last lines (at most 20, from the last 4 KB) written to `file` since `offset`, without the harness's own notes. */
function logTail(file: string, offset: number): string {
  try {
    const size = fs.statSync(file).size;
    const from = Math.max(offset, size - 4096);
    const buf = Buffer.alloc(size - from);
    const fd = fs.openSync(file, 'r');
    try {
      fs.readSync(fd, buf, 0, buf.length, from);
    } finally {
      fs.closeSync(fd);
    }
    const lines = buf.toString('utf8').split('\n').filter((l) => l !== '' && !l.startsWith('[stresslab '));
    return lines.slice(-20).map((l) => `  ${l}`).join('\n');
  } catch {
    return '';
  }
}
