/**
 * @module cluster/field-selector
 * Field selectors as k8s.io/apimachinery/pkg/fields parses them (`a=b`, `a==b`, `a!=b`, joined
 * by `,`, with `\` escapes, nothing trimmed), then converted as the resource's field label
 * conversion does. Every resource supports `metadata.name`, most `metadata.namespace`; others
 * (pods' `status.phase`, ...) come from the resource's definition. An unknown field is a 400 with
 * the real message.
 */
import { badRequest } from "./status.js";

/** One term: `field op value`. */
export interface FieldTerm {
  field: string;
  op: "=" | "!=";
  value: string;
}

/** Reads a field of an object as the selector compares it ("" when absent). */
export type FieldGetter = (obj: Record<string, unknown>) => string;

/** The supported fields of a resource: `metadata.*` plus `extra`. */
export interface FieldSet {
  extra: Record<string, FieldGetter>;
  /** True when the resource registers its own field label conversion (then errors read `field label not supported: X`). */
  custom: boolean;
  /** False when the conversion does not list `metadata.namespace` (Nodes, Namespaces, cluster-scoped custom resources). */
  namespace?: boolean;
  /** Labels the conversion renames: pods' `spec.host` is `spec.nodeName` (for old v1 clients). */
  aliases?: Record<string, string>;
}

/** Go's sort.Strings: byte-wise order of the UTF-8 encoding. */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** splitTerms: split on commas not escaped by a backslash (the backslash stays). */
function splitTerms(input: string): string[] {
  if (input === "") return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < input.length; i++) {
    const ch = input[i]!;
    if (inSlash) inSlash = false;
    else if (ch === "\\") inSlash = true;
    else if (ch === ",") {
      terms.push(input.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(input.slice(start));
  return terms;
}

/** splitTerm: the first `!=`, `==` or `=` (tried in that order at each position) splits; no trimming. */
function splitTerm(term: string): [string, "!=" | "==" | "=", string] | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of ["!=", "==", "="] as const) {
      if (term.startsWith(op, i)) return [term.slice(0, i), op, term.slice(i + op.length)];
    }
  }
  return undefined;
}

/** UnescapeValue: `\\`, `\,` and `\=` unescape; any other escape, or a bare `,` or `=`, is an error. */
function unescapeValue(value: string): string {
  let out = "";
  let inSlash = false;
  for (const ch of value) {
    if (inSlash) {
      if (ch !== "\\" && ch !== "," && ch !== "=") throw badRequest(`invalid field selector: invalid escape sequence: \\${ch}`);
      out += ch;
      inSlash = false;
    } else if (ch === "\\") inSlash = true;
    // UnescapedRune prints its rune with %v: the code point's number (61 for '=').
    else if (ch === "," || ch === "=") throw badRequest(`invalid field selector: unescaped character in value: ${ch.codePointAt(0)}`);
    else out += ch;
  }
  if (inSlash) throw badRequest("invalid field selector: invalid escape sequence: \\");
  return out;
}

/** The resource's field label conversion: the label it selects on, or the 400 it answers. */
function convertLabel(label: string, fields: FieldSet): string {
  const alias = fields.aliases?.[label];
  if (alias !== undefined) return alias;
  if (label === "metadata.name" || (label === "metadata.namespace" && fields.namespace !== false) || Object.hasOwn(fields.extra, label)) return label;
  // DefaultMetaV1FieldSelectorConversion quotes with %q (JSON's quoting for printable text).
  throw badRequest(fields.custom ? `field label not supported: ${label}` : `${JSON.stringify(label)} is not a known field selector: only "metadata.name", "metadata.namespace"`);
}

/**
 * Parses `input` as fields.ParseSelector does (terms sorted, each split and its value
 * unescaped), then converts each label as the resource's conversion does, in that order; throws
 * a 400 `ApiError` with the first error, as the server answers it.
 *
 * @example
 * parseFieldSelector("status.phase!=Running", podFields);
 */
export function parseFieldSelector(input: string, fields: FieldSet): FieldTerm[] {
  return parseFieldTerms(input).map((t) => ({ ...t, field: convertLabel(t.field, fields) }));
}

/**
 * fields.ParseSelector alone (no field label conversion): the terms in sorted order, `==` read
 * as `=`; throws the 400 `ApiError` of its first error.
 */
export function parseFieldTerms(input: string): FieldTerm[] {
  const parsed: FieldTerm[] = [];
  for (const part of splitTerms(input).sort(byteOrder)) {
    if (part === "") continue;
    const split = splitTerm(part);
    if (!split) throw badRequest(`invalid selector: '${input}'; can't understand '${part}'`);
    const [field, op, raw] = split;
    parsed.push({ field, op: op === "!=" ? "!=" : "=", value: unescapeValue(raw) });
  }
  return parsed;
}

/** Whether `obj` satisfies every term. */
export function matchFields(terms: FieldTerm[], obj: Record<string, unknown>, fields: FieldSet): boolean {
  for (const t of terms) {
    const meta = obj.metadata as { name?: string; namespace?: string } | undefined;
    const actual =
      t.field === "metadata.name" ? (meta?.name ?? "") : t.field === "metadata.namespace" ? (meta?.namespace ?? "") : fields.extra[t.field]!(obj);
    if ((actual === t.value) !== (t.op === "=")) return false;
  }
  return true;
}

/** A getter for a dotted path (`spec.nodeName`), rendering booleans and numbers as Go does. */
export function path(dotted: string): FieldGetter {
  const keys = dotted.split(".");
  return function getField(obj) {
    let v: unknown = obj;
    for (const k of keys) v = v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined;
    return v === undefined || v === null ? "" : String(v);
  };
}
