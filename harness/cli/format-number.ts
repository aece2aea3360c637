/** Number formats shared by the CLI's tables. */
export function fmtValue(v: number | null | undefined): string {
  return v === null || v === undefined ? '—' : Number.isInteger(v) ? String(v) : v.toPrecision(4);
}

export function fmtPct(v: number | null | undefined): string {
  return v === null || v === undefined ? '—' : `${v >= 0 ? '+' : ''}${v.toFixed(1)}%`;
}

export function fmtInterval(low: number | null, high: number | null): string {
  return low === null || high === null ? '—' : `[${fmtPct(low)}, ${fmtPct(high)}]`;
}
