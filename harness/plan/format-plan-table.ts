import { formatDuration } from '../core/duration.ts';
import type { LoadPhasePlan } from '../contract/plan-types.ts';
import { describeFault } from '../faults/index.ts';
import type { FaultPlan } from '../faults/index.ts';

/** `stresslab plan`: the phases and fault injections on the run clock, as aligned text tables. */
export function formatPlanTable(plan: FaultPlan): string {
  const header = `${plan.scenarioName}${plan.profile ? ` (profile ${plan.profile})` : ''}: ${formatDuration(plan.durationMs)} including graceful stops, seed ${plan.seed}`;
  const phases = table(
    ['phase', 'start', 'end', 'executor', 'load'],
    plan.phases.map((p) => [p.name, time(p.startMs), time(p.startMs + p.durationMs), p.executor, describeLoad(p)]),
  );
  const out = [header, '', 'Load phases', phases];
  if (plan.faults.length > 0) {
    const faults = table(
      ['fault', 'kind', 'inject', 'remove', 'what'],
      plan.faults.map((f) => [f.name, f.kind, time(f.injectAtMs), time(f.removeAtMs), describeFault(f)]),
    );
    out.push('', 'Faults', faults);
  }
  return `${out.join('\n')}\n`;
}

function describeLoad(p: LoadPhasePlan): string {
  switch (p.executor) {
    case 'constant-arrival-rate':
      return `${num(p.ratePerSec)} req/s, VUs ${p.preAllocatedVUs}–${p.maxVUs}`;
    case 'ramping-arrival-rate':
      return `${[p.startRatePerSec, ...p.stages.map((s) => s.target)].map(num).join(' → ')} req/s (${stageTimes(p.stages)}), VUs ${p.preAllocatedVUs}–${p.maxVUs}`;
    case 'constant-vus':
      return `${p.vus} VUs`;
    case 'ramping-vus':
      return `${[p.startVUs, ...p.stages.map((s) => s.target)].join(' → ')} VUs (${stageTimes(p.stages)})`;
    case 'shared-iterations':
      return `${p.iterations} iterations shared by ${p.vus} VUs`;
    case 'per-vu-iterations':
      return `${p.iterations} iterations × ${p.vus} VUs`;
  }
}

function stageTimes(stages: readonly { durationMs: number }[]): string {
  return stages.map((s) => formatDuration(s.durationMs)).join(', ');
}

/** m:ss.s on the run clock: easy to line up with the timeline. */
function time(ms: number): string {
  const totalSec = ms / 1000;
  const h = Math.floor(totalSec / 3600);
  const m = Math.floor((totalSec % 3600) / 60);
  const s = (totalSec % 60).toFixed(1).padStart(4, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

function num(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
