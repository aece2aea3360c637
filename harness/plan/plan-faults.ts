import type { InputProblem } from '../core/stresslab-error.ts';
import type { FaultSpec } from '../faults/fault-spec-schema.ts';
import { FAULT_TIMING_KEYS } from '../faults/fault-spec-schema.ts';
import { durationMs, formatDuration } from '../core/duration.ts';
import type { FaultEventPlan } from '../contract/plan-types.ts';

export interface PlannedFaults {
  events: FaultEventPlan[];
  problems: InputProblem[];
}

/**
 * Expands each fault into one event per injection (`NAME#1`, `NAME#2`…), all inside the load
 * window [0, loadEndMs]: a fault injected when no load runs could not be measured.
 */
export function planFaults(faults: readonly FaultSpec[], loadEndMs: number): PlannedFaults {
  const out: PlannedFaults = { events: [], problems: [] };
  const names = new Set<string>();
  faults.forEach((f, i) => {
    const base = f.name ?? f.kind;
    if (names.has(base)) {
      out.problems.push({ path: `faults[${i}]${f.name ? '.name' : ''}`, message: `fault name "${base}" is used twice`, hint: 'give each fault a unique "name"' });
    }
    names.add(base);
    out.events.push(...expandFault(f, i, base, loadEndMs, out.problems));
  });
  out.events.sort((a, b) => a.injectAtMs - b.injectAtMs || a.name.localeCompare(b.name));
  return out;
}

function expandFault(f: FaultSpec, i: number, base: string, loadEndMs: number, problems: InputProblem[]): FaultEventPlan[] {
  const at = durationMs(f.at);
  const dur = durationMs(f.duration);
  const every = f.every === undefined ? null : durationMs(f.every);
  const where = `faults[${i}]`;
  const end = formatDuration(loadEndMs);
  if (dur === 0) problems.push({ path: `${where}.duration`, message: 'duration is zero', hint: 'a fault must stay active for some time, e.g. "30s"' });
  if (every === null && (f.times ?? 1) > 1) {
    problems.push({ path: `${where}.times`, message: `times is ${f.times} but "every" is not set`, hint: 'add "every" (time between injection starts)' });
    return [];
  }
  if (every !== null && every <= dur) {
    problems.push({ path: `${where}.every`, message: `injections overlap: every ${f.every} is not longer than duration ${f.duration}`, hint: 'make "every" longer than "duration" so each injection is removed before the next' });
    return [];
  }
  const times = every === null ? 1 : (f.times ?? Math.max(1, Math.floor((loadEndMs - at - dur) / every) + 1));
  const params = paramsOf(f);
  const events: FaultEventPlan[] = [];
  for (let k = 0; k < times; k++) {
    const injectAtMs = at + k * (every ?? 0);
    const removeAtMs = injectAtMs + dur;
    if (removeAtMs > loadEndMs) {
      problems.push({
        path: k === 0 ? `${where}.at` : `${where}.times`,
        message: `injection ${k + 1} runs from ${formatDuration(injectAtMs)} to ${formatDuration(removeAtMs)}, after the load ends at ${end}`,
        hint: `faults must be removed before the load ends (${end}); move "at", shorten "duration" or lower "times"`,
      });
      break;
    }
    events.push({ name: `${base}#${k + 1}`, kind: f.kind, injection: k + 1, injectAtMs, removeAtMs, params });
  }
  return events;
}

function paramsOf(f: FaultSpec): Readonly<Record<string, unknown>> {
  const params: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(f)) if (!(FAULT_TIMING_KEYS as readonly string[]).includes(k)) params[k] = v;
  return Object.freeze(params);
}
