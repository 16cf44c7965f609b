/**
 * @module cluster/crd-cel-values
 * A custom resource's data as the CEL values a 1.32 server gives its rules (apiserver
 * pkg/cel/common/values.go, schemas.go, escaping.go): integers as ints (bigint), numbers as
 * doubles, `format: byte` strings as bytes, `date`/`date-time` as timestamps, `duration` as
 * durations, int-or-string as either; an object's declared properties under their escaped
 * names (`foo-bar` is `foo__dash__bar`), null ones left out; an `additionalProperties` map by
 * its keys as they are; an object with neither (`x-kubernetes-preserve-unknown-fields`) without
 * fields. At the root and in an embedded resource, `metadata` is only `name` and `generateName`.
 */
import { celLibrary } from "./crd-cel-library.js";
import { additional, isObject, itemsOf, property, type CrdSchema, type Obj } from "./crd-schema-node.js";

const RESERVED = new Set(["true", "false", "null", "in", "as", "break", "const", "continue", "else", "for", "function", "if", "import", "let", "loop", "package", "namespace", "return", "var", "void", "while"]);

/**
 * A property's name as CEL sees it (escaping.go `Escape`), or `undefined` when it cannot be
 * (empty, starting with a digit, or with a character outside `[a-zA-Z0-9_./-]`).
 */
export function escapeProperty(name: string): string | undefined {
  if (name === "" || /^[0-9]/.test(name)) return undefined;
  if (RESERVED.has(name)) return `__${name}__`;
  if (!/^[a-zA-Z0-9_./-]+$/.test(name)) return undefined;
  return name.replace(/__|[-./]/g, (m) => (m === "__" ? "__underscores__" : m === "." ? "__dot__" : m === "-" ? "__dash__" : "__slash__"));
}

let conversions: { timestamp: (c: { s: string }) => unknown; duration: (c: { s: string }) => unknown } | undefined;

/** A string's value through CEL's own conversion (`timestamp(s)`, `duration(s)`); the string itself when it does not convert. */
function converted(fn: "timestamp" | "duration", text: string): unknown {
  if (!conversions) {
    const env = new (celLibrary().Environment)({ unlistedVariablesAreDyn: false }).registerVariable("s", "string");
    conversions = { timestamp: env.parse("timestamp(s)"), duration: env.parse("duration(s)") };
  }
  try {
    return conversions[fn]({ s: text });
  } catch {
    return text;
  }
}

/** Seconds in each unit strfmt.ParseDuration takes beyond Go's (`1d`, `2 weeks`, `5 minutes`), by the start of its name. */
const UNIT_SECONDS: [string[], number][] = [
  [["ns", "nano"], 1e-9],
  [["us", "\u00b5s", "micro"], 1e-6],
  [["ms", "milli"], 1e-3],
  [["s", "sec"], 1],
  [["m", "min"], 60],
  [["h", "hr", "hour"], 3600],
  [["d", "day"], 86400],
  [["w", "wk", "week"], 604800],
];

/** A `format: duration` string as a duration: Go's syntax as is, strfmt's other forms converted to seconds first. */
function duration(text: string): unknown {
  const direct = converted("duration", text);
  if (direct !== text) return direct;
  let seconds = 0;
  for (const m of text.matchAll(/(\d+)\s*([A-Za-z\u00b5]+)/g)) {
    const unit = m[2]!.toLowerCase();
    const found = UNIT_SECONDS.find(([names]) => names.some((n, i) => n === unit || (i === names.length - 1 && unit.startsWith(n))));
    if (!found) return text;
    seconds += Number(m[1]) * found[1];
  }
  return converted("duration", `${seconds}s`);
}

function stringValue(s: CrdSchema, v: string): unknown {
  switch (s.format) {
    case "byte":
      return new Uint8Array(Buffer.from(v, "base64"));
    case "date":
      return converted("timestamp", `${v}T00:00:00Z`);
    case "date-time":
      return converted("timestamp", v);
    case "duration":
      return duration(v);
    default:
      return v;
  }
}

/** The metadata a rule sees at a resource's root: name and generateName. */
function rootMetadata(meta: unknown): Obj | undefined {
  if (!isObject(meta)) return undefined;
  const out: Obj = {};
  if (typeof meta.name === "string") out.name = meta.name;
  if (typeof meta.generateName === "string") out.generateName = meta.generateName;
  return out;
}

/**
 * `value` (JSON, already pruned and defaulted) as the CEL value of schema `s`; `undefined` for
 * null (a rule never sees one: its property is absent). `resource`: the schema is a resource's
 * root or an embedded resource.
 */
export function celValue(s: CrdSchema | undefined, value: unknown, resource = false): unknown {
  if (value === null || value === undefined) return undefined;
  if (s?.["x-kubernetes-int-or-string"]) return typeof value === "number" && Number.isInteger(value) ? BigInt(value) : value;
  if (typeof value === "number") return s?.type === "integer" && Number.isInteger(value) ? BigInt(value) : value;
  if (typeof value === "string") return s ? stringValue(s, value) : value;
  if (typeof value === "boolean") return value;
  if (Array.isArray(value)) {
    const items = s ? itemsOf(s) : undefined;
    return value.map((v) => (v === null ? null : celValue(items, v, items?.["x-kubernetes-embedded-resource"] === true)));
  }
  if (!isObject(value)) return value;
  const out: Obj = {};
  const isResource = resource || s?.["x-kubernetes-embedded-resource"] === true;
  if (s?.properties || isResource) {
    for (const [k, v] of Object.entries(value)) {
      if (isResource && k === "metadata") {
        const meta = rootMetadata(v);
        if (meta) out.metadata = meta;
        continue;
      }
      const child = s ? property(s, k) : undefined;
      const name = escapeProperty(k);
      if (name === undefined || (!child && !(isResource && (k === "apiVersion" || k === "kind")))) continue;
      const cv = celValue(child, v, child?.["x-kubernetes-embedded-resource"] === true);
      if (cv !== undefined) out[name] = cv;
    }
    return out;
  }
  const more = s ? additional(s) : { present: false };
  if (more.present) {
    for (const [k, v] of Object.entries(value)) {
      const cv = celValue(more.schema, v, more.schema?.["x-kubernetes-embedded-resource"] === true);
      if (cv !== undefined) out[k] = cv;
    }
  }
  return out;
}
