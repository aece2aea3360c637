import type { Rng } from '../core/seeded-rng.ts';

/**
 * Captured values per variable, each a ring of the most recent `capacity` values: `{{captured X}}`
 * picks among them at random, and memory stays bounded however long the run. (The audit must see
 * every id, so the mix also streams each capture to `onCapture`; this store is not the record.)
 */
export class CapturePool {
  private readonly rings = new Map<string, { values: string[]; next: number }>();
  /** Bumped when a variable gets its first value: requests waiting for it become sendable. */
  version = 0;

  constructor(private readonly capacity = 10_000) {}

  add(name: string, value: string): void {
    let ring = this.rings.get(name);
    if (!ring) {
      ring = { values: [], next: 0 };
      this.rings.set(name, ring);
      this.version++;
    }
    if (ring.values.length < this.capacity) ring.values.push(value);
    else ring.values[ring.next] = value;
    ring.next = (ring.next + 1) % this.capacity;
  }

  pick(name: string, rng: Rng): string | undefined {
    const values = this.rings.get(name)?.values;
    if (!values || values.length === 0) return undefined;
    return values[Math.floor(rng() * values.length)];
  }

  has(name: string): boolean {
    return (this.rings.get(name)?.values.length ?? 0) > 0;
  }

  size(name: string): number {
    return this.rings.get(name)?.values.length ?? 0;
  }
}

/** Reads a simple JSON path (`id`, `data.items.0.id`) from a parsed body; scalars only. */
export function readJsonPath(body: unknown, path: readonly string[]): string | undefined {
  let cur: unknown = body;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = Array.isArray(cur) ? cur[Number(key)] : (cur as Record<string, unknown>)[key];
  }
  if (typeof cur === 'string') return cur;
  if ((typeof cur === 'number' && Number.isFinite(cur)) || typeof cur === 'boolean') return String(cur);
  return undefined;
}
