import path from 'node:path';
import { repoRoot } from '../core/repo-root.ts';
import { moduleFile, nodeArgsFor } from '../core/process/module-entry.ts';
import { renderStartTemplate } from '../scenario/schema-target-start.ts';
import type { ResolvedTargetStart } from '../scenario/schema-target.ts';

/** The reference service's entry point: the harness starts it as a process, never imports it. */
export const REFERENCE_SERVICE_MAIN = moduleFile('reference-service/main');

/**
 * A target the harness starts, everything resolved: what ManagedTarget runs, probes, restarts and
 * stops. A scenario's `target.start` and the embedded reference service both become one.
 */
export interface TargetStartSpec {
  /** What runs: a string command becomes `/bin/sh -c <command>`. */
  argv: readonly [string, ...string[]];
  /** How messages name the target, e.g. "target.start `node server.mjs`". */
  name: string;
  /** The command as the scenario writes it (templates not filled in, so no {{env}} value): result.json shows it. */
  command: string;
  cwd: string;
  /** Set over the harness's own environment. */
  env: Readonly<Record<string, string>>;
  /** Base URL the service answers on (no trailing slash). */
  url: string;
  healthPath: string;
  /** To answer healthy after each start (restarts too). */
  startTimeoutMs: number;
  /** Between SIGTERM and SIGKILL of the process group. */
  stopTimeoutMs: number;
  /** Said after the output's tail when it does not start. */
  hint: string;
}

export interface ScenarioStartInput {
  start: ResolvedTargetStart;
  /** target.url as written (may hold {{port}}). */
  url: string;
  /** The scenario file's directory: `cwd` is relative to it. */
  scenarioDir: string;
  /** The run's free port for {{port}}; null when nothing uses it. */
  port: number | null;
  env: NodeJS.ProcessEnv;
}

/** A scenario's target.start with its templates filled in and its cwd resolved. */
export function specFromScenario({ start, url, scenarioDir, port, env }: ScenarioStartInput): TargetStartSpec {
  const fill = (text: string): string => renderStartTemplate(text, { port, env });
  const command = typeof start.command === 'string' ? start.command : start.command.join(' ');
  const argv: [string, ...string[]] = typeof start.command === 'string' ? ['/bin/sh', '-c', fill(start.command)] : [fill(start.command[0] ?? ''), ...start.command.slice(1).map(fill)];
  return {
    argv,
    name: `target.start \`${command}\``,
    command,
    cwd: path.resolve(scenarioDir, start.cwd ?? '.'),
    env: Object.fromEntries(Object.entries(start.env).map(([k, v]) => [k, fill(v)])),
    url: fill(url).replace(/\/+$/, ''),
    healthPath: start.health,
    startTimeoutMs: start.timeoutMs,
    stopTimeoutMs: start.stopTimeoutMs,
    hint: `run the command yourself in ${path.resolve(scenarioDir, start.cwd ?? '.')} to see it start; it must stay in the foreground and answer GET ${start.health} with 2xx`,
  };
}

export interface ReferenceServiceInput {
  /** DATABASE_URL, WORKERS, TARGET_WORK_FACTOR, CHAOS_TOKEN, … */
  env: Readonly<Record<string, string>>;
  port: number;
  healthPath: string;
  startTimeoutMs: number;
  /** A run marker in argv too (marked-processes.ts), where `ps` shows it. */
  marker?: string;
}

/** The embedded target: the reference service (compiled, or through tsx from the sources) on 127.0.0.1:`port`. */
export function referenceServiceSpec(opts: ReferenceServiceInput): TargetStartSpec {
  const url = `http://127.0.0.1:${opts.port}`;
  return {
    argv: [process.execPath, ...nodeArgsFor(REFERENCE_SERVICE_MAIN), ...(opts.marker === undefined ? [] : [opts.marker])],
    name: 'the embedded target (reference service)',
    command: `node ${REFERENCE_SERVICE_MAIN.endsWith('.ts') ? '--import tsx ' : ''}${path.relative(repoRoot, REFERENCE_SERVICE_MAIN)}`,
    cwd: repoRoot,
    env: { ...opts.env, HOST: '127.0.0.1', PORT: String(opts.port) },
    url,
    healthPath: opts.healthPath,
    startTimeoutMs: opts.startTimeoutMs,
    stopTimeoutMs: 10_000,
    hint: 'Try `npm run reference-service` to see it start on its own.',
  };
}
