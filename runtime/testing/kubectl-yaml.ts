/**
 * @module testing/kubectl-yaml
 * YAML read as `kubectl apply -f` reads it: sigs.k8s.io/yaml, which is go-yaml v2's YAML 1.1
 * (its `resolve.go`), not the YAML 1.2 core schema the `yaml` package defaults to. A plain
 * scalar means what it means to kubectl: `yes`, `no`, `on`, `off`, `y`, `n` (any of their
 * cases go-yaml lists) are booleans; `0777` is octal (511), `0x1F`, `0o17`, `0b101` and `1_000`
 * integers; a timestamp (`2024-01-02`) stays its text (go-yaml v2 gives one to an `interface{}`
 * as a string); what go-yaml does not take stays a string, where the `yaml` package's YAML 1.1
 * differs: base-60 numbers (`1:20`), words its float patterns catch (`e5`, `.`), `0o17` (15).
 * `!!binary` is the decoded text, and `<<` merge keys merge.
 */
import type { CollectionTag, DocumentOptions, ParseOptions, ScalarTag, SchemaOptions, Tags } from "yaml";

/** go-yaml's resolve map entries that start with a digit, a sign or a dot (its words are the 1.1 schema's bool and null tags). */
const SPECIAL: Record<string, number> = {
  ".nan": Number.NaN, ".NaN": Number.NaN, ".NAN": Number.NaN,
  ".inf": Infinity, ".Inf": Infinity, ".INF": Infinity,
  "+.inf": Infinity, "+.Inf": Infinity, "+.INF": Infinity,
  "-.inf": -Infinity, "-.Inf": -Infinity, "-.INF": -Infinity,
};

/** Go's strconv.ParseInt(s, 0, 64) syntax (a sign, then a 0x, 0o, 0b or 0 prefix, or decimal). */
const GO_INT = /^([-+]?)(?:0[xX]([0-9a-fA-F]+)|0[oO]([0-7]+)|0[bB]([01]+)|0([0-7]*)|([1-9][0-9]*))$/;
/** go-yaml's `yamlStyleFloat`. */
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
/** What Go's strconv.ParseFloat takes of a scalar starting with a dot (go-yaml's `.` hint). */
const DOT_FLOAT = /^\.[0-9]+([eE][-+]?[0-9]+)?$/;

/** Go's ParseInt(s, 0, 64), else ParseUint(s, 0, 64), as a number; undefined where both fail. */
function goInteger(plain: string): number | undefined {
  const m = GO_INT.exec(plain);
  if (!m) return undefined;
  const [, sign, hex, octal, binary, leadingZero, decimal] = m;
  const magnitude = hex !== undefined ? BigInt(`0x${hex}`) : octal !== undefined ? BigInt(`0o${octal}`) : binary !== undefined ? BigInt(`0b${binary}`) : leadingZero !== undefined ? (leadingZero === "" ? 0n : BigInt(`0o${leadingZero}`)) : BigInt(decimal!);
  const value = sign === "-" ? -magnitude : magnitude;
  const fits = value >= -(2n ** 63n) && (value < 2n ** 63n || (sign === "" && value < 2n ** 64n));
  return fits ? Number(value) : undefined;
}

/** A plain scalar starting with a digit, a sign or a dot, resolved as go-yaml v2's `resolve()` does. */
export function resolveGoPlain(text: string): unknown {
  if (Object.hasOwn(SPECIAL, text)) return SPECIAL[text];
  if (text.startsWith(".")) return DOT_FLOAT.test(text) ? Number(text) : text;
  // A timestamp (2024-01-02) is resolved, then given to an interface{} as its text: no number parses it either.
  const plain = text.replaceAll("_", "");
  const integer = goInteger(plain);
  if (integer !== undefined) return integer;
  if (YAML_STYLE_FLOAT.test(plain)) return Number(plain);
  return text;
}

/** Every plain scalar go-yaml gives a hint to (a digit, `+`, `-` or `.` first): resolved by `resolveGoPlain`, whatever it comes to. */
const goPlain: ScalarTag = {
  tag: "tag:podfn.dev,2026:go-yaml-plain",
  default: true,
  test: /^[-+.0-9]/,
  resolve: resolveGoPlain,
  identify: () => false,
};

/** `!!binary` as go-yaml gives it: the decoded bytes as a string. */
const binary: ScalarTag = {
  tag: "tag:yaml.org,2002:binary",
  identify: () => false,
  resolve: (text: string) => Buffer.from(text.replace(/\s+/g, ""), "base64").toString("utf8"),
};

/**
 * The 1.1 scalar tags `goPlain` stands in for, kept for an explicit tag (`!!int "0x10"`): each
 * matches only what starts as `goPlain`'s do, which `goPlain` takes first when untagged (the
 * float exponent pattern took `e5` to NaN).
 */
const EXPLICIT_ONLY = new Set(["tag:yaml.org,2002:int", "tag:yaml.org,2002:float"]);
const explicitOnly = (tag: ScalarTag): ScalarTag => (tag.test ? { ...tag, test: new RegExp(`(?=^[-+.0-9])${tag.test.source}`, tag.test.flags) } : tag);
/**
 * The 1.1 tags go-yaml has no equivalent of: timestamps (go-yaml v2 gives one to an `interface{}`
 * as its text), ordered and set types (their collections read as plain ones); and `!!binary`,
 * replaced here.
 */
const LEFT_OUT = new Set(["tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:binary", "tag:yaml.org,2002:omap", "tag:yaml.org,2002:pairs", "tag:yaml.org,2002:set"]);

/**
 * `parseAllDocuments` options for YAML as kubectl reads it.
 *
 * @example
 * parseAllDocuments(text, KUBECTL_YAML).map((doc) => doc.toJS());
 */
export const KUBECTL_YAML: ParseOptions & DocumentOptions & SchemaOptions = {
  version: "1.1",
  merge: true,
  customTags: (tags: Tags): Tags => [
    goPlain,
    ...(tags as readonly (ScalarTag | CollectionTag)[]).flatMap((t) => (LEFT_OUT.has(t.tag) ? [] : EXPLICIT_ONLY.has(t.tag) ? [explicitOnly(t as ScalarTag)] : [t])),
    binary,
  ],
};
