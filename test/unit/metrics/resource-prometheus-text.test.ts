import { describe, expect, it } from 'vitest';
import { prometheusValue } from '../../../harness/metrics/prometheus-scrape.ts';

const TEXT = `# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.
# TYPE process_cpu_seconds_total counter
process_cpu_seconds_total 12.5
process_cpu_seconds_total_extra 99
# HELP process_resident_memory_bytes Resident memory size in bytes.
process_resident_memory_bytes{instance="a"} 1048576 1700000000000
process_resident_memory_bytes{instance="b",note="x}y"} 2048
`;

describe('prometheusValue', () => {
  it('reads a plain series and ignores series whose name only starts the same', () => {
    expect(prometheusValue(TEXT, 'process_cpu_seconds_total')).toBe(12.5);
  });

  it('sums labelled series, ignoring timestamps and braces inside label values', () => {
    expect(prometheusValue(TEXT, 'process_resident_memory_bytes')).toBe(1048576 + 2048);
  });

  it('gives null for an absent metric', () => {
    expect(prometheusValue(TEXT, 'nodejs_heap_size_total_bytes')).toBeNull();
  });
});
