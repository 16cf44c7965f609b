/**
 * @module cluster/crd-cel-values
 * A custom resource's data as the CEL values a 1.32 server gives its rules (apiserver
 * pkg/cel/common/values.go, schemas.go, escaping.go): integers as ints (bigint), numbers as
 * doubles, `format: byte` strings as bytes, `date`/`date-time` as timestamps (to the
 * millisecond: the library's timestamps are JavaScript dates), `duration` as durations,
 * int-or-string as either; an object's declared properties under their escaped
 * names (`foo-bar` is `foo__dash__bar`), null ones left out; an `additionalProperties` map by
 * its keys as they are; an object with neither (`x-kubernetes-preserve-unknown-fields`) without
 * fields. At the root and in an embedded resource, `metadata` is only `name` and `generateName`.
 */
import { celDuration, parseGoDuration, parseRfc3339 } from "./crd-cel-conversions.js";
import { strfmtUnitNanos } from "./crd-schema-formats.js";
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

/** A `format: duration` string as a duration (strfmt.ParseDuration): Go's syntax, else strfmt's other forms (units it does not know skipped, as it does) summed. */
function duration(text: string): unknown {
  let nanos = parseGoDuration(text);
  if (nanos === undefined) {
    let known = false;
    nanos = 0n;
    for (const m of text.matchAll(/(\d+)\s*([A-Za-z\u00b5]+)/g)) {
      const unit = strfmtUnitNanos(m[2]!);
      if (unit === undefined) continue;
      known = true;
      nanos += BigInt(m[1]!) * unit;
    }
    if (!known) return text;
  }
  return celDuration(nanos);
}

/**
 * A `date-time` as a timestamp (RFC 3339, `t` and `z` in either case, as the format check lets
 * through), to the millisecond (the library's timestamps are JavaScript dates).
 */
function timestamp(text: string): unknown {
  try {
    return parseRfc3339(text.toUpperCase()) ?? text;
  } catch {
    return text;
  }
}

function stringValue(s: CrdSchema, v: string): unknown {
  switch (s.format) {
    case "byte":
      return new Uint8Array(Buffer.from(v, "base64"));
    case "date":
      return /^\d{4}-\d{2}-\d{2}$/.test(v) ? timestamp(`${v}T00:00:00Z`) : v;
    case "date-time":
      return timestamp(v);
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
