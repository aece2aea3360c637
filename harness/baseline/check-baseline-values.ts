import type { InputProblem } from '../core/stresslab-error.ts';
import { formatJsonPath } from '../core/json-path.ts';
import { gateMetrics, metricSpecFor } from '../analysis/gate-metrics.ts';

/**
 * The checks a baseline's schema cannot express: values the gate would compare but no run can
 * produce. A negative latency or an error rate of 1.3 gives a self-contradictory change (−10,531 %
 * with its interval on the other side), and a baseline whose every metric is null or absent turns
 * the gate off without a word (every metric `no-data`, pass). Both are refused at load.
 * Takes the parsed JSON (before or after the schema): runs it cannot walk are the schema's problems.
 */
export function checkBaselineValues(json: unknown): { problems: InputProblem[]; gateable: boolean } {
  const problems: InputProblem[] = [];
  let gateable = false;
  const runs = isRecord(json) && Array.isArray(json['runs']) ? (json['runs'] as unknown[]) : [];
  runs.forEach((run, i) => {
    const metrics = isRecord(run) ? run['metrics'] : undefined;
    if (!isRecord(metrics)) return;
    for (const [key, value] of Object.entries(metrics)) {
      if (typeof value !== 'number') continue;
      const at = formatJsonPath(['runs', i, 'metrics', key]);
      const problem = valueProblem(key, value);
      if (problem === null) gateable = true;
      else problems.push({ path: at, ...problem });
    }
  });
  return { problems, gateable };
}

function valueProblem(key: string, value: number): { message: string; hint: string } | null {
  if (!Number.isFinite(value)) return { message: `${value} is not a finite number`, hint: 'use a finite value, or null when the run had none' };
  const spec = metricSpecFor(key);
  // Every catalogued metric is a latency, a rate, a duration, a size or a CPU figure: none can be
  // below 0. Keys outside the catalogue are compared too, so they must at least be finite.
  if (spec === null) return null;
  const unit = spec.unit === 'ratio' ? '' : ` ${spec.unit}`;
  if (value < 0) return { message: `${spec.description} ${value}${unit} is negative`, hint: `a ${spec.description} is at least 0: fix the value, or record the baseline again` };
  if (spec.unit === gateMetrics.errorRate.unit && value > 1) {
    return { message: `${spec.description} ${value} is above 1`, hint: 'a ratio lies between 0 and 1 (0.02 is 2 %): fix the value, or record the baseline again' };
  }
  return null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
