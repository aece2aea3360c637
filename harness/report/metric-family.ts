/**
 * A run's metrics as plain data, the one model both outputs render (OpenMetrics text and
 * Prometheus remote-write): families of gauges, each sample with its wall-clock timestamp.
 * docs/outputs.md lists the families and why they are gauges.
 */

export interface MetricSample {
  /** Wall-clock time, epoch milliseconds (remote-write's unit; OpenMetrics prints seconds). */
  timestampMs: number;
  value: number;
}

export interface MetricSeries {
  /** Label names and values; the family's name is not among them. */
  labels: Readonly<Record<string, string>>;
  /** Sorted by time, no timestamp twice (Prometheus rejects out-of-order and duplicate samples). */
  samples: MetricSample[];
}

export interface MetricFamily {
  /** Ends with `_<unit>` when `unit` is set (OpenMetrics requires it). */
  name: string;
  type: 'gauge';
  unit?: 'seconds';
  help: string;
  series: MetricSeries[];
}
