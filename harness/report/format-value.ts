import { formatClockSeconds } from '../core/duration.ts';
/**
 * Number formatting shared by the renderers, so Markdown, HTML and JUnit show the same figures.
 * Every formatter prints an en dash for a missing value rather than "null" or "NaN".
 */
const MISSING = '–';

function isMissing(value: number | null | undefined): value is null | undefined {
  return value === null || value === undefined || !Number.isFinite(value);
}

/** Latency: whole milliseconds from 100 ms up, one decimal below, two below 1 ms. */
export function formatMs(ms: number | null | undefined): string {
  if (isMissing(ms)) return MISSING;
  if (Math.abs(ms) >= 100) return `${Math.round(ms).toLocaleString('en-US')} ms`;
  if (Math.abs(ms) >= 1) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

/**
 * Recovery times (TTD, TTR, MTTR): two decimals. They are measured on 100 ms slices from instants
 * known to the millisecond (docs/recovery.md, section Resolution); tenths alone would print a 0.96 s
 * TTR and a 1.04 s one alike.
 */
export function formatSec(sec: number | null | undefined): string {
  if (isMissing(sec)) return MISSING;
  return `${sec.toFixed(2)} s`;
}

/** A position on the run's clock (ms since start) as m:ss or h:mm:ss. */
export function formatClock(ms: number | null | undefined): string {
  if (isMissing(ms)) return MISSING;
  return formatClockSeconds(Math.round(ms / 1000));
}

/** A ratio (0…1) as a percentage. */
export function formatRatioPct(ratio: number | null | undefined): string {
  if (isMissing(ratio)) return MISSING;
  const pct = ratio * 100;
  if (pct === 0) return '0%';
  return pct < 0.01 ? '<0.01%' : `${pct.toFixed(2)}%`;
}

/** A change already in percent, signed. */
export function formatChangePct(pct: number | null | undefined): string {
  if (isMissing(pct)) return MISSING;
  return `${pct > 0 ? '+' : ''}${pct.toFixed(1)}%`;
}

export function formatCount(n: number | null | undefined): string {
  if (isMissing(n)) return MISSING;
  return Math.round(n).toLocaleString('en-US');
}

export function formatRps(rps: number | null | undefined): string {
  if (isMissing(rps)) return MISSING;
  return rps >= 100 ? Math.round(rps).toLocaleString('en-US') : rps.toFixed(1);
}

export function formatBytes(bytes: number | null | undefined): string {
  if (isMissing(bytes)) return MISSING;
  const mib = bytes / (1024 * 1024);
  if (Math.abs(mib) >= 1024) return `${(mib / 1024).toFixed(2)} GiB`;
  return `${mib.toFixed(1)} MiB`;
}

export function formatCpu(pct: number | null | undefined): string {
  if (isMissing(pct)) return MISSING;
  return `${pct.toFixed(1)}%`;
}

/** A metric value of unknown unit (threshold actuals, regression values): up to 4 significant digits. */
export function formatNumber(n: number | null | undefined): string {
  if (isMissing(n)) return MISSING;
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  return Number(n.toPrecision(4)).toLocaleString('en-US', { maximumFractionDigits: 6 });
}
