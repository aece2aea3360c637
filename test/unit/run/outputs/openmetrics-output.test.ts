import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { splitTimeline } from '../../../../harness/metrics/split-timeline.ts';
import { renderOpenMetrics } from '../../../../harness/report/render-openmetrics.ts';
import { runMetricFamilies } from '../../../../harness/report/run-metric-families.ts';
import { parseOutputs } from '../../../../harness/run/outputs/index.ts';
import { openMetricsOutput } from '../../../../harness/run/outputs/openmetrics-output.ts';
import { groundTruthResult, groundTruthTimeline } from '../../../fixtures/outputs/ground-truth-run.ts';

const cwd = mkdtempSync(path.join(os.tmpdir(), 'stresslab-om-out-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe('openmetrics=FILE', () => {
  it('streams the rendered text into the file (its folder made), leaving no temp file', async () => {
    const families = runMetricFamilies(groundTruthResult(1_800_000_000_000, 'om'), splitTimeline(groundTruthTimeline()));
    const [target] = await parseOutputs(['openmetrics=new/dir/run.om.txt'], { flag: '--output', cwd });
    if (target?.kind !== 'openmetrics') throw new Error('expected an openmetrics target');
    const said = await openMetricsOutput.send(target, families, { userAgent: 'test' });
    const samples = families.reduce((n, f) => n + f.series.reduce((m, x) => m + x.samples.length, 0), 0);
    expect(said).toBe(`wrote ${samples} samples to ${path.join(cwd, 'new/dir/run.om.txt')}`);
    expect(readFileSync(target.file, 'utf8')).toBe(renderOpenMetrics(families));
    expect(readdirSync(path.dirname(target.file))).toEqual(['run.om.txt']);
  });
});
