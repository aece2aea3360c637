import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { prometheusValue } from '../../../harness/metrics/prometheus-scrape.ts';

/**
 * Our two-gauge reader of the Prometheus text format against a full parser, parse-prometheus-text-format
 * (docs/hand-written-code.md says why the harness keeps its own): on a real exposition written by
 * prom-client (the library of the reference service) with the standard process collector, and on
 * lines that trip a naive reader.
 */
function parsedSum(text: string, name: string): number | null {
  const family = parsePrometheusTextFormat(text).find((f) => f.name === name);
  if (family === undefined) return null;
  return family.metrics.reduce((s, m) => s + Number(m.value), 0);
}

describe('prometheusValue against parse-prometheus-text-format', () => {
  it('reads the process collector of a real prom-client registry as the full parser does', async () => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    // Label values with the characters that end a label block or a line in a naive reader.
    const odd = new Gauge({ name: 'odd_labels', help: 'x', labelNames: ['path', 'quote'], registers: [registry] });
    odd.set({ path: '/a}b 7', quote: 'say "}" \\ now' }, 3);
    odd.set({ path: '{x}', quote: '' }, 4.5);
    new Counter({ name: 'process_cpu_seconds_total_extra', help: 'a longer name that starts with ours', registers: [registry] }).inc(1000);
    const text = await registry.metrics();
    for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'odd_labels', 'process_start_time_seconds']) {
      const ours = prometheusValue(text, name);
      expect(ours, name).not.toBeNull();
      expect(ours, name).toBeCloseTo(parsedSum(text, name) ?? Number.NaN, 9);
    }
    expect(prometheusValue(text, 'odd_labels')).toBe(7.5);
  });

  it('a value after labels holding "}", and an OpenMetrics exemplar after the value, are read as the value', () => {
    const text = [
      '# HELP requests_total Requests.',
      '# TYPE requests_total counter',
      'requests_total{path="/x}"} 5',
      'requests_total{path="/y",note="a\\"}\\" b"} 7 1700000000000',
      'requests_total{path="/z"} 11 # {trace_id="abc"} 1',
      'requests_total_created 99',
      '',
    ].join('\n');
    expect(prometheusValue(text, 'requests_total')).toBe(23);
    // The full parser agrees on the lines it supports (it has no exemplars: the Prometheus text format has none).
    const withoutExemplar = text.replace(' # {trace_id="abc"} 1', '');
    expect(prometheusValue(withoutExemplar, 'requests_total')).toBe(parsedSum(withoutExemplar, 'requests_total'));
  });

  it('absent, unparseable or unclosed series give null rather than a wrong number', () => {
    expect(prometheusValue('# HELP process_cpu_seconds_total x\n', 'process_cpu_seconds_total')).toBeNull();
    expect(prometheusValue('process_cpu_seconds_total{a="b 3\n', 'process_cpu_seconds_total')).toBeNull();
    expect(prometheusValue('process_cpu_seconds_total NaN\n', 'process_cpu_seconds_total')).toBeNull();
  });
});
