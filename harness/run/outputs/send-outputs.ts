import path from 'node:path';
import { StresslabError } from '../../core/stresslab-error.ts';
import { splitTimeline } from '../../metrics/split-timeline.ts';
import { readTimeline } from '../../metrics/timeline-reader.ts';
import type { MetricFamily } from '../../report/metric-family.ts';
import { runMetricFamilies } from '../../report/run-metric-families.ts';
import { readResult } from '../read-result.ts';
import { OUTPUT_KINDS } from './index.ts';
import type { OutputOutcome, OutputTarget } from './output-target.ts';

/**
 * Sends a finished run (its result.json and timeline.jsonl) to each output. Never throws for an
 * output that fails: each comes back with what it did or why it failed, so a Prometheus that is
 * down leaves the run's verdict and exit code as they were, and the CLI says so.
 */
export async function sendOutputs(runDir: string, targets: readonly OutputTarget[]): Promise<OutputOutcome[]> {
  if (targets.length === 0) return [];
  let families: MetricFamily[];
  let userAgent: string;
  try {
    const result = await readResult(path.join(runDir, 'result.json'));
    const lines = await readTimeline(path.join(runDir, 'timeline.jsonl')).catch((e: unknown) => {
      if (e instanceof StresslabError && e.code === 'FILE_NOT_FOUND') return [];
      throw e;
    });
    families = runMetricFamilies(result, splitTimeline(lines));
    userAgent = `stresslab/${result.environment.fingerprint.harnessVersion}`;
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    return targets.map((target) => ({ target, ok: false, error }));
  }
  const outcomes: OutputOutcome[] = [];
  for (const target of targets) {
    try {
      const detail = await sendOne(target, families, userAgent);
      outcomes.push({ target, ok: true, detail });
    } catch (e) {
      outcomes.push({ target, ok: false, error: e instanceof Error ? e.message : String(e) });
    }
  }
  return outcomes;
}

function sendOne(target: OutputTarget, families: readonly MetricFamily[], userAgent: string): Promise<string> {
  switch (target.kind) {
    case 'prometheus-rw':
      return OUTPUT_KINDS[target.kind].send(target, families, { userAgent });
    case 'openmetrics':
      return OUTPUT_KINDS[target.kind].send(target, families, { userAgent });
  }
}

/** One line per output for the CLI: what was sent, or a warning that says what follows from it (`run`: the verdict stands). */
export function formatOutputOutcome(o: OutputOutcome, consequence: string): { stream: 'out' | 'err'; text: string } {
  const name = o.target.kind === 'prometheus-rw' ? `prometheus-rw ${o.target.shown}` : `openmetrics ${o.target.file}`;
  return o.ok
    ? { stream: 'out', text: `output ${o.target.kind}: ${o.detail}` }
    : { stream: 'err', text: `warning: output ${name} failed: ${o.error} (${consequence})` };
}
