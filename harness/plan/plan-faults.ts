import type { InputProblem } from '../core/stresslab-error.ts';
import { formatDuration } from '../core/duration.ts';
import type { FaultSpec } from '../faults/fault-spec-schema.ts';
import type { PlannedFault } from '../faults/index.ts';
import { INPUT_LIMITS } from '../scenario/input-limits.ts';

export interface PlannedFaults {
  events: PlannedFault[];
  problems: InputProblem[];
}

/**
 * Expands each fault into one event per injection (`NAME#1`, `NAME#2`…), all inside the load
 * window [0, loadEndMs]: a fault injected when no load runs could not be measured. The number of
 * injections is counted before any is expanded and limited (INPUT_LIMITS.maxFaultInjections): a
 * short `every` over a long load would otherwise make hundreds of thousands.
 */
export function planFaults(faults: readonly FaultSpec[], loadEndMs: number): PlannedFaults {
  const out: PlannedFaults = { events: [], problems: [] };
  const names = new Set<string>();
  let planned = 0;
  faults.forEach((f, i) => {
    if (names.has(f.name)) {
      out.problems.push({ path: `faults[${i}]`, message: `fault name "${f.name}" is used twice`, hint: 'give each fault a unique "name"' });
    }
    names.add(f.name);
    const max = INPUT_LIMITS.maxFaultInjections;
    const times = injectionCount(f, loadEndMs);
    if (planned + times > max) {
      const field = f.times !== null ? 'times' : 'every';
      out.problems.push({
        path: `faults[${i}].${field}`,
        message: `${f.times !== null ? `times ${f.times}` : `every ${formatDuration(f.everyMs ?? 0)} over a load of ${formatDuration(loadEndMs)}`} makes ${times.toLocaleString('en-US')} injections${planned > 0 ? ` (${(planned + times).toLocaleString('en-US')} with the faults before it)` : ''}, more than the limit of ${max.toLocaleString('en-US')} per scenario`,
        hint: `make "every" longer (at least ${formatDuration(1000 * Math.ceil((Math.max(0, loadEndMs - f.atMs - f.durationMs) / Math.max(1, max - planned) + 1) / 1000))} for this fault) or set "times"`,
      });
      return;
    }
    // One at a time, not push(...events): spreading a large array as arguments overflows the stack.
    for (const event of expandFault(f, i, loadEndMs, out.problems)) out.events.push(event);
    planned += times;
  });
  out.events.sort((a, b) => a.injectAtMs - b.injectAtMs || a.name.localeCompare(b.name));
  return out;
}

/** How many injections a fault asks for (before checking that they fit in the load window). */
function injectionCount(f: FaultSpec, loadEndMs: number): number {
  if (f.everyMs === null || f.everyMs <= 0) return 1;
  return f.times ?? Math.max(1, Math.floor((loadEndMs - f.atMs - f.durationMs) / f.everyMs) + 1);
}

function expandFault(f: FaultSpec, i: number, loadEndMs: number, problems: InputProblem[]): PlannedFault[] {
  const where = `faults[${i}]`;
  const end = formatDuration(loadEndMs);
  if (f.durationMs === 0) problems.push({ path: `${where}.duration`, message: 'duration is zero', hint: 'a fault must stay active for some time, e.g. "30s"' });
  if (f.everyMs === null && (f.times ?? 1) > 1) {
    problems.push({ path: `${where}.times`, message: `times is ${f.times} but "every" is not set`, hint: 'add "every" (time between injection starts)' });
    return [];
  }
  if (f.everyMs !== null && f.everyMs <= f.durationMs) {
    problems.push({
      path: `${where}.every`,
      message: `injections overlap: every ${formatDuration(f.everyMs)} is not longer than duration ${formatDuration(f.durationMs)}`,
      hint: 'make "every" longer than "duration" so each injection is removed before the next',
    });
    return [];
  }
  const times = injectionCount(f, loadEndMs);
  const events: PlannedFault[] = [];
  for (let k = 0; k < times; k++) {
    const injectAtMs = f.atMs + k * (f.everyMs ?? 0);
    const removeAtMs = injectAtMs + f.durationMs;
    if (removeAtMs > loadEndMs) {
      problems.push({
        path: k === 0 ? `${where}.at` : `${where}.times`,
        message: `injection ${k + 1} runs from ${formatDuration(injectAtMs)} to ${formatDuration(removeAtMs)}, after the load ends at ${end}`,
        hint: `faults must be removed before the load ends (${end}); move "at", shorten "duration" or lower "times"`,
      });
      break;
    }
    events.push(injection(f, k + 1, injectAtMs, removeAtMs));
  }
  return events;
}

/** One injection of a fault: its kind and parameters travel together, at their type. */
function injection(f: FaultSpec, n: number, injectAtMs: number, removeAtMs: number): PlannedFault {
  const { kind, params, recoveryAnchor, expectEffect } = f;
  // `kind` and `params` come from the same entry, so the pair is one member of the union.
  return { name: `${f.name}#${n}`, kind, injection: n, injectAtMs, removeAtMs, recoveryAnchor, expectEffect, params } as PlannedFault;
}
