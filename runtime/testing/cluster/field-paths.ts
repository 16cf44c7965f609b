/**
 * @module cluster/field-paths
 * Sets of field paths, as structured-merge-diff's `fieldpath` package has them: a path is a
 * list of path elements written as `managedFields` writes them (`f:<field>`, `k:<key JSON>` for
 * an item of an associative list, `v:<value JSON>` for an item of a set, `i:<index>`); a set is
 * a set of such paths, each a member. Encodes and decodes a set as `fieldsV1` (a path that is a
 * member and has members below it writes `".": {}`), sorts path elements as PathElement.Compare
 * does (fields, then keys, then values, then indexes) and prints a path as Path.String
 * (`.spec.containers[name="main"].image`), the form conflicts name.
 */

type Obj = Record<string, any>;

/** A field path: its path elements, outermost first. */
export type FieldPath = string[];

/** A set of field paths (each written as JSON). */
export type PathSet = Set<string>;

/** The set's key of a path. */
export const pathKey = (path: FieldPath): string => JSON.stringify(path);

/** The path a set's key names. */
export const pathOf = (key: string): FieldPath => JSON.parse(key) as FieldPath;

export function union(...sets: PathSet[]): PathSet {
  const out = new Set<string>();
  for (const s of sets) for (const p of s) out.add(p);
  return out;
}

export function difference(a: PathSet, b: PathSet): PathSet {
  return new Set([...a].filter((p) => !b.has(p)));
}

export function intersection(a: PathSet, b: PathSet): PathSet {
  return new Set([...a].filter((p) => b.has(p)));
}

/** Set.RecursiveDifference: `a` without the paths of `b` and every path under one of them. */
export function withoutPrefixes(a: PathSet, prefixes: readonly FieldPath[]): PathSet {
  return new Set([...a].filter((key) => {
    const path = pathOf(key);
    return !prefixes.some((prefix) => prefix.length <= path.length && prefix.every((pe, i) => path[i] === pe));
  }));
}

/** value.Compare of two JSON values: numbers before strings, each in their own order. */
function compareValues(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "number") return -1;
  if (typeof b === "number") return 1;
  const [x, y] = [typeof a === "string" ? a : JSON.stringify(a), typeof b === "string" ? b : JSON.stringify(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

const ELEMENT_ORDER = "fkvi";

/** PathElement.Compare on the written forms. */
export function comparePathElements(a: string, b: string): number {
  const [ta, tb] = [ELEMENT_ORDER.indexOf(a[0]!), ELEMENT_ORDER.indexOf(b[0]!)];
  if (ta !== tb) return ta - tb;
  const [ra, rb] = [a.slice(2), b.slice(2)];
  if (a[0] === "f") return ra < rb ? -1 : ra > rb ? 1 : 0;
  if (a[0] === "i") return Number(ra) - Number(rb);
  if (a[0] === "v") return compareValues(JSON.parse(ra), JSON.parse(rb));
  const [ka, kb] = [Object.entries(JSON.parse(ra) as Obj), Object.entries(JSON.parse(rb) as Obj)];
  for (let i = 0; ; i++) {
    if (i >= ka.length || i >= kb.length) return ka.length - kb.length;
    const [[na, va], [nb, vb]] = [ka[i]!, kb[i]!];
    if (na !== nb) return na < nb ? -1 : 1;
    const c = compareValues(va, vb);
    if (c !== 0) return c;
  }
}

/** Paths in the order Set.Iterate visits them: a member before what lies below it. */
export function sortedPaths(set: PathSet): FieldPath[] {
  return [...set].map(pathOf).sort((a, b) => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = comparePathElements(a[i]!, b[i]!);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  });
}

/** The `k:` element of an associative list's item: its keys, sorted by name. */
export function keyElement(item: Obj, keys: readonly string[]): string {
  const fields = [...keys].sort().filter((k) => item[k] !== undefined).map((k) => [k, item[k]] as const);
  return `k:${JSON.stringify(Object.fromEntries(fields))}`;
}

/** value.ToString of a key's or set item's value. */
function valueString(v: unknown): string {
  return typeof v === "string" ? JSON.stringify(v) : v === null ? "null" : String(v);
}

/** Path.String: `.field`, `[key="v",other=1]`, `[="value"]`, `[3]`. */
export function pathString(path: FieldPath): string {
  return path.map((pe) => {
    const rest = pe.slice(2);
    if (pe[0] === "f") return `.${rest}`;
    if (pe[0] === "i") return `[${rest}]`;
    if (pe[0] === "v") return `[=${valueString(JSON.parse(rest))}]`;
    return `[${Object.entries(JSON.parse(rest) as Obj).map(([k, v]) => `${k}=${valueString(v)}`).join(",")}]`;
  }).join("");
}

interface Node {
  member: boolean;
  children: Map<string, Node>;
}

/** SetToFields: the set as `fieldsV1`. */
export function toFieldsV1(set: PathSet): Obj {
  const root: Node = { member: false, children: new Map() };
  for (const key of set) {
    let node = root;
    for (const pe of pathOf(key)) {
      let next = node.children.get(pe);
      if (!next) node.children.set(pe, (next = { member: false, children: new Map() }));
      node = next;
    }
    node.member = true;
  }
  const render = (node: Node): Obj => {
    const out: Obj = node.member && node.children.size ? { ".": {} } : {};
    for (const pe of [...node.children.keys()].sort(comparePathElements)) out[pe] = render(node.children.get(pe)!);
    return out;
  };
  return render(root);
}

/** FieldsToSet: a `fieldsV1` as the set it writes. */
export function fromFieldsV1(fields: unknown): PathSet {
  const out = new Set<string>();
  const walk = (node: unknown, prefix: FieldPath) => {
    if (!node || typeof node !== "object") return;
    const entries = Object.entries(node as Obj);
    if (prefix.length && entries.length === 0) out.add(pathKey(prefix));
    for (const [pe, child] of entries) {
      if (pe === ".") out.add(pathKey(prefix));
      else walk(child, [...prefix, pe]);
    }
  };
  walk(fields, []);
  return out;
}
