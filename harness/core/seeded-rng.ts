/** A source of uniform numbers in [0, 1). Passed in everywhere randomness is needed, so runs are reproducible. */
export type Rng = () => number;

/** mulberry32: tiny, fast, good enough for picking requests and filling templates (not for secrets). */
export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [min, max], both inclusive. */
export function randomInt(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

/** A fresh seed for a run that was not given one: recorded in the plan and result, so the run can be replayed. */
export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}

/**
 * A standard normal draw from two uniform ones (Box–Muller). `1 − rng()` lies in (0, 1], so the
 * logarithm is finite even when the generator returns exactly 0.
 */
export function gaussian(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}
