import protobuf from 'protobufjs/light.js';
import snappy from 'snappyjs';
import type { MetricFamily } from './metric-family.ts';

/**
 * Prometheus remote-write 1.0 (https://prometheus.io/docs/specs/prw/remote_write_spec/): a
 * `prometheus.WriteRequest` in protobuf, compressed as a raw Snappy block. The messages are the
 * spec's (field numbers of prometheus/prompb/types.proto and remote.proto), built with protobufjs's
 * reflection so no .proto file is read at run time. docs/outputs.md says why these libraries.
 */
const root = protobuf.Root.fromJSON({
  nested: {
    prometheus: {
      nested: {
        WriteRequest: {
          fields: {
            timeseries: { rule: 'repeated', type: 'TimeSeries', id: 1 },
            metadata: { rule: 'repeated', type: 'MetricMetadata', id: 3 },
          },
        },
        TimeSeries: {
          fields: {
            labels: { rule: 'repeated', type: 'Label', id: 1 },
            samples: { rule: 'repeated', type: 'Sample', id: 2 },
          },
        },
        Label: { fields: { name: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
        Sample: { fields: { value: { type: 'double', id: 1 }, timestamp: { type: 'int64', id: 2 } } },
        MetricMetadata: {
          fields: {
            type: { type: 'MetricType', id: 1 },
            metricFamilyName: { type: 'string', id: 2 },
            help: { type: 'string', id: 4 },
            unit: { type: 'string', id: 5 },
          },
          nested: {
            MetricType: { values: { UNKNOWN: 0, COUNTER: 1, GAUGE: 2, HISTOGRAM: 3, GAUGEHISTOGRAM: 4, SUMMARY: 5, INFO: 6, STATESET: 7 } },
          },
        },
      },
    },
  },
});
export const WriteRequest = root.lookupType('prometheus.WriteRequest');

export interface WriteRequestLabel {
  name: string;
  value: string;
}
export interface WriteRequestSeries {
  labels: WriteRequestLabel[];
  samples: Array<{ value: number; timestamp: number }>;
}

/**
 * Samples per request. Prometheus's own sender sends at most 2,000 (its `max_samples_per_send`);
 * a receiver may refuse a larger body, and a small one retried after a 5xx costs little.
 */
export const MAX_SAMPLES_PER_REQUEST = 2000;

/**
 * The families' samples as WriteRequest bodies (snappy-compressed protobuf), each at most
 * `maxSamples` samples. Samples are cut in time order across all series, so every series' samples
 * reach the receiver oldest first, request after request (Prometheus rejects a sample older than
 * one it already has for the series). Labels are sorted by name with `__name__` among them, as the
 * spec requires. Pure.
 */
export function remoteWriteBodies(families: readonly MetricFamily[], maxSamples = MAX_SAMPLES_PER_REQUEST): Uint8Array[] {
  const points: Array<{ series: number; value: number; timestamp: number }> = [];
  const labelSets: WriteRequestLabel[][] = [];
  for (const f of families) {
    for (const s of f.series) {
      const id = labelSets.length;
      labelSets.push(sortedLabels({ __name__: f.name, ...s.labels }));
      for (const p of s.samples) points.push({ series: id, value: p.value, timestamp: Math.round(p.timestampMs) });
    }
  }
  // Stable: a series' samples keep their (time) order among equal timestamps.
  points.sort((a, b) => a.timestamp - b.timestamp);
  const metadata = families.map((f) => ({ type: 2, metricFamilyName: f.name, help: f.help, unit: f.unit ?? '' }));
  const bodies: Uint8Array[] = [];
  for (let i = 0; i < points.length; i += maxSamples) {
    const bySeries = new Map<number, WriteRequestSeries>();
    for (const p of points.slice(i, i + maxSamples)) {
      let s = bySeries.get(p.series);
      if (s === undefined) bySeries.set(p.series, (s = { labels: labelSets[p.series] ?? [], samples: [] }));
      s.samples.push({ value: p.value, timestamp: p.timestamp });
    }
    const message = WriteRequest.fromObject({ timeseries: [...bySeries.values()], metadata: i === 0 ? metadata : [] });
    bodies.push(snappy.compress(WriteRequest.encode(message).finish()));
  }
  return bodies;
}

function sortedLabels(labels: Readonly<Record<string, string>>): WriteRequestLabel[] {
  return Object.entries(labels)
    .filter(([, value]) => value !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => ({ name, value }));
}
