/**
 * @module cluster/crd-cel-fieldpath
 * A rule's `fieldPath` as apiextensions' `ValidFieldPath` reads it (schema/cel/validation.go):
 * `.name` and `['name']` steps only (single quotes; no list index), each a property where the
 * node has `properties` (`Child`: `a.b`) or a map key where it has `additionalProperties`
 * (`Key`: `a[k]`). The path text is what a false rule's error appends to its node's path.
 */
import { additional, property, type CrdSchema } from "./crd-schema-node.js";

/** Go's escapes in a single-quoted step (`unescapeSingleQuote`). */
const ESCAPES: Record<string, string> = { a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "'": "'", "\\": "\\" };

/** The tokens: `.`, `[`, `]`, and the text between (a single-quoted string kept whole). */
function tokens(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "." || c === "[" || c === "]") {
      out.push(c);
      i++;
    } else if (c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== "'") j += text[j] === "\\" ? 2 : 1;
      out.push(text.slice(i, j + 1));
      i = j + 1;
    } else {
      let j = i;
      while (j < text.length && !".[]".includes(text[j]!)) j++;
      out.push(text.slice(i, j));
      i = j;
    }
  }
  return out;
}

/**
 * The path `fieldPath` names under `s`, as `field.Path` prints it (`a.b`, `m[k]`), or
 * `undefined` when it is no valid path there.
 *
 * @example
 * fieldPathUnder(schema, ".limits['cpu']"); // "limits[cpu]"
 */
export function fieldPathUnder(s: CrdSchema, fieldPath: string): string | undefined {
  const toks = tokens(fieldPath);
  let at: CrdSchema | undefined = s;
  let path = "";
  const step = (name: string): boolean => {
    if (!at) return false;
    if (at.properties) {
      const next = property(at, name);
      if (!next) return false;
      path += path === "" ? name : `.${name}`;
      at = next;
      return true;
    }
    const more = additional(at);
    if (!more.present) return false;
    path += `[${name}]`;
    at = more.schema;
    return true;
  };
  for (let i = 0; i < toks.length; i++) {
    const tok = toks[i]!;
    if (tok === ".") {
      const name = toks[++i];
      if (name === undefined || !step(name)) return undefined;
    } else if (tok === "[") {
      const quoted = toks[++i];
      if (quoted === undefined || quoted.length < 2 || !quoted.startsWith("'") || !quoted.endsWith("'")) return undefined;
      let bad = false;
      const name = quoted.slice(1, -1).replace(/\\(.)/g, (_, c: string) => ESCAPES[c] ?? ((bad = true), ""));
      if (bad || !step(name) || toks[++i] !== "]") return undefined;
    } else return undefined;
  }
  return path === "" ? undefined : path;
}
