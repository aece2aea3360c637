import fc from 'fast-check';
import parseDuration from 'parse-duration';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDurationMs } from '../../../harness/core/duration.ts';

/**
 * Our k6/Go duration parser against parse-duration (docs/hand-written-code.md says why we keep ours):
 * on every string k6 accepts and we accept, both give the same milliseconds; the strings parse-duration
 * also takes but k6 (Go's time.ParseDuration) does not, we refuse, so a scenario file never means
 * something in stresslab that k6 would reject.
 */
const UNITS = ['ms', 's', 'm', 'h'] as const;
const part = fc.tuple(fc.integer({ min: 0, max: 10_000 }), fc.option(fc.integer({ min: 0, max: 999 }), { nil: undefined }), fc.constantFrom(...UNITS))
  .map(([whole, fraction, unit]) => `${whole}${fraction === undefined ? '' : `.${String(fraction).padStart(3, '0')}`}${unit}`);
const k6Duration = fc.array(part, { minLength: 1, maxLength: 4 }).map((parts) => parts.join(''));

describe('parseDurationMs against parse-duration', () => {
  it('the same milliseconds for every k6 duration ("1h30m", "2.5m", "1h2m3s4ms", units repeated or out of order as Go allows)', () => {
    fc.assert(
      fc.property(k6Duration, (text) => {
        const ours = parseDurationMs(text);
        const theirs = parseDuration(text);
        expect(ours, text).not.toBeNull();
        expect(theirs, text).not.toBeNull();
        // Ours rounds to whole milliseconds (the harness's unit); sums of binary fractions may differ in the last bit.
        expect(Math.abs((ours ?? Number.NaN) - (theirs ?? Number.NaN)), text).toBeLessThanOrEqual(0.5 + 1e-6 * Math.abs(theirs ?? 0));
      }),
      { numRuns: 2000, seed: 20261204 },
    );
  });

  it('formatDuration writes what both parse back to the same value', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * 86_400_000 }), (ms) => {
        expect(parseDurationMs(formatDuration(ms))).toBe(ms);
        expect(parseDuration(formatDuration(ms))).toBe(ms);
      }),
      { numRuns: 1000, seed: 7 },
    );
  });

  it('refuses what parse-duration accepts but k6 does not: a bare number, days, words, exponents, signs, spaces', () => {
    for (const text of ['10', '1d', '1 hour', '1e3ms', '-1s', '1 m', '2w', '1y']) {
      expect(parseDuration(text), `parse-duration takes ${text}`).not.toBeNull();
      expect(parseDurationMs(text), text).toBeNull();
    }
  });
});
