/** Stand-in for the `k6` module: check() counts nothing, it only evaluates (exported scripts do not use it today). */
export function check<T>(value: T, sets: Record<string, (v: T) => boolean>): boolean {
  return Object.values(sets).every((f) => f(value));
}

export function sleep(_seconds: number): void {}

export default { check, sleep };
