import type { MetricFamily } from './metric-family.ts';

/**
 * OpenMetrics 1.0 text exposition (https://prometheus.io/docs/specs/om/open_metrics_spec/) of a
 * run's metric families: TYPE, UNIT and HELP per family, one line per sample with its timestamp in
 * seconds, a series' samples together and in time order, `# EOF` last. Prometheus can backfill it
 * (`promtool tsdb create-blocks-from openmetrics FILE DIR`). Pure.
 */
export function renderOpenMetrics(families: readonly MetricFamily[]): string {
  return [...openMetricsChunks(families)].join('');
}

/**
 * The same text in pieces of one series each (newline-terminated lines), for a writer that streams
 * it: a day-long run's file is hundreds of MB, past what one JavaScript string can hold.
 */
export function* openMetricsChunks(families: readonly MetricFamily[]): Generator<string> {
  for (const f of families) {
    yield `# TYPE ${f.name} ${f.type}\n${f.unit === undefined ? '' : `# UNIT ${f.name} ${f.unit}\n`}# HELP ${f.name} ${escapeHelp(f.help)}\n`;
    for (const s of f.series) {
      const labels = Object.entries(s.labels)
        .map(([k, v]) => `${k}="${escapeLabelValue(v)}"`)
        .join(',');
      const head = labels === '' ? f.name : `${f.name}{${labels}}`;
      let chunk = '';
      for (const p of s.samples) chunk += `${head} ${formatValue(p.value)} ${(p.timestampMs / 1000).toFixed(3)}\n`;
      yield chunk;
    }
  }
  yield '# EOF\n';
}

/** Label values escape backslash, double quote and line feed. */
function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(v: string): string {
  return escapeLabelValue(v);
}

/** Numbers as OpenMetrics spells them: NaN and ±Inf by name, others in JavaScript's shortest round-trip form. */
function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}
