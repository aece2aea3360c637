import * as z from 'zod';

/**
 * k6/Go duration strings ("30s", "1m30s", "500ms", "1.5h", "0"), always as strings in scenario
 * files so they read the same in k6. Inside the harness everything is milliseconds.
 */
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds of a duration string, or null when it is not one. */
export function parseDurationMs(text: string): number | null {
  if (text === '0') return 0;
  if (!DURATION.test(text)) return null;
  let total = 0;
  for (const m of text.matchAll(PART)) total += Number(m[1]) * (UNIT_MS[m[2] ?? 's'] ?? 0);
  return Math.round(total);
}

/** The shortest Go-style string for a whole number of milliseconds, e.g. 90_000 → "1m30s". */
export function formatDuration(ms: number): string {
  let rest = Math.max(0, Math.round(ms));
  if (rest === 0) return '0s';
  let out = '';
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return out;
}

/**
 * A whole number of seconds on a clock face: "0:15", "1:02:03". Callers round first, each as its
 * reading needs (a countdown up, a time something happened down, a table to the nearest).
 */
export function formatClockSeconds(totalSec: number): string {
  const total = Math.max(0, totalSec);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

export const DURATION_HINT = 'write a duration such as "500ms", "30s", "1m30s", "10m" or "24h"';

/**
 * A duration as scenario files write it, resolved to milliseconds by the schema: everything after
 * validation works in ms and never parses the string again.
 */
export const durationSchema = z
  .string()
  .meta({ description: 'Duration like "500ms", "30s", "1m30s", "10m", "24h" (k6/Go syntax).', pattern: `^(?:0|${DURATION.source.slice(1, -1)})$` })
  .transform((v, ctx) => {
    const ms = parseDurationMs(v);
    if (ms === null) {
      ctx.issues.push({ code: 'custom', input: v, message: `"${v}" is not a duration`, params: { hint: DURATION_HINT } });
      return z.NEVER;
    }
    return ms;
  });
