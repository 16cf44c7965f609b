/**
 * @module cluster/go-equality
 * `apiequality.Semantic.DeepEqual` over objects as JSON holds them, typed by the 1.32 schema
 * (`schema-1.32`): what the real server compares is the decoded Go value, so a field left out
 * equals its zero value (`false`, `0`, `""`), a nil list or map equals an empty one, and a map's
 * keys are compared as they are (`{"a": ""}` is not `{}`). The schema does not say which fields
 * are pointers, so an absent pointer field equals its zero value here (Go tells nil from `0`).
 * `semanticDiff` lists what differs, one changed field a line, for messages that print a diff.
 */
import { MODELS } from "./schema-1.32.js";

type Obj = Record<string, unknown>;

const SCALAR_ZERO: Record<string, unknown> = { string: "", bool: false, int32: 0, int64: 0, float64: 0, bytes: "", quantity: "0" };

const isObject = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/** Untyped values (`any`, raw extensions, a field compared without its type): the same JSON, nil and empty alike. */
export function sameJson(a: unknown, b: unknown): boolean {
  const empty = (v: unknown) => v === undefined || v === null || (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0);
  if (empty(a) && empty(b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((k) => sameJson(a[k], b[k]));
  }
  return a === b;
}

/** Whether `a` and `b`, values of the schema type `type` (`V1PodSpec`, `[]string`, `int32`), are semantically equal. */
export function semanticEqual(a: unknown, b: unknown, type: string): boolean {
  if (type.startsWith("[]")) {
    const x = a ?? [];
    const y = b ?? [];
    if (!Array.isArray(x) || !Array.isArray(y)) return sameJson(x, y);
    return x.length === y.length && x.every((v, i) => semanticEqual(v, y[i], type.slice(2)));
  }
  if (type.startsWith("{}")) {
    const x = a ?? {};
    const y = b ?? {};
    if (!isObject(x) || !isObject(y)) return sameJson(x, y);
    const keys = Object.keys(x);
    return keys.length === Object.keys(y).length && keys.every((k) => k in y && semanticEqual(x[k], y[k], type.slice(2)));
  }
  const model = MODELS[type];
  if (model) {
    const x = a ?? {};
    const y = b ?? {};
    if (!isObject(x) || !isObject(y)) return sameJson(x, y);
    const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
    return [...keys].every((k) => semanticEqual(x[k], y[k], model.fields[k] ?? "any"));
  }
  if (type in SCALAR_ZERO) return (a ?? SCALAR_ZERO[type]) === (b ?? SCALAR_ZERO[type]);
  return sameJson(a, b);
}

/**
 * What differs between `a` (old) and `b` (new), as `- path: old` / `+ path: new` lines (JSON
 * values; a list of another length or an untyped value whole), deepest fields named.
 *
 * @example
 * semanticDiff({ hostNetwork: false }, { hostNetwork: true }, "V1PodSpec", "spec");
 * // ["- spec.hostNetwork: false", "+ spec.hostNetwork: true"]
 */
export function semanticDiff(a: unknown, b: unknown, type: string, path: string): string[] {
  if (semanticEqual(a, b, type)) return [];
  const whole = () => [`- ${path}: ${JSON.stringify(a ?? null)}`, `+ ${path}: ${JSON.stringify(b ?? null)}`];
  if (type.startsWith("[]")) {
    const x = a ?? [];
    const y = b ?? [];
    if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return whole();
    return x.flatMap((v, i) => semanticDiff(v, y[i], type.slice(2), `${path}[${i}]`));
  }
  const isMap = type.startsWith("{}");
  const model = MODELS[type];
  if (!isMap && !model) return whole();
  const x = a ?? {};
  const y = b ?? {};
  if (!isObject(x) || !isObject(y)) return whole();
  const keys = [...new Set([...Object.keys(x), ...Object.keys(y)])].sort();
  if (!isMap) return keys.flatMap((k) => semanticDiff(x[k], y[k], model!.fields[k] ?? "any", `${path}.${k}`));
  return keys.flatMap((k) => {
    const at = `${path}[${JSON.stringify(k)}]`;
    if (k in x && k in y) return semanticDiff(x[k], y[k], type.slice(2), at);
    // A key on one side only.
    return k in x ? [`- ${at}: ${JSON.stringify(x[k])}`] : [`+ ${at}: ${JSON.stringify(y[k])}`];
  });
}
