/**
 * @module schema-keys
 * The keys a zod schema's object takes at a path of its input (`metadata.labels` in
 * `z.object({metadata: z.object({labels: ...})})`), through the wrappers that keep an object an
 * object (optional, nullable, default, pipe, readonly, catch, lazy) and into arrays and
 * records: for a "did you mean" when a strict object refuses a key. Undefined where the path
 * leads to no single object (a union, an intersection, a transform's output).
 */
import type { z } from "zod";

type Def = { type?: string; shape?: Record<string, unknown>; innerType?: unknown; in?: unknown; element?: unknown; valueType?: unknown; getter?: () => unknown };

function defOf(schema: unknown): Def | undefined {
  return (schema as { _zod?: { def?: Def } } | undefined)?._zod?.def;
}

/** The schema inside the wrappers that do not change what an object takes. */
function unwrap(schema: unknown): Def | undefined {
  for (let def = defOf(schema), depth = 0; def && depth < 32; depth++) {
    if (def.innerType !== undefined) def = defOf(def.innerType);
    else if (def.type === "pipe") def = defOf(def.in);
    else if (def.type === "lazy" && def.getter) def = defOf(def.getter());
    else return def;
  }
  return undefined;
}

/** The keys the object at `path` takes, or undefined when that is not one object. */
export function objectKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] | undefined {
  let def = unwrap(schema);
  for (const key of path) {
    if (!def) return undefined;
    if (def.type === "object" && typeof key === "string") def = unwrap(def.shape?.[key]);
    else if (def.type === "array" && typeof key === "number") def = unwrap(def.element);
    else if (def.type === "record") def = unwrap(def.valueType);
    else return undefined;
  }
  return def?.type === "object" && def.shape ? Object.keys(def.shape) : undefined;
}
