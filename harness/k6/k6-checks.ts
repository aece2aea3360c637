/**
 * k6 checks (`check(res, {...})`) as each summary format lists them, by check: `handle-summary` keeps
 * them in `root_group.checks` as an array and nested groups in a `groups` array, `summary-export`
 * as maps keyed by name, the machine-readable summary in `results.checks.results`. The totals are
 * the `checks` Rate metric (passes = checks that held), which every format also carries.
 */
export interface K6Check {
  name: string;
  /** `::group::name`, as k6 writes it: the same name in two groups is two checks. */
  path: string;
  passes: number;
  fails: number;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const count = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null);

/** The checks of a summary's group tree (handle-summary or summary-export), depth first; null without a root group. */
export function checksOfRootGroup(rootGroup: unknown): K6Check[] | null {
  if (!isObject(rootGroup)) return null;
  const out: K6Check[] = [];
  walk(rootGroup, out);
  return out;
}

/** The machine-readable summary's `results.checks.results` (no paths there: the name stands in). */
export function checksOfMachineReadable(results: unknown): K6Check[] | null {
  const list = isObject(results) && isObject(results.checks) ? results.checks.results : undefined;
  if (!Array.isArray(list)) return null;
  return list.flatMap((c) => {
    const check = checkOf(c);
    return check === null ? [] : [check];
  });
}

/** Pods' checks summed by path, in the order first seen. */
export function mergeChecks(lists: readonly (K6Check[] | null)[]): K6Check[] | null {
  if (lists.every((l) => l === null)) return null;
  const byPath = new Map<string, K6Check>();
  for (const c of lists.flatMap((l) => l ?? [])) {
    const seen = byPath.get(c.path);
    byPath.set(c.path, seen ? { ...seen, passes: seen.passes + c.passes, fails: seen.fails + c.fails } : { ...c });
  }
  return [...byPath.values()];
}

function walk(group: Json, out: K6Check[]): void {
  for (const c of listOf(group.checks)) {
    const check = checkOf(c);
    if (check !== null) out.push(check);
  }
  for (const g of listOf(group.groups)) if (isObject(g)) walk(g, out);
}

/** An array as is; a map (summary-export) as its values. */
function listOf(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  return isObject(v) ? Object.values(v) : [];
}

function checkOf(c: unknown): K6Check | null {
  if (!isObject(c) || typeof c.name !== 'string') return null;
  const passes = count(c.passes);
  const fails = count(c.fails);
  if (passes === null || fails === null) return null;
  return { name: c.name, path: typeof c.path === 'string' ? c.path : `::${c.name}`, passes, fails };
}
