import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../harness/cli/main.ts';
import { runRecordMetaSchema } from '../../../harness/contract/run-record.ts';
import { runResultSchema } from '../../../harness/contract/run-result.ts';
import type { RunResult } from '../../../harness/contract/run-result.ts';
import type { TimelineSecond } from '../../../harness/contract/timeline-types.ts';
import { readTimeline } from '../../../harness/metrics/timeline-reader.ts';
import { captureIo } from '../../support/capture-io.ts';
import { startTestServer } from '../../support/servers/spawn-test-server.ts';
import type { TestServer } from '../../support/servers/spawn-test-server.ts';

/**
 * A load run as two parts (`--segment 1/2`, `--segment 2/2`, started together with `--start-at`),
 * then `stresslab merge`: the merged run is the whole load, judged as one. The two parts run in
 * this one process (as two machines would each run one): the merge only reads their run directories.
 */
let dir: string;
let server: TestServer;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'stresslab-merge-'));
  server = await startTestServer({ kind: 'delay', delayMs: 20 });
  // The run command loads on demand, 2-3 s of imports (and vitest's transforms) on a cold start: done
  // here, so the parts' setup fits in the lead time --start-at gives them below (a part ready after
  // the start time starts late, and the two clocks then differ by that much).
  await main(['run', '--help'], captureIo(dir));
  await fs.writeFile(
    path.join(dir, 'parts.json'),
    JSON.stringify({
      name: 'parts',
      description: 'a load run in two parts',
      target: { url: server.url, health: '/', timeout: '2s' },
      requests: [{ name: 'get', method: 'GET', path: '/x?n={{seq}}' }],
      load: [{ executor: 'constant-arrival-rate', rate: 100, duration: '3s', preAllocatedVUs: 10, maxVUs: 50, gracefulStop: '2s' }],
      // 300 requests in the whole load, 150 in a part: only the whole passes.
      thresholds: { http_reqs: ['count>250'], http_req_duration: ['p(95)<1000'] },
      // One light hog for a second: it shows which part injected it. A 3 s load has no 5 s steady
      // state before it, so a run that has the fault judges the experiment invalid (fail), one without passes.
      faults: [{ kind: 'cpu-hog', processes: 1, dutyPercent: 10, at: '1s', duration: '1s', expectEffect: false }],
    }),
  );
});
afterAll(async () => {
  await server.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

async function cli(args: string[]): Promise<{ code: number; out: string; err: string; runDir: string | null }> {
  const io = captureIo(dir);
  const code = await main(args, io);
  const m = /results: (\S+?)\/? \(/.exec(io.stdout()) ?? /into (\S+?)\/ \(/.exec(io.stdout());
  return { code, out: io.stdout(), err: io.stderr(), runDir: m?.[1] === undefined ? null : path.resolve(dir, m[1]) };
}
const resultOf = async (runDir: string | null): Promise<RunResult> => runResultSchema.parse(JSON.parse(await fs.readFile(path.join(runDir ?? '', 'result.json'), 'utf8')));
const secondsOf = async (runDir: string | null): Promise<TimelineSecond[]> =>
  (await readTimeline(path.join(runDir ?? '', 'timeline.jsonl'))).filter((l): l is TimelineSecond => l.type === 'second');
const counts = (lines: readonly TimelineSecond[]) => lines.map((l) => Object.values(l.requests).reduce((a, r) => a + r.count, 0)).filter((n) => n > 0);

describe('stresslab run --segment i/N and stresslab merge', () => {
  it('two parts started together send the whole schedule between them; merged, they are judged as the whole load', async () => {
    const common = [path.join(dir, 'parts.json'), '--seed', '11', '--workers', '1', '--env', 'merge-test'];
    const startAt = String(Date.now() + 5000);
    const [p1, p2] = await Promise.all([
      cli(['run', ...common, '--reports-dir', path.join(dir, 'm1'), '--segment', '1/2', '--start-at', startAt]),
      cli(['run', ...common, '--reports-dir', path.join(dir, 'm2'), '--segment', '2/2', '--start-at', startAt]),
    ]);
    const parts = [await resultOf(p1.runDir), await resultOf(p2.runDir)];
    for (const [i, r] of parts.entries()) {
      expect(r.segment).toEqual({ index: i, count: 2 });
      // Half the arrivals each (k mod 2), none dropped; no thresholds judged on a half.
      expect(r.totals.requests, JSON.stringify(r.reasons)).toBe(150);
      expect(r.thresholds).toEqual([]);
      expect(r.warnings.some((w) => w.startsWith(`part ${i + 1}/2 of a load`))).toBe(true);
    }
    // Part 1 alone injected the fault, and was judged on it; part 2 passed.
    expect(parts.map((r) => r.faults.length)).toEqual([1, 0]);
    expect([p1.code, p2.code], `${p1.out}\n${p1.err}\n${p2.out}\n${p2.err}`).toEqual([1, 0]);
    const invalid = /^experiment invalid: steady state before the first fault/;
    expect(parts[0]?.reasons).toEqual([expect.stringMatching(invalid)]);
    // --start-at: the two load clocks started within a few ms of each other.
    const metas = await Promise.all([p1, p2].map(async (p) => runRecordMetaSchema.parse(JSON.parse(await fs.readFile(path.join(p.runDir ?? '', 'record.json'), 'utf8')))));
    expect(Math.abs((metas[0]?.startedAtEpochMs ?? 0) - (metas[1]?.startedAtEpochMs ?? 1e9))).toBeLessThan(50);
    expect(Math.abs((metas[0]?.startedAtEpochMs ?? 0) - Number(startAt))).toBeLessThan(50);
    // A part writes no history line: only the merged run is a run of the load.
    await expect(fs.stat(path.join(dir, 'm1', 'merge-test', 'history.jsonl'))).rejects.toThrow();

    // The parts ran from a commit (here a temp dir, no git): the merged run and its history line name part 1's.
    for (const [p, sha] of [[p1, 'aaaa1111'], [p2, 'bbbb2222']] as const) {
      const recordFile = path.join(p.runDir ?? '', 'record.json');
      await fs.writeFile(recordFile, JSON.stringify({ ...(JSON.parse(await fs.readFile(recordFile, 'utf8')) as object), gitSha: sha }));
    }
    const om = path.join(dir, 'merged.om.txt');
    const merged = await cli(['merge', p1.runDir ?? '', p2.runDir ?? '', '--reports-dir', path.join(dir, 'merged'), '--env', 'merge-test', '-o', `openmetrics=${om}`]);
    expect(merged.code, merged.out + merged.err).toBe(1);
    const whole = await resultOf(merged.runDir);
    expect(whole.segment).toBeUndefined();
    expect(whole.mergedFrom).toEqual(parts.map((r) => r.runId));
    expect(whole.totals.requests).toBe(300);
    expect(whole.thresholds.map((t) => [t.expression, t.pass, t.actual])).toContainEqual(['count>250', true, 300]);
    expect(whole.faults.map((f) => f.kind)).toEqual(['cpu-hog']);
    // Judged as the whole: every threshold passes (count>250 fails on a part), the fault's experiment is part 1's.
    expect(whole.thresholds.every((t) => t.pass)).toBe(true);
    expect(whole.reasons).toEqual([expect.stringMatching(invalid)]);
    // Arrivals are keyed by intended second: the merged seconds are the schedule's 100 a second.
    expect(counts(await secondsOf(merged.runDir))).toEqual([100, 100, 100]);
    const history = (await fs.readFile(path.join(dir, 'merged', 'merge-test', 'history.jsonl'), 'utf8')).trim().split('\n');
    expect(history).toHaveLength(1);
    // The history line names the sha the load ran with, as result.json does.
    expect(whole.gitSha).toBe('aaaa1111');
    expect((JSON.parse(history[0] ?? '{}') as { gitSha?: string }).gitSha).toBe('aaaa1111');
    expect(merged.out).toContain('merged from 2 parts');
    // -o sends the merged run, labelled with its own run id: its per-second counts add up to the whole load.
    const series = (await fs.readFile(om, 'utf8')).split('\n').filter((l) => l.startsWith('stresslab_requests_per_second{') && l.includes('request="*"'));
    expect(series.length).toBeGreaterThan(0);
    expect(series.every((l) => l.includes(`run_id="${whole.runId}"`))).toBe(true);
    expect(series.reduce((sum, l) => sum + Number(l.split(' ')[1]), 0)).toBe(300);

    // Parts that are not one whole load are refused, naming what is wrong (exit 2, nothing written).
    const missing = await cli(['merge', p1.runDir ?? '', '--reports-dir', path.join(dir, 'bad')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/needs the run directories of every part/);
    const twice = await cli(['merge', p1.runDir ?? '', p1.runDir ?? '', '--reports-dir', path.join(dir, 'bad')]);
    expect(twice.code).toBe(2);
    expect(twice.err).toMatch(/part 1\/2 is given twice/);
    const wholeAgain = await cli(['merge', p1.runDir ?? '', merged.runDir ?? '', '--reports-dir', path.join(dir, 'bad')]);
    expect(wholeAgain.code).toBe(2);
    expect(wholeAgain.err).toMatch(/is a whole run, not a part/);
    await expect(fs.stat(path.join(dir, 'bad'))).rejects.toThrow();
  }, 90_000);

  it('--segment and --start-at refuse what cannot work, before anything runs', async () => {
    const file = path.join(dir, 'parts.json');
    const cases: [string[], RegExp][] = [
      [['--segment', '3/2'], /not a segment i\/N/],
      [['--segment', '1/2', '--runs', '2'], /--runs and --segment do not go together/],
      [['--segment', '1/2', '--baseline', 'b.json'], /--baseline does not apply to a part/],
      [['--start-at', 'tomorrow'], /not an ISO 8601 time with a zone/],
      [['--start-at', '2026-01-01T00:00:00'], /not an ISO 8601 time with a zone/],
      [['--start-at', String(Date.now() - 3_600_000)], /s in the past/],
    ];
    for (const [flags, message] of cases) {
      const r = await cli(['run', file, '--reports-dir', path.join(dir, 'never'), ...flags]);
      expect(r.code, flags.join(' ')).toBe(2);
      expect(r.err, flags.join(' ')).toMatch(message);
    }
    await expect(fs.stat(path.join(dir, 'never'))).rejects.toThrow();
  });
});
