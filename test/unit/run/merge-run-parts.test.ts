import { describe, expect, it } from 'vitest';
import type { AuditOutcome, RunRecord } from '../../../harness/contract/run-record.ts';
import { mergeEncoded } from '../../../harness/metrics/latency-histogram.ts';
import { mergeRunParts } from '../../../harness/run/merge-run-parts.ts';
import { loadFixtureRecord } from '../../fixtures/run-record/load-run-record.ts';

/** A recorded run (test/fixtures/run-record/short-light) as part `index` of `count`, with an audit of its own. */
async function part(index: number, count: number, audit: AuditOutcome | null, startedShiftMs = 0): Promise<{ dir: string; record: RunRecord }> {
  const r = await loadFixtureRecord('short-light');
  return {
    dir: `part${index + 1}`,
    record: { ...r, meta: { ...r.meta, runId: `run-${index + 1}`, segment: { index, count }, audit, startedAtEpochMs: r.meta.startedAtEpochMs + startedShiftMs, warnings: [`part ${index + 1}/${count} of a load: …`, 'a note'] } },
  };
}

function audit(accepted: number, lost: number, duplicated: number, status: 'complete' | 'error' = 'complete'): AuditOutcome {
  return {
    integrity: {
      status,
      reason: status === 'error' ? 'lookup timed out' : null,
      accepted,
      terminal: status === 'error' ? null : accepted - lost,
      lost: status === 'error' ? null : lost,
      stuck: status === 'error' ? null : 0,
      duplicated: status === 'error' ? null : duplicated,
      audit: { source: 'lookup', label: 'POST /lookup', ids: accepted, lookups: accepted, rounds: 1, waitedMs: 100, idsPerSec: 1000 },
    },
    lostIds: Array.from({ length: lost }, (_, i) => `lost-${accepted}-${i}`),
    stuckIds: [],
    duplicatedIds: [],
    states: { succeeded: accepted - lost },
  };
}

describe('mergeRunParts', () => {
  it('adds the seconds of the parts (counts, and percentiles of the merged histograms), keeps part 1\'s probes and faults, adds the audits', async () => {
    const a = await part(0, 2, audit(100, 2, 1));
    const b = await part(1, 2, audit(50, 1, 0));
    const { record, warnings } = mergeRunParts([b, a], 'merged');
    expect(warnings).toEqual([]);
    expect(record.meta.mergedFrom).toEqual(['run-1', 'run-2']);
    expect(record.meta.segment).toBeUndefined();
    expect(record.meta.runId).toBe('merged');
    const src = a.record.timeline.seconds;
    expect(record.timeline.seconds.map((s) => s.t)).toEqual(src.map((s) => s.t));
    for (const [i, s] of record.timeline.seconds.entries()) {
      for (const [name, r] of Object.entries(s.requests)) {
        const one = src[i]?.requests[name];
        expect(r.count).toBe(2 * (one?.count ?? 0));
        // The same traffic twice: the merged histogram's percentiles are the part's, exactly.
        expect(mergeEncoded([r.histogram]).percentileMs(99)).toBe(mergeEncoded([one?.histogram ?? '']).percentileMs(99));
      }
    }
    expect(record.timeline.late).toHaveLength(2 * a.record.timeline.late.length);
    expect(record.timeline.probes).toBe(a.record.timeline.probes);
    expect(record.meta.audit?.integrity).toMatchObject({ status: 'complete', accepted: 150, lost: 3, duplicated: 1, terminal: 147 });
    expect(record.meta.audit?.integrity.audit).toMatchObject({ ids: 150, idsPerSec: 2000, rounds: 1 });
    expect(record.meta.audit?.lostIds).toHaveLength(3);
    // A part's own note ("part i/N of a load") is not the merged run's; its other warnings are, named.
    expect(record.meta.warnings).toEqual(['part 1/2: a note', 'part 2/2: a note']);
  });

  it('an audit that failed or never ran in one part leaves the counts unknown, not "0 lost"', async () => {
    const failed = mergeRunParts([await part(0, 2, audit(100, 0, 0)), await part(1, 2, audit(50, 0, 0, 'error'))], 'm').record.meta.audit?.integrity;
    expect(failed).toMatchObject({ status: 'error', accepted: 150, lost: null, duplicated: null });
    expect(failed?.reason).toContain('part 2/2: lookup timed out');
    const none = mergeRunParts([await part(0, 2, audit(100, 0, 0)), await part(1, 2, null)], 'm').record.meta.audit?.integrity;
    expect(none).toMatchObject({ status: 'error', lost: null });
    expect(none?.reason).toContain('part 2/2 ran no audit');
  });

  it('says when the parts started apart, and refuses parts that are not one whole load', async () => {
    expect(mergeRunParts([await part(0, 2, null), await part(1, 2, null, 1500)], 'm').warnings).toEqual([expect.stringContaining('started up to 1.500 s apart')]);
    await expect(async () => mergeRunParts([await part(0, 3, null), await part(2, 3, null)], 'm')).rejects.toThrow(/part 2\/3 of the load is missing/);
    await expect(async () => mergeRunParts([await part(0, 2, null), await part(0, 2, null)], 'm')).rejects.toThrow(/part 1\/2 is given twice/);
    await expect(async () => mergeRunParts([await part(0, 2, null), await part(1, 3, null)], 'm')).rejects.toThrow(/share their N/);
    const other = await part(1, 2, null);
    other.record.meta.seed += 1;
    await expect(async () => mergeRunParts([await part(0, 2, null), other], 'm')).rejects.toThrow(/their seeds differ/);
    const whole = await part(1, 2, null);
    delete whole.record.meta.segment;
    await expect(async () => mergeRunParts([await part(0, 2, null), whole], 'm')).rejects.toThrow(/is a whole run, not a part/);
  });
});
