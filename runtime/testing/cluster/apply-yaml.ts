/**
 * @module cluster/apply-yaml
 * An apply body read as 1.32's apply handler reads it: sigs.k8s.io/yaml over go-yaml v2, so
 * YAML 1.1 with v2's own scalars (`go-yaml-scalars`: `yes`/`no`/`on`/`off`/`y`/`n` booleans,
 * `0755` octal, `0x1F`/`0o17` ints, `1:20`, `1.2.3` and timestamps strings), a map key turned
 * into JSON's string as sigs.k8s.io/yaml does (`1`, `true`), and `.inf`/`.nan` the JSON encoder's
 * `unsupported value` error. A repeated key is allowed and the last one wins (yaml.Unmarshal); a
 * merge key (`<<`) sets its maps' keys over what the map has so far (a list of maps from its last
 * to its first, so the first wins) and keys after it override it. The errors yaml.UnmarshalStrict
 * reports for keys set again, merged ones included, are returned too, as go-yaml words them
 * (`line 7: key "k" already set in map`, the line where the repeated key's value starts) and in
 * its order (the errors inside a value before its key's own). `!!binary` is its decoded text, as
 * go-yaml gives it to an `interface{}`. `readYamlDocuments` reads each document of a stream the
 * same way, as `kubectl apply -f` does (podfn/testing's `--cluster-objects`).
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, parseDocument, type Document, type Node, type Tags } from "yaml";
import { goQuote } from "./crd-schema-go.js";
import { jsonMapKey, resolvePlainScalar, type GoScalar } from "./go-yaml-scalars.js";

/** The value an apply body holds, and go-yaml's strict errors for its repeated keys. */
export interface ApplyYaml {
  value: unknown;
  repeatedKeys: string[];
}

/** An apply body go-yaml reads but sigs.k8s.io/yaml cannot make JSON of; its message is the one after `error decoding YAML: `. */
export class ApplyYamlError extends Error {
  readonly code = "apply_yaml_invalid";
}

/** YAML 1.1's tags but the ones go-yaml v2 does not resolve a plain scalar to. */
const GO_YAML_V2_TAGS = (tags: Tags): Tags => tags.filter((t) => typeof t === "string" || (t.tag !== "tag:yaml.org,2002:timestamp" && t.format !== "TIME"));

type Obj = Record<string, unknown>;

/** A map being decoded: its JSON object and the Go keys set in it. */
interface GoMap {
  obj: Obj;
  keys: Set<string>;
}

/** Decodes a document's nodes as go-yaml v2 into `interface{}` and sigs.k8s.io/yaml to JSON. */
class Decoder {
  readonly repeatedKeys: string[] = [];
  private readonly open = new Set<unknown>();

  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** A scalar as go-yaml gives it: a plain one resolved as v2 does, a quoted or tagged one as read. */
  scalar(node: Node): GoScalar {
    if (isScalar(node) && node.type === "PLAIN" && node.tag === undefined) return resolvePlainScalar(String(node.source ?? ""));
    const value = isScalar(node) ? node.value : null;
    if (value === null || value === undefined) return { kind: "null", value: null };
    if (typeof value === "boolean") return { kind: "bool", value };
    if (typeof value === "number") return { kind: Number.isInteger(value) ? "int" : "float", value };
    if (value instanceof Uint8Array) return { kind: "string", value: Buffer.from(value).toString("utf8") };
    return { kind: "string", value: String(value) };
  }

  /** The JSON value of `node` (an alias decoded again where used; one inside itself is null). */
  value(node: unknown): unknown {
    if (node === null || node === undefined) return null;
    if (isMap(node)) {
      const map: GoMap = { obj: {}, keys: new Set() };
      this.fill(map, node);
      return map.obj;
    }
    if (isAlias(node) || isSeq(node)) {
      if (this.open.has(node)) return null;
      this.open.add(node);
      try {
        return isAlias(node) ? this.value(node.resolve(this.doc)) : node.items.map((item) => this.value(item));
      } finally {
        this.open.delete(node);
      }
    }
    const { value } = this.scalar(node as Node);
    if (typeof value === "number" && !Number.isFinite(value)) {
      throw new ApplyYamlError(`error converting YAML to JSON: json: unsupported value: ${Number.isNaN(value) ? "NaN" : value > 0 ? "+Inf" : "-Inf"}`);
    }
    return value;
  }

