/**
 * The calibration probe's fixed unit of work: JSON parsing and serialising, object walks and a Map,
 * the kind of work a Node service does per request. Its CPU cost moves with the machine (shared
 * caches, SMT siblings, noisy neighbours), not with the system under test.
 */
const rows = Array.from({ length: 200 }, (_, i) => ({ id: i, name: `row${i}`, v: i * 1.5, ok: i % 3 === 0, tags: ['a', 'b', String(i)] }));
const text = JSON.stringify(rows);

/** Runs one unit; the returned number keeps the work from being optimised away. */
export function calibrationUnit(): number {
  let n = 0;
  for (let k = 0; k < 4; k++) {
    const parsed = JSON.parse(text) as typeof rows;
    const byName = new Map<string, number>();
    for (const r of parsed) {
      byName.set(r.name, r.v);
      n += r.tags.length;
    }
    n += JSON.stringify(parsed).length + byName.size;
  }
  return n;
}

/** CPU microseconds of the calling process spent on `units` units (preemption does not count). */
export function measureUnits(units: number): number {
  const before = process.cpuUsage();
  let sink = 0;
  for (let i = 0; i < units; i++) sink += calibrationUnit();
  const used = process.cpuUsage(before);
  if (sink < 0) throw new Error('unreachable');
  return (used.user + used.system) / units;
}
