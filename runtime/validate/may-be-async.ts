/**
 * @module validate/may-be-async
 * Whether parsing with a zod 4 schema may meet asynchronous work: a refinement (`refine`,
 * `superRefine`, `check`, `z.custom`), a transform (`transform`, `preprocess`, a codec) or a
 * `z.promise`, anywhere in it. Those run the function's own code, which may return a promise;
 * zod's synchronous parse then throws after the code ran, and parsing again asynchronously
 * would run it twice. A schema without any is parsed synchronously with no such risk. Anything
 * the walk does not know (another zod major, zod/v3) counts as possibly asynchronous.
 */
import { checksOf, internalsOf, type Internals } from "./leaf.js";

/** Each schema's answer, found on first use. */
const answers = new WeakMap<object, boolean>();

/** Schema types with nothing inside them and no code of the function's own to run. */
const LEAVES = new Set([
  "string", "number", "int", "boolean", "bigint", "symbol", "null", "undefined", "void", "never", "any", "unknown",
  "date", "enum", "literal", "nan", "file", "template_literal", "function",
]);

/** Schema types wrapping one schema, `def.innerType`. */
const WRAPPERS = new Set(["optional", "nullable", "nonoptional", "default", "prefault", "catch", "readonly", "success"]);

/** Schema types that may run the function's code returning a promise. */
const ASYNC_CAPABLE = new Set(["transform", "promise", "custom"]);

/**
 * True when parsing `schema` may meet a promise (see the module's header); cached per schema.
 *
 * @example
 * mayBeAsync(z.object({ n: z.number() }));                    // false
 * mayBeAsync(z.string().refine(async (s) => exists(s)));      // true
 */
export function mayBeAsync(schema: object): boolean {
  let answer = answers.get(schema);
  if (answer === undefined) {
    const zod = internalsOf(schema);
    answer = zod === undefined || nodeMayBeAsync(zod, new Set());
    answers.set(schema, answer);
  }
  return answer;
}

function childMayBeAsync(child: unknown, visiting: Set<Internals>): boolean {
  if (child === undefined) return false;
  const zod = internalsOf(child);
  return zod === undefined || nodeMayBeAsync(zod, visiting);
}

function nodeMayBeAsync(zod: Internals, visiting: Set<Internals>): boolean {
  // A recursive schema: the node is judged where it was first met.
  if (visiting.has(zod)) return false;
  visiting.add(zod);
  const { def } = zod;
  if (checksOf(zod).some((check) => check.check === "custom")) return true;
  if (ASYNC_CAPABLE.has(def.type)) return true;
  if (LEAVES.has(def.type)) return false;
  const child = (value: unknown): boolean => childMayBeAsync(value, visiting);
  if (WRAPPERS.has(def.type)) return child(def.innerType);
  switch (def.type) {
    case "object": {
      const shape = def.shape as Record<string, unknown>;
      return Object.keys(shape).some((key) => child(shape[key])) || child(def.catchall);
    }
    case "array":
      return child(def.element);
    case "set":
      return child(def.valueType);
    case "record":
    case "map":
      return child(def.keyType) || child(def.valueType);
    case "tuple":
      return (def.items as unknown[]).some(child) || child(def.rest ?? undefined);
    case "union":
      return (def.options as unknown[]).some(child);
    case "intersection":
      return child(def.left) || child(def.right);
    case "pipe":
      // A codec's pipe carries its own transforms.
      return typeof def.transform === "function" || typeof def.reverseTransform === "function" || child(def.in) || child(def.out);
    case "lazy":
      return child((zod as Internals & { innerType?: unknown }).innerType ?? (def.getter as () => unknown)());
    default:
      return true;
  }
}
