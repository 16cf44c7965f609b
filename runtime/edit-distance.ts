/**
 * @module edit-distance
 * Levenshtein distance between two short strings, for the "did you mean" of a misspelt key or
 * resource name.
 */

/** The number of single-character insertions, deletions and substitutions turning `a` into `b`. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
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
