import { distance } from 'fastest-levenshtein';
import { describe, expect, it } from 'vitest';
import { closestName } from '../../../harness/core/closest-name.ts';

describe('closestName (did-you-mean)', () => {
  it('suggests the nearest candidate for a typo, ignoring case, and keeps the candidate\'s spelling', () => {
    expect(closestName('p96Ms', ['p50Ms', 'p95Ms', 'rps'])).toBe('p95Ms');
    expect(closestName('DURATON', ['duration', 'vus'])).toBe('duration');
    expect(closestName('thresholds', ['treshold', 'thresholds'])).toBe('thresholds');
    expect(closestName('scenaro', ['scenarios', 'scenario'])).toBe('scenario');
  });

  it('suggests nothing when every candidate is too far: more than a third of the word (at least 2), or all of it', () => {
    expect(closestName('latency', ['vus', 'rps'])).toBeNull();
    expect(closestName('ab', ['xy'])).toBeNull();
    expect(closestName('x', [])).toBeNull();
    // 9 letters allow 3 edits, not 4.
    expect(closestName('abcdefghi', ['abcdefXYZ'])).toBe('abcdefXYZ');
    expect(closestName('abcdefghi', ['abcdeWXYZ'])).toBeNull();
  });

  it('measures edits as Levenshtein does: an insertion, a deletion and a substitution each count one', () => {
    expect(distance('kitten', 'sitting')).toBe(3);
    expect(closestName('timout', ['timeout'])).toBe('timeout');
    expect(closestName('timeoutt', ['timeout'])).toBe('timeout');
    expect(closestName('tineout', ['timeout'])).toBe('timeout');
  });
});
