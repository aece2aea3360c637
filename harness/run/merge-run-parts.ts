import { isDeepStrictEqual } from 'node:util';
import type { AuditOutcome, RunRecord, RunRecordMeta, RunTimeline } from '../contract/run-record.ts';
import type { Integrity } from '../contract/run-result.ts';
import type { TimelineSecond } from '../contract/timeline-types.ts';
import { StresslabError } from '../core/stresslab-error.ts';
import { segmentLabel } from '../load/execution-segment.ts';
import { mergeSecondLines } from '../metrics/merge-seconds.ts';

/** One part's run record and where it was read from (for messages). */
export interface RunPart {
  dir: string;
  record: RunRecord;
}

export interface MergedRun {
  record: RunRecord;
  /** What a person should know about the merge itself (parts that started apart). */
  warnings: string[];
}

/** Parts that started further apart than this have their seconds shifted against each other by as much. */
const START_SKEW_WARN_MS = 250;

/**
 * The run the parts of a load (`--segment i/N`, one per machine) were together: their seconds
 * merged second by second (HDR histograms merged, never percentiles averaged; merge-seconds.ts),
 * their late lines kept, part 1's probes, resources, events, faults and calibration (part 1 injected
 * the faults and watched the target), the audits added (each part audited the ids it accepted; the
 * ids of different parts never overlap). Pure; refuses parts that are not one load's: not all
 * there, twice, of another scenario, seed or plan.
 */
export function mergeRunParts(parts: readonly RunPart[], runId: string): MergedRun {
  const ordered = checkParts(parts);
  const first = ordered[0] as RunPart;
  const label = (p: RunPart) => `part ${segmentLabel(p.record.meta.segment ?? { index: 0, count: 1 })}`;
  const warnings: string[] = [];
  const skew = Math.max(...ordered.map((p) => Math.abs(p.record.meta.startedAtEpochMs - first.record.meta.startedAtEpochMs)));
  if (skew > START_SKEW_WARN_MS) {
    warnings.push(`the parts started up to ${(skew / 1000).toFixed(3)} s apart, so their seconds are merged up to that far apart: start them with the same --start-at`);
  }
  const metas = ordered.map((p) => p.record.meta);
  const m0 = first.record.meta;
  const ends = metas.map((m) => m.endMs);
  const reasons = ordered.flatMap((p) => (p.record.meta.abortReason === null ? [] : [`${label(p)}: ${p.record.meta.abortReason}`]));
  const meta: RunRecordMeta = {
    ...m0,
    complete: metas.every((m) => m.complete),
    runId,
    endMs: ends.some((e) => e === null) ? null : Math.max(...(ends as number[])),
    abortReason: reasons.length === 0 ? null : reasons.join('; '),
    engineErrors: ordered.flatMap((p) => p.record.meta.engineErrors.map((e) => `${label(p)}: ${e}`)),
    audit: mergeAudits(ordered.map((p) => ({ label: label(p), audit: p.record.meta.audit })), m0.audit !== null || metas.some((m) => m.audit !== null)),
    // A part's own note says what a part is; the merged run is the whole.
    warnings: [...warnings, ...ordered.flatMap((p) => p.record.meta.warnings.filter((w) => !w.startsWith('part ')).map((w) => `${label(p)}: ${w}`))],
    failures: ordered.flatMap((p) => p.record.meta.failures.map((f) => ({ ...f, message: `${label(p)}: ${f.message}` }))),
    mergedFrom: metas.map((m) => m.runId),
  };
  delete meta.segment;
  return { record: { meta, timeline: mergeTimelines(ordered.map((p) => p.record.timeline)) }, warnings };
}

