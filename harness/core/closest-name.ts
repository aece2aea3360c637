import { distance } from 'fastest-levenshtein';

/**
 * The candidate nearest to `word` by edit distance (case-insensitive), when it is close enough to be
 * a likely typo. The distance is fastest-levenshtein's (docs/hand-written-code.md); what counts as
 * close is ours: at most a third of the word (at least 2), and never the whole word.
 */
export function closestName(word: string, candidates: readonly string[]): string | null {
  const lower = word.toLowerCase();
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(lower, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== null && bestDistance <= Math.max(2, Math.floor(word.length / 3)) && bestDistance < word.length ? best : null;
}
