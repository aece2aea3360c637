import fs from 'node:fs';
import path from 'node:path';
import { identify } from '../../process-kit/process-identity.ts';
import { StresslabError } from '../core/stresslab-error.ts';
import type { RunProcessLedger } from '../faults/run-process-ledger.ts';
import { usesPort } from '../scenario/schema-target-start.ts';
import type { ResolvedTargetStart } from '../scenario/schema-target.ts';
import { freePort, portAnswers } from './free-port.ts';
import { ManagedTarget } from './managed-target.ts';
import type { TargetStartSpec } from './target-start-spec.ts';
import { specFromScenario } from './target-start-spec.ts';
import { describeFetchError } from './wait-for-healthy.ts';

export interface StartCommandInput {
  start: ResolvedTargetStart;
  /** target.url as written (may hold {{port}}). */
  url: string;
  /** The scenario file: `cwd` is relative to its directory, and errors name it. */
  scenarioFile: string;
  /** stdout and stderr of the command (the run directory's target.log). */
  logFile: string;
  /** Records every start in the machine ledger (opened here before the first spawn). */
  owned: RunProcessLedger;
  /** The setup's stop stack: the started group is stopped with the rest. */
  stack: Array<() => Promise<void>>;
}

export interface StartedCommand {
  /** null when an already running service was reused: nothing was started, nothing will be stopped. */
  managed: ManagedTarget | null;
  /** Base URL (no trailing slash). */
  url: string;
  reused: boolean;
}

/**
 * A scenario's target.start: the service already healthy at target.url is used as it is when
 * `reuseExisting` says so; otherwise the command is started (ManagedTarget) and must answer healthy
 * within its timeout. A fixed port that something else already answers on is refused before
 * anything starts, so the load never goes to a stranger while the command fails to bind.
 */
export async function startCommandTarget(input: StartCommandInput): Promise<StartedCommand> {
  const { start } = input;
  const needsPort = [input.url, ...(typeof start.command === 'string' ? [start.command] : start.command), ...Object.values(start.env)].some(usesPort);
  const port = needsPort ? await freePort() : null;
  const spec = specFromScenario({ start, url: input.url, scenarioDir: path.dirname(input.scenarioFile), port, env: process.env });
  checkStartCwd(start, input.scenarioFile);
  // A {{port}} was free a moment ago: nothing to reuse or refuse there.
  if (!usesPort(input.url)) {
    const health = await probeOnce(`${spec.url}${spec.healthPath}`);
    if (health === 'healthy' && start.reuseExisting) return { managed: null, url: spec.url, reused: true };
    await refuseTakenPort(spec, health);
  }
  await input.owned.open();
  const managed = new ManagedTarget({
    spec,
    logFile: input.logFile,
    marker: input.owned.marker,
    // Restarts (process faults) too; the marker covers the moment between spawn and this record.
    onSpawn: (pid) => void input.owned.record({ kind: 'kill-process', ...identify(pid), label: spec.name, group: true }),
  });
  input.stack.push(() => managed.stop());
  await managed.start();
  return { managed, url: spec.url, reused: false };
}

/**
 * target.start.cwd names a directory (exit 2 otherwise, naming the file and field). Checked by the
 * CLI's preflight before anything starts, and again here for library callers.
 */
export function checkStartCwd(start: ResolvedTargetStart, scenarioFile: string): void {
  const cwd = path.resolve(path.dirname(scenarioFile), start.cwd ?? '.');
  let isDir = false;
  try {
    isDir = fs.statSync(cwd).isDirectory();
  } catch {
    // missing: said below
  }
  if (!isDir) {
    throw new StresslabError('BAD_SCENARIO', `${scenarioFile}: target.start.cwd is not a directory`, {
      file: scenarioFile,
      problems: [{ path: 'target.start.cwd', message: `${cwd} is not a directory`, hint: 'cwd is relative to the scenario file\'s directory; leave it out to run the command there' }],
    });
  }
}

/** One GET of the health URL: healthy (2xx), answering otherwise (with what), or nothing there. */
async function probeOnce(url: string): Promise<'healthy' | { answered: string } | null> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await res.arrayBuffer();
    return res.ok ? 'healthy' : { answered: `HTTP ${res.status}` };
  } catch (e) {
    const why = describeFetchError(e);
    return /ECONNREFUSED/.test(why) ? null : { answered: why };
  }
}

async function refuseTakenPort(spec: TargetStartSpec, health: 'healthy' | { answered: string } | null): Promise<void> {
  const u = new URL(spec.url);
  const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  if (health === null && !(await portAnswers(u.hostname.replace(/^\[(.*)\]$/, '$1'), port))) return;
  const what = health === 'healthy' ? `${spec.healthPath} already answers 2xx` : `something already listens there${health === null ? '' : ` (${health.answered})`}`;
  throw new StresslabError('TARGET_START_FAILED', `${spec.name} was not started: ${spec.url} is taken, ${what}`, {
    hint: 'stop what runs there, write "url" with {{port}} (a free port picked for each run), or set target.start.reuseExisting to use a service that is already running',
  });
}