function checkParts(parts: readonly RunPart[]): RunPart[] {
  const first = parts[0];
  if (first === undefined || parts.length < 2) {
    throw new StresslabError('BAD_USAGE', `stresslab merge needs the run directories of every part of a load, got ${parts.length}`, {
      hint: 'e.g. stresslab merge reports/heavy/<run-id of part 1> reports/heavy/<run-id of part 2>',
    });
  }
  for (const p of parts) {
    if (p.record.meta.segment === undefined) {
      throw new StresslabError('BAD_USAGE', `${p.dir} is a whole run, not a part of one (it was not run with --segment i/N)`, { file: p.dir, hint: 'merge only the run directories of `stresslab run … --segment i/N`, one per part' });
    }
  }
  const count = (first.record.meta.segment as { count: number }).count;
  const byIndex = new Map<number, RunPart>();
  for (const p of parts) {
    const s = p.record.meta.segment as { index: number; count: number };
    if (s.count !== count) {
      throw new StresslabError('BAD_USAGE', `${p.dir} is part ${segmentLabel(s)}, ${first.dir} part ${segmentLabel(first.record.meta.segment as { index: number; count: number })}: parts of one load share their N`, { file: p.dir, hint: 'merge the parts of one load only' });
    }
    const twice = byIndex.get(s.index);
    if (twice !== undefined) throw new StresslabError('BAD_USAGE', `part ${segmentLabel(s)} is given twice: ${twice.dir} and ${p.dir}`, { file: p.dir, hint: 'name each part\'s run directory once' });
    byIndex.set(s.index, p);
    const same = (what: string, a: unknown, b: unknown) => {
      if (!isDeepStrictEqual(a, b)) throw new StresslabError('BAD_USAGE', `${p.dir} and ${first.dir} are not parts of one load: their ${what} differ`, { file: p.dir, hint: 'run every part with the same scenario file, profile and --seed' });
    };
    same('scenarios (name, file contents or profile)', { ...p.record.meta.scenario, file: undefined }, { ...first.record.meta.scenario, file: undefined });
    same('seeds', p.record.meta.seed, first.record.meta.seed);
    same('load phases', p.record.meta.plan.phases, first.record.meta.plan.phases);
  }
  const missing = Array.from({ length: count }, (_, index) => index).filter((i) => !byIndex.has(i));
  if (missing.length > 0) {
    throw new StresslabError('BAD_USAGE', `part${missing.length > 1 ? 's' : ''} ${missing.map((index) => segmentLabel({ index, count })).join(', ')} of the load ${missing.length > 1 ? 'are' : 'is'} missing: without ${missing.length > 1 ? 'them' : 'it'} the merged run is not the whole load`, {
      hint: `name the run directories of all ${count} parts`,
    });
  }
  return [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, p]) => p);
}

function mergeTimelines(parts: readonly RunTimeline[]): RunTimeline {
  const first = parts[0] as RunTimeline;
  const byT = new Map<number, TimelineSecond[]>();
  for (const p of parts) for (const s of p.seconds) byT.set(s.t, [...(byT.get(s.t) ?? []), s]);
  return {
    seconds: [...byT.entries()].sort((a, b) => a[0] - b[0]).map(([, lines]) => mergeSecondLines(lines)),
    // Analysis adds every late line into its second: the parts' add up as they are.
    late: parts.flatMap((p) => p.late),
    probes: first.probes,
    resources: first.resources,
    events: first.events,
  };
}

function sum(values: readonly (number | null)[]): number | null {
  return values.some((v) => v === null) ? null : values.reduce<number>((a, v) => a + (v ?? 0), 0);
}

/** The parts' audits added: each looked up only the ids its own traffic accepted. */
function mergeAudits(parts: readonly { label: string; audit: AuditOutcome | null }[], any: boolean): AuditOutcome | null {
  if (!any) return null;
  const audited = parts.flatMap((p) => (p.audit === null ? [] : [p.audit]));
  const unaudited = parts.filter((p) => p.audit === null).map((p) => p.label);
  const errors = [
    ...parts.flatMap((p) => (p.audit?.integrity.status === 'error' ? [`${p.label}: ${p.audit.integrity.reason ?? 'the audit failed'}`] : [])),
    ...(unaudited.length === 0 ? [] : [`${unaudited.join(', ')} ran no audit (aborted before it), so the ids they accepted were not checked`]),
  ];
  const ints = audited.map((a) => a.integrity);
  const stats = ints.flatMap((i) => (i.audit === undefined ? [] : [i.audit]));
  const failed = errors.length > 0;
  const integrity: Integrity = {
    status: failed ? 'error' : 'complete',
    reason: failed ? errors.join('; ') : null,
    accepted: ints.reduce((a, i) => a + i.accepted, 0),
    // Counts a failed or missing audit could not establish stay unknown, so no gate reads "0 lost".
    terminal: failed ? null : sum(ints.map((i) => i.terminal)),
    lost: failed ? null : sum(ints.map((i) => i.lost)),
    stuck: failed ? null : sum(ints.map((i) => i.stuck)),
    duplicated: failed ? null : sum(ints.map((i) => i.duplicated)),
  };
  const s0 = stats[0];
  if (s0 !== undefined) {
    const rates = stats.map((s) => s.idsPerSec);
    integrity.audit = {
      source: s0.source,
      label: s0.label,
      ids: stats.reduce((a, s) => a + s.ids, 0),
      lookups: stats.reduce((a, s) => a + s.lookups, 0),
      rounds: Math.max(...stats.map((s) => s.rounds)),
      waitedMs: Math.max(...stats.map((s) => s.waitedMs)),
      // The parts audit at the same time, each from its own machine.
      idsPerSec: rates.some((r) => r === null) ? null : rates.reduce<number>((a, r) => a + (r ?? 0), 0),
    };
  }
  const states: Record<string, number> = {};
  for (const a of audited) for (const [k, v] of Object.entries(a.states)) states[k] = (states[k] ?? 0) + v;
  return {
    integrity,
    lostIds: audited.flatMap((a) => a.lostIds),
    stuckIds: audited.flatMap((a) => a.stuckIds),
    duplicatedIds: audited.flatMap((a) => a.duplicatedIds),
    states,
  };
}