  /** decoder.mapping: each pair into `map` (a merge key's maps merged), setMapIndex's strict errors recorded. */
  private fill(map: GoMap, node: unknown): void {
    if (isAlias(node)) return this.fill(map, node.resolve(this.doc));
    if (this.open.has(node)) return;
    if (!isMap(node)) throw new ApplyYamlError("error converting YAML to JSON: yaml: map merge requires map or sequence of maps as the value");
    this.open.add(node);
    for (const pair of node.items) {
      const key = pair.key as Node | null;
      if (isScalar(key) && key.type === "PLAIN" && key.source === "<<") {
        this.merge(map, pair.value);
        continue;
      }
      const goKey = key === null ? ({ kind: "null", value: null } as GoScalar) : this.scalar(key);
      const value = this.value(pair.value);
      const id = `${goKey.kind}:${String(goKey.value)}`;
      if (map.keys.has(id)) {
        const at = (pair.value as Node | null)?.range?.[0] ?? key?.range?.[0] ?? 0;
        this.repeatedKeys.push(`line ${this.lines.linePos(at).line}: key ${printKey(goKey)} already set in map`);
      }
      map.keys.add(id);
      const jsonKey = jsonMapKey(goKey);
      if (jsonKey !== undefined) map.obj[jsonKey] = value;
    }
    this.open.delete(node);
  }

  /** decoder.merge: a map, or a list of maps decoded from its last to its first. */
  private merge(map: GoMap, node: unknown): void {
    const target = isAlias(node) ? node.resolve(this.doc) : node;
    if (isSeq(target)) {
      for (const item of [...target.items].reverse()) this.fill(map, item);
    } else this.fill(map, node);
  }
}

/** `%#v` of a decoded key: a string quoted, anything else as it prints. */
function printKey(key: GoScalar): string {
  if (key.kind === "string") return goQuote(key.value as string);
  return key.value === null ? "<nil>" : String(key.value);
}

/**
 * Parses an apply body (JSON being YAML too); throws the parser's error for one that is not YAML,
 * an `ApplyYamlError` for one sigs.k8s.io/yaml refuses.
 *
 * @example
 * readApplyYaml("data:\n  mode: 0755\n").value; // { data: { mode: 493 } }
 */
export function readApplyYaml(text: string): ApplyYaml {
  const lines = new LineCounter();
  return decodeDocument(parseDocument(text, { ...GO_YAML_V2, lineCounter: lines }), lines);
}

/**
 * Each document of a YAML stream as `readApplyYaml` reads one (kubectl apply -f's split and
 * sigs.k8s.io/yaml's conversion); throws the parser's error, or an `ApplyYamlError`, with the
 * document's index (from 0) in `documentIndex`.
 *
 * @example
 * readYamlDocuments("a: 0644\n---\nb: yes\n").map((d) => d.value); // [{ a: 420 }, { b: true }]
 */
export function readYamlDocuments(text: string): ApplyYaml[] {
  const lines = new LineCounter();
  return parseAllDocuments(text, { ...GO_YAML_V2, lineCounter: lines }).map((doc, i) => {
    try {
      return decodeDocument(doc, lines);
    } catch (error) {
      throw Object.assign(error as Error, { documentIndex: i });
    }
  });
}

const GO_YAML_V2 = { version: "1.1", uniqueKeys: false, customTags: GO_YAML_V2_TAGS } as const;

function decodeDocument(doc: Document, lines: LineCounter): ApplyYaml {
  if (doc.errors.length) throw doc.errors[0];
  const decoder = new Decoder(doc, lines);
  const value = decoder.value(doc.contents);
  return { value, repeatedKeys: decoder.repeatedKeys };
}
