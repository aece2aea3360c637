/** The candidate nearest to `word` by edit distance, when it is close enough to be a likely typo. */
export function closestName(word: string, candidates: readonly string[]): string | null {
  const lower = word.toLowerCase();
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== null && bestDistance <= Math.max(2, Math.floor(word.length / 3)) && bestDistance < word.length ? best : null;
}

/** Levenshtein distance, one row at a time (schema errors ask it for every unknown key against every known one). */
function editDistance(a: string, b: string): number {
  const row = new Uint32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) row[j] = j;
  for (let i = 1; i <= a.length; i++) {
    // `diagonal` is the previous row's value at j - 1, `row[j]` (before it is written) at j.
    let diagonal = row[0] as number;
    row[0] = i;
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] as number;
      row[j] = Math.min(above + 1, (row[j - 1] as number) + 1, diagonal + (ai === b.charCodeAt(j - 1) ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length] as number;
}
