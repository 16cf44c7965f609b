/**
 * @module cluster/apply-yaml
 * An apply body read as 1.32's apply handler reads it: sigs.k8s.io/yaml over go-yaml v2, so
 * YAML 1.1 — `yes`/`no`/`on`/`off`/`y`/`n` are booleans, `017` is octal — except that a
 * timestamp stays the text it is (v2 gives one to an `interface{}` as a string) and there are no
 * base-60 numbers (`1:20` is a string). A repeated key is allowed and the last one wins
 * (yaml.Unmarshal); the errors yaml.UnmarshalStrict reports for them are returned too, as
 * go-yaml words them (`line 7: key "k" already set in map`, the line where the repeated key's
 * value starts) and in its order (the errors inside a value before its key's own).
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Tags } from "yaml";
import { goQuote } from "./crd-schema-go.js";

/** The value an apply body holds, and go-yaml's strict errors for its repeated keys. */
export interface ApplyYaml {
  value: unknown;
  repeatedKeys: string[];
}

/** YAML 1.1's tags but the ones go-yaml v2 does not resolve a plain scalar to. */
const GO_YAML_V2_TAGS = (tags: Tags): Tags => tags.filter((t) => typeof t === "string" || (t.tag !== "tag:yaml.org,2002:timestamp" && t.format !== "TIME"));

/** `%#v` of a decoded key: a string quoted, anything else as it prints. */
function printKey(value: unknown): string {
  if (typeof value === "string") return goQuote(value);
  return value === null || value === undefined ? "<nil>" : String(value);
}

/** Walks `node` as go-yaml's decoder does, collecting setMapIndex's strict errors (aliases decoded again where used). */
function collectRepeated(doc: Document, node: unknown, lines: LineCounter, out: string[], open: Set<unknown>): void {
  if (open.has(node)) return;
  open.add(node);
  if (isAlias(node)) collectRepeated(doc, node.resolve(doc), lines, out, open);
  else if (isSeq(node)) for (const item of node.items) collectRepeated(doc, item, lines, out, open);
  else if (isMap(node)) {
    const seen = new Set<string>();
    for (const pair of node.items) {
      const key = pair.key as Node | null;
      // A merge key (`<<`) merges its value; it is no key of the map.
      if (isScalar(key) && key.source === "<<") continue;
      collectRepeated(doc, pair.value, lines, out, open);
      const value = isScalar(key) ? key.value : null;
      const id = `${typeof value}:${String(value)}`;
      if (seen.has(id)) {
        const at = (pair.value as Node | null)?.range?.[0] ?? key?.range?.[0] ?? 0;
        out.push(`line ${lines.linePos(at).line}: key ${printKey(value)} already set in map`);
      }
      seen.add(id);
    }
  }
  open.delete(node);
}

/** Parses an apply body (JSON being YAML too); throws the parser's error for one that is not YAML. */
export function readApplyYaml(text: string): ApplyYaml {
  const lines = new LineCounter();
  const doc = parseDocument(text, { version: "1.1", uniqueKeys: false, customTags: GO_YAML_V2_TAGS, lineCounter: lines });
  if (doc.errors.length) throw doc.errors[0];
  const repeatedKeys: string[] = [];
  collectRepeated(doc, doc.contents, lines, repeatedKeys, new Set());
  return { value: doc.toJS(), repeatedKeys };
}
