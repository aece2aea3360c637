import type { RunStep, RunStepEvent } from '../run/run-observer.ts';

/**
 * The words for a run's setup and teardown steps (run-observer.ts names them, the runner emits
 * them): what is shown while a step runs, and the line it leaves when it is over.
 */

const LABELS: Record<RunStep, (detail: string | undefined) => string> = {
  cleanup: () => 'cleaning up what earlier runs left behind',
  toxiproxy: (d) => (d === undefined || d === 'embedded' ? 'starting the embedded Toxiproxy' : `connecting to Toxiproxy at ${d}`),
  postgres: () => 'starting PostgreSQL (embedded)',
  target: (d) => `starting the target${d ? ` (${d})` : ''} and waiting until it is healthy`,
  healthy: (d) => `waiting for ${d ?? 'the target'} to answer healthy`,
  'load-workers': (d) => `starting the load threads${d ? ` (${d})` : ''}`,
  calibration: () => 'readying the resource sampler and machine-speed probe',
  'start-at': (d) => `waiting for --start-at${d ? ` ${d}` : ''}`,
  audit: () => 'auditing integrity',
  reports: () => 'analysing and writing reports',
  'stop-target': () => 'stopping what the run started',
};

/** What a step is doing, e.g. "starting PostgreSQL (embedded)". */
export function stepLabel(step: RunStep, detail?: string): string {
  return LABELS[step](detail);
}

/** The line left once a step is over: "✓ starting PostgreSQL (embedded) 2.1 s" or "✗ … : why". */
export function stepDoneLine(label: string, event: RunStepEvent, durationMs: number): string {
  const took = `${(Math.max(0, durationMs) / 1000).toFixed(1)} s`;
  return event.status === 'failed' ? `✗ ${label} (${took}): ${event.detail ?? 'failed'}` : `✓ ${label} (${took})`;
}

/** The line shown while a step runs, with how long it has taken so far in whole seconds. */
export function stepActiveLine(label: string, elapsedMs: number): string {
  const s = Math.floor(Math.max(0, elapsedMs) / 1000);
  return `… ${label}${s > 0 ? ` ${s} s` : ''}`;
}
