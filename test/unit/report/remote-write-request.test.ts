import protobuf from 'protobufjs/light.js';
import snappy from 'snappyjs';
import { describe, expect, it } from 'vitest';
import type { MetricFamily } from '../../../harness/report/metric-family.ts';
import { remoteWriteBodies, WriteRequest } from '../../../harness/report/remote-write-request.ts';
import { runMetricFamilies } from '../../../harness/report/run-metric-families.ts';
import { splitTimeline } from '../../../harness/metrics/split-timeline.ts';
import { groundTruthResult, groundTruthTimeline } from '../../fixtures/outputs/ground-truth-run.ts';

interface Decoded {
  timeseries: Array<{ labels: Array<{ name: string; value: string }>; samples: Array<{ value: number; timestamp: number }> }>;
  metadata: Array<{ type: number; metricFamilyName: string; help: string; unit: string }>;
}

function decode(body: Uint8Array): Decoded {
  const raw = snappy.uncompress(body);
  return WriteRequest.toObject(WriteRequest.decode(raw), { longs: Number, defaults: true, arrays: true }) as Decoded;
}

const families = (): MetricFamily[] => runMetricFamilies(groundTruthResult(1_800_000_000_000, 'rid'), splitTimeline(groundTruthTimeline()));

describe('remote-write bodies', () => {
  it('decode (snappy, then protobuf) to every series and sample, labels sorted with __name__', () => {
    const fams = families();
    const [body, ...rest] = remoteWriteBodies(fams, 1_000_000);
    expect(rest).toHaveLength(0);
    const req = decode(body as Uint8Array);
    expect(req.timeseries).toHaveLength(fams.reduce((n, f) => n + f.series.length, 0));
    for (const f of fams) {
      for (const s of f.series) {
        const labels = Object.entries({ __name__: f.name, ...s.labels }).sort(([a], [b]) => (a < b ? -1 : 1));
        const got = req.timeseries.find((t) => JSON.stringify(t.labels.map((l) => [l.name, l.value])) === JSON.stringify(labels));
        expect(got, `${f.name} ${JSON.stringify(s.labels)}`).toBeDefined();
        expect(got?.samples).toEqual(s.samples.map((p) => ({ value: p.value, timestamp: p.timestampMs })));
      }
    }
    expect(req.metadata.map((m) => m.metricFamilyName)).toEqual(fams.map((f) => f.name));
    expect(req.metadata.every((m) => m.type === 2)).toBe(true);
    expect(req.metadata.find((m) => m.metricFamilyName === 'stresslab_ok_latency_seconds')?.unit).toBe('seconds');
  });

  it('uses the field numbers and wire types of prometheus/prompb (read without the schema)', () => {
    const fam: MetricFamily = { name: 'm', type: 'gauge', help: 'h', series: [{ labels: { a: 'x' }, samples: [{ timestampMs: 1_700_000_000_123, value: 0.25 }] }] };
    const raw = snappy.uncompress(remoteWriteBodies([fam])[0] as Uint8Array);
    // WriteRequest: 1 = TimeSeries (length-delimited), 3 = MetricMetadata.
    const top = fields(raw);
    expect(top.map((f) => [f.id, f.wire])).toEqual([[1, 2], [3, 2]]);
    // TimeSeries: 1 = Label ×2 (__name__, a), 2 = Sample.
    const ts = fields(top[0]?.bytes as Uint8Array);
    expect(ts.map((f) => [f.id, f.wire])).toEqual([[1, 2], [1, 2], [2, 2]]);
    const label = fields(ts[0]?.bytes as Uint8Array);
    expect(label.map((f) => [f.id, Buffer.from(f.bytes ?? []).toString()])).toEqual([[1, '__name__'], [2, 'm']]);
    // Sample: 1 = value (64-bit double), 2 = timestamp (varint int64, ms).
    const sample = protobuf.Reader.create(ts[2]?.bytes as Uint8Array);
    expect(sample.uint32()).toBe((1 << 3) | 1);
    expect(sample.double()).toBe(0.25);
    expect(sample.uint32()).toBe((2 << 3) | 0);
    expect(Number(sample.int64())).toBe(1_700_000_000_123);
  });

  it('split in time order: each series reaches the receiver oldest sample first, nothing lost or repeated', () => {
    const fams = families();
    const total = fams.reduce((n, f) => n + f.series.reduce((m, s) => m + s.samples.length, 0), 0);
    const bodies = remoteWriteBodies(fams, 97);
    expect(bodies).toHaveLength(Math.ceil(total / 97));
    const lastSeen = new Map<string, number>();
    let count = 0;
    for (const [i, body] of bodies.entries()) {
      const req = decode(body);
      expect(req.metadata.length > 0).toBe(i === 0);
      for (const t of req.timeseries) {
        const key = JSON.stringify(t.labels);
        for (const s of t.samples) {
          expect(s.timestamp).toBeGreaterThan(lastSeen.get(key) ?? -Infinity);
          lastSeen.set(key, s.timestamp);
          count++;
        }
      }
    }
    expect(count).toBe(total);
  });
});

/** The top-level fields of a protobuf message: id, wire type and, for length-delimited ones, the bytes. */
function fields(buf: Uint8Array): Array<{ id: number; wire: number; bytes?: Uint8Array }> {
  const r = protobuf.Reader.create(buf);
  const out: Array<{ id: number; wire: number; bytes?: Uint8Array }> = [];
  while (r.pos < r.len) {
    const tag = r.uint32();
    const wire = tag & 7;
    if (wire === 2) out.push({ id: tag >>> 3, wire, bytes: r.bytes() });
    else {
      out.push({ id: tag >>> 3, wire });
      r.skipType(wire);
    }
  }
  return out;
}
