import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { splitTimeline } from '../../../harness/metrics/split-timeline.ts';
import type { MetricFamily } from '../../../harness/report/metric-family.ts';
import { renderOpenMetrics } from '../../../harness/report/render-openmetrics.ts';
import { runMetricFamilies } from '../../../harness/report/run-metric-families.ts';
import { groundTruthResult, groundTruthTimeline } from '../../fixtures/outputs/ground-truth-run.ts';
import { findOnPath, PROMETHEUS_MISSING } from '../../support/prometheus-server.ts';

const PROMTOOL = findOnPath('promtool');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'stresslab-om-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('OpenMetrics text', () => {
  it('has TYPE, UNIT and HELP before a family\'s samples, timestamps in seconds, escaped label values, and ends with # EOF', () => {
    const fam: MetricFamily = {
      name: 'x_seconds', type: 'gauge', unit: 'seconds', help: 'a "help"\\ text\non two lines',
      series: [{ labels: { a: 'q"uo\\te\nnl', b: '' }, samples: [{ timestampMs: 1_700_000_000_123, value: 0.005 }, { timestampMs: 1_700_000_001_000, value: Number.NaN }] }],
    };
    expect(renderOpenMetrics([fam, { name: 'y', type: 'gauge', help: 'y', series: [{ labels: {}, samples: [{ timestampMs: 5, value: Infinity }] }] }])).toBe(
      [
        '# TYPE x_seconds gauge',
        '# UNIT x_seconds seconds',
        '# HELP x_seconds a \\"help\\"\\\\ text\\non two lines',
        'x_seconds{a="q\\"uo\\\\te\\nnl",b=""} 0.005 1700000000.123',
        'x_seconds{a="q\\"uo\\\\te\\nnl",b=""} NaN 1700000001.000',
        '# TYPE y gauge',
        '# HELP y y',
        'y +Inf 0.005',
        '# EOF',
        '',
      ].join('\n'),
    );
  });

  // Prometheus's own OpenMetrics parser reads the file (promtool backfills it into TSDB blocks), and
  // the blocks dumped hold exactly the samples rendered. CI installs the prometheus package.
  it.skipIf(PROMTOOL === null && !process.env.CI)('a run\'s file is read by Prometheus\'s own parser (promtool) with every sample intact', () => {
    if (PROMTOOL === null) throw new Error(PROMETHEUS_MISSING);
    const families = runMetricFamilies(groundTruthResult(1_800_000_000_000, 'om-run'), splitTimeline(groundTruthTimeline()));
    const file = path.join(tmp, 'run.om.txt');
    writeFileSync(file, renderOpenMetrics(families));
    const blocks = path.join(tmp, 'blocks');
    execFileSync(PROMTOOL, ['tsdb', 'create-blocks-from', 'openmetrics', file, blocks], { stdio: 'pipe' });
    mkdirSync(path.join(blocks, 'wal'), { recursive: true }); // `tsdb dump` opens the WAL too
    const dump = execFileSync(PROMTOOL, ['tsdb', 'dump', blocks], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    // A dump line: `{labels} value timestamp`; Go prints values in %g, so they are compared as numbers.
    const got = new Map(dump.trim().split('\n').map((line) => {
      const m = /^(\{.*\}) (\S+) (\d+)$/.exec(line);
      return [`${m?.[1]} ${m?.[3]}`, Number(m?.[2])] as const;
    }));
    const expected = families.flatMap((f) =>
      f.series.flatMap((s) => {
        const labels = Object.entries({ __name__: f.name, ...s.labels }).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}="${v}"`).join(', ');
        return s.samples.map((p) => [`{${labels}} ${p.timestampMs}`, p.value] as const);
      }),
    );
    expect(got.size).toBe(expected.length);
    for (const [key, value] of expected) expect(got.get(key), key).toBe(value);
  });
});
