/**
 * @module edit-distance
 * Edit distance between two short strings (optimal string alignment: Levenshtein plus the swap
 * of two adjacent letters as one edit), for the "did you mean" of a misspelt key or resource name.
 */

/**
 * The number of single-character insertions, deletions, substitutions and swaps of two adjacent
 * characters turning `a` into `b` (no substring edited twice): `vaule` is one edit from `value`.
 */
export function editDistance(a: string, b: string): number {
  // Three rows: the one two back is where a swap of a[i-2..i-1] with b[j-2..j-1] comes from.
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let row = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      row[j] = d;
    }
    [before, previous, row] = [previous, row, before];
  }
  return previous[b.length]!;
}

/**
 * The name among `known` that `given` most likely meant: one equal but for case, else the
 * nearest within `Math.max(floor, length / 4)` edits (undefined when none is that near).
 */
export function closestName(given: string, known: readonly string[], floor = 2): string | undefined {
  const lower = given.toLowerCase();
  const same = known.find((k) => k.toLowerCase() === lower);
  if (same !== undefined) return same;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = editDistance(k, given);
    if (d <= Math.max(floor, Math.floor(k.length / 4)) && d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}
