/**
 * @module cluster/job-indexes
 * An Indexed Job's index lists (`status.completedIndexes`, `status.failedIndexes`: `1,3-5,7`)
 * read as 1.32's pkg/apis/batch/validation reads them (validateIndexesFormat,
 * parseIndexInterval, validateFailedIndexesNotOverlapCompleted), with their error texts.
 */

/** One interval `x` or `x-y` below `completions`, or the text of why it is not one. */
function parseInterval(text: string, completions: number): [number, number] | string {
  const limits = text.split("-");
  if (limits.length > 2) return `the fragment ${JSON.stringify(text)} violates the requirement that an index interval can have at most two parts separated by '-'`;
  const x = atoi(limits[0]!);
  if (x === undefined) return `cannot convert string to integer for index: ${JSON.stringify(limits[0])}`;
  if (x >= completions) return `too large index: ${JSON.stringify(limits[0])}`;
  if (limits.length === 1) return [x, x];
  const y = atoi(limits[1]!);
  if (y === undefined) return `cannot convert string to integer for index: ${JSON.stringify(limits[1])}`;
  if (y >= completions) return `too large index: ${JSON.stringify(limits[1])}`;
  if (x >= y) return `non-increasing order, previous: ${x}, current: ${y}`;
  return [x, y];
}

/** strconv.Atoi: an optional sign and decimal digits (a 64-bit int). */
function atoi(text: string): number | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

/**
 * validateIndexesFormat: the error text of a list that is not increasing intervals below
 * `completions`, or undefined when it is one (the empty list is).
 *
 * @example
 * indexesFormatError("0,5", 5); // 'too large index: "5"'
 */
export function indexesFormatError(indexes: string, completions: number): string | undefined {
  if (indexes.length === 0) return undefined;
  let last: number | undefined;
  for (const part of indexes.split(",")) {
    const interval = parseInterval(part, completions);
    if (typeof interval === "string") return interval;
    if (last !== undefined && last >= interval[0]) return `non-increasing order, previous: ${last}, current: ${interval[0]}`;
    last = interval[1];
  }
  return undefined;
}

/**
 * validateFailedIndexesNotOverlapCompleted: the first index both lists hold, as its error
 * text. Intervals that do not parse are skipped (the format check reports them).
 */
export function indexesOverlapError(completed: string, failed: string, completions: number): string | undefined {
  if (completed.length === 0 || failed.length === 0) return undefined;
  const done = completed.split(",");
  const lost = failed.split(",");
  let c = 0;
  let f = 0;
  let ci = parseInterval(done[c]!, completions);
  let fi = parseInterval(lost[f]!, completions);
  while (c < done.length && f < lost.length) {
    if (typeof ci === "string") {
      if (++c < done.length) ci = parseInterval(done[c]!, completions);
    } else if (typeof fi === "string") {
      if (++f < lost.length) fi = parseInterval(lost[f]!, completions);
    } else {
      const [cx, cy] = ci;
      const [fx, fy] = fi;
      if (cx <= fy && fx <= cy) return `failedIndexes and completedIndexes overlap at index: ${Math.max(cx, fx)}`;
      if (cx <= fx) {
        if (++c < done.length) ci = parseInterval(done[c]!, completions);
      } else if (++f < lost.length) fi = parseInterval(lost[f]!, completions);
    }
  }
  return undefined;
}
