/**
 * @module nesting
 * Input nested too deeply for the schema: a recursive zod schema (a `z.lazy` tree, `z.json()`)
 * recurses once per level of the value, so a body a few thousand levels deep overflows the
 * stack (`RangeError`). That is bad input, not a fault of the function: it becomes an
 * `InputError` naming the field under which the value goes deepest. Only failures pay for this.
 */
import { InputError } from "./errors.js";
import { issuePath } from "./zod-issues.js";

/** True for V8's "Maximum call stack size exceeded". */
export function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && error.message.includes("call stack");
}

/**
 * How deep a value must go for a stack overflow while checking it to be its nesting's doing: a
 * recursive schema overflows V8's stack past a thousand levels or so. A shallower value means
 * the overflow is the function's own (a `.transform` that recurses forever): a fault, a 500.
 */
export const OVERFLOW_DEPTH = 256;

/**
 * `error` as the caller should see it: an `InputError` when it is a stack overflow while
 * checking `value` and `value` is nested deeper than `OVERFLOW_DEPTH`, otherwise `error` itself.
 */
export function tooDeepOr(error: unknown, value: unknown): unknown {
  if (!isStackOverflow(error)) return error;
  const { key, depth } = deepestBranch(value);
  if (depth < OVERFLOW_DEPTH) return error;
  const path = key === undefined ? "" : issuePath([key]);
  const message = `nested too deeply (${depth} levels)`;
  return new InputError(`invalid input: ${path ? `${path}: ` : ""}${message}`, [{ path, message }]);
}

/**
 * The top-level key (an index for an array) under which `value` goes deepest, and that depth.
 * Iterative, each object visited once: a cyclic value (from `podfn run` or a test) ends too.
 */
function deepestBranch(value: unknown): { key: string | number | undefined; depth: number } {
  let best: { key: string | number | undefined; depth: number } = { key: undefined, depth: 0 };
  if (typeof value !== "object" || value === null) return best;
  const seen = new Set<object>([value]);
  const stack: Array<[unknown, number, string | number]> = [];
  const push = (node: object, depth: number, key?: string | number) => {
    if (Array.isArray(node)) node.forEach((child, i) => stack.push([child, depth, key ?? i]));
    else for (const [name, child] of Object.entries(node)) stack.push([child, depth, key ?? name]);
  };
  push(value, 1);
  while (stack.length > 0) {
    const [node, depth, key] = stack.pop()!;
    if (depth > best.depth) best = { key, depth };
    if (typeof node === "object" && node !== null && !seen.has(node)) {
      seen.add(node);
      push(node, depth + 1, key);
    }
  }
  return best;
}
