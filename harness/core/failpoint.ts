/**
 * Failure injection for the reliability tests (docs/failure-handling.md): `STRESSLAB_FAILPOINTS`
 * lists named points, each optionally `@n`, and the point fails from its n-th hit on (default the
 * first), as a full disk or a bug would. Without the variable every point is a no-op; the names are
 * fixed here so a typo in a test fails loudly instead of testing nothing.
 *
 * Used where no real failure can be produced on demand (an analysis bug, one report writer out of
 * four); a full disk is also tested for real, on a small tmpfs.
 */
export const FAILPOINTS = [
  'timeline-write',
  'audit',
  'record',
  'analysis',
  'report:json',
  'report:md',
  'report:html',
  'report:junit',
  'history',
  'uncaught-exception',
  'unhandled-rejection',
] as const;
export type Failpoint = (typeof FAILPOINTS)[number];

const hits = new Map<Failpoint, number>();

/** The first hit of `name` that fails, or null when it is not armed. */
function armedAt(name: Failpoint, env: NodeJS.ProcessEnv): number | null {
  const spec = env.STRESSLAB_FAILPOINTS;
  if (!spec) return null;
  for (const item of spec.split(',')) {
    const [point, at] = item.trim().split('@');
    if (!(FAILPOINTS as readonly string[]).includes(point ?? '')) {
      throw new Error(`STRESSLAB_FAILPOINTS names an unknown point "${point}"; known: ${FAILPOINTS.join(', ')}`);
    }
    if (point === name) return at === undefined ? 1 : Math.max(1, Number(at));
  }
  return null;
}

/** Counts a hit of `name`; true when it should fail now. */
export function failpointHit(name: Failpoint, env: NodeJS.ProcessEnv = process.env): boolean {
  const at = armedAt(name, env);
  if (at === null) return false;
  const n = (hits.get(name) ?? 0) + 1;
  hits.set(name, n);
  return n >= at;
}

/** Throws an error like the one a full disk gives (code ENOSPC) when `name` fails now. */
export function failpoint(name: Failpoint, env: NodeJS.ProcessEnv = process.env): void {
  if (!failpointHit(name, env)) return;
  throw Object.assign(new Error(`ENOSPC: no space left on device (injected at failpoint ${name})`), { code: 'ENOSPC' });
}

/** Forgets the hits counted so far (tests arming the same point twice in one process). */
export function resetFailpoints(): void {
  hits.clear();
}
