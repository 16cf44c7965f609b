/**
 * @module admission/array-diff
 * The JSONPatch operations turning one array into another, for `admission/patch`, in time and
 * memory that stay near the arrays' size and without recursion proportional to their length
 * (rfc6902's own array diff is a recursive, memoised edit-distance search that copies an
 * operation list per cell: a 400-item array took seconds and hundreds of MB, a 5,000-item one
 * overflowed the stack). The steps:
 * - the items both arrays start and end with are left alone;
 * - of what is left, arrays of one length are paired by index, each pair diffed as any value
 *   (an object changed in every item is a few small operations per item, not its replacement);
 * - otherwise, while (left)·(right) is at most `EDIT_DISTANCE_CELLS`, an edit distance over the
 *   items (a table, filled and walked in loops) gives the fewest adds, removes and changes, a
 *   changed item diffed as any value (a container added in the middle is one `add`);
 * - beyond that, or once the patch's edit distances filled `PATCH_EDIT_DISTANCE_CELLS` together
 *   (an object of a thousand arrays), one `replace` of the whole array.
 */
import { isDeepStrictEqual } from "node:util";
import type { Operation, Pointer } from "rfc6902";

/** Diffs any two values at `ptr` (for the items of a pair): `admission/patch`'s. */
export type ValueDiff = (from: unknown, to: unknown, ptr: Pointer) => Operation[];

/** Past this many cells (left items × right items) an edit distance is not worth its table. */
export const EDIT_DISTANCE_CELLS = 10_000;

/** The cells every edit distance of one patch may fill together (an object of many arrays). */
export const PATCH_EDIT_DISTANCE_CELLS = 100_000;

/** What is left of a patch's `PATCH_EDIT_DISTANCE_CELLS`; each edit distance takes its cells. */
export interface EditBudget {
  cells: number;
}

const KEEP = 0;
const CHANGE = 1;
const REMOVE = 2;
const ADD = 3;

/**
 * The operations turning array `from` (at `ptr`) into `to`; empty when they are equal.
 *
 * @example
 * diffArrays(["a", "b"], ["a", "x", "b"], new Pointer(["", "list"]), diff, { cells: PATCH_EDIT_DISTANCE_CELLS }); // [{ op: "add", path: "/list/1", value: "x" }]
 */
export function diffArrays(from: readonly unknown[], to: readonly unknown[], ptr: Pointer, diff: ValueDiff, budget: EditBudget = { cells: PATCH_EDIT_DISTANCE_CELLS }): Operation[] {
  let start = 0;
  while (start < from.length && start < to.length && isDeepStrictEqual(from[start], to[start])) start++;
  let fromEnd = from.length;
  let toEnd = to.length;
  while (fromEnd > start && toEnd > start && isDeepStrictEqual(from[fromEnd - 1], to[toEnd - 1])) {
    fromEnd--;
    toEnd--;
  }
  const left = fromEnd - start;
  const right = toEnd - start;
  if (left === 0 && right === 0) return [];
  if (left === right) {
    const operations: Operation[] = [];
    for (let i = start; i < fromEnd; i++) operations.push(...diff(from[i], to[i], ptr.add(String(i))));
    return operations;
  }
  if (left * right > EDIT_DISTANCE_CELLS || left * right > budget.cells) return [{ op: "replace", path: ptr.toString(), value: to }];
  budget.cells -= left * right;
  const steps = editSteps(from.slice(start, fromEnd), to.slice(start, toEnd));
  const operations: Operation[] = [];
  let index = start;
  let length = from.length;
  let i = start;
  let j = start;
  for (const step of steps) {
    if (step === KEEP) {
      index++, i++, j++;
    } else if (step === CHANGE) {
      operations.push(...diff(from[i++], to[j++], ptr.add(String(index++))));
    } else if (step === REMOVE) {
      operations.push({ op: "remove", path: ptr.add(String(index)).toString() });
      i++, length--;
    } else {
      operations.push({ op: "add", path: ptr.add(index === length ? "-" : String(index)).toString(), value: to[j++] });
      index++, length++;
    }
  }
  return operations;
}

/**
 * The fewest keeps, changes, removes and adds turning `from` into `to`, in order: a
 * Levenshtein table over the items (equal when their JSON is, keys in any order), walked back
 * from its last cell.
 */
function editSteps(from: readonly unknown[], to: readonly unknown[]): number[] {
  const ids = new Map<string, number>();
  const idOf = (value: unknown) => {
    const key = canonicalJson(value);
    let id = ids.get(key);
    if (id === undefined) ids.set(key, (id = ids.size));
    return id;
  };
  const a = from.map(idOf);
  const b = to.map(idOf);
  const columns = b.length + 1;
  const cost = new Uint32Array((a.length + 1) * columns);
  for (let j = 0; j <= b.length; j++) cost[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cost[i * columns] = i;
    for (let j = 1; j <= b.length; j++) {
      const here = i * columns + j;
      cost[here] = a[i - 1] === b[j - 1] ? cost[here - columns - 1]! : 1 + Math.min(cost[here - columns - 1]!, cost[here - columns]!, cost[here - 1]!);
    }
  }
  const steps: number[] = [];
  let i = a.length;
  let j = b.length;
  while (i > 0 || j > 0) {
    const here = i * columns + j;
    if (i > 0 && j > 0 && a[i - 1] === b[j - 1] && cost[here] === cost[here - columns - 1]) {
      steps.push(KEEP), i--, j--;
    } else if (i > 0 && j > 0 && cost[here] === cost[here - columns - 1]! + 1) {
      steps.push(CHANGE), i--, j--;
    } else if (i > 0 && cost[here] === cost[here - columns]! + 1) {
      steps.push(REMOVE), i--;
    } else {
      steps.push(ADD), j--;
    }
  }
  return steps.reverse();
}

/** `value` as JSON with every object's keys sorted: equal for equal JSON values. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) : v,
  );
}
