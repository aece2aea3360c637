/**
 * A seeded pseudo-random generator (mulberry32): randomness is passed in (ARCHITECTURE.md style
 * rule 5), so bootstrap intervals are reproducible from the seed.
 */
export type Rng = () => number;

export function createSeededRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
