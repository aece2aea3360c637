/** Order statistics of one numeric column, from a single sort. */
export interface NumericSummary {
  min: number;
  max: number;
  mean: number;
  p50: number;
  q1: number;
  q3: number;
  distinct: number;
}

/** Linear interpolation between closest ranks (the default of numpy and R type 7). */
function quantile(sorted: Float64Array, p: number): number {
  const pos = (sorted.length - 1) * p;
  const lo = Math.floor(pos);
  const a = sorted[lo] ?? Number.NaN;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)] ?? a;
  return a + (b - a) * (pos - lo);
}

/** Null when the column has no valid value. */
export function summarizeNumeric(values: Float64Array): NumericSummary | null {
  if (values.length === 0) return null;
  // Typed-array sort is numeric and allocation-free, unlike Array#sort.
  const sorted = values.slice().sort();
  let sum = 0;
  let distinct = 1;
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i] as number;
    sum += v;
    if (i > 0 && v !== sorted[i - 1]) distinct++;
  }
  return {
    min: sorted[0] as number,
    max: sorted[sorted.length - 1] as number,
    mean: sum / sorted.length,
    p50: quantile(sorted, 0.5),
    q1: quantile(sorted, 0.25),
    q3: quantile(sorted, 0.75),
    distinct,
  };
}
