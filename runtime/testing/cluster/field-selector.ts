/**
 * @module cluster/field-selector
 * Field selectors as k8s.io/apimachinery/pkg/fields parses them (`a=b`, `a==b`, `a!=b`, joined
 * by `,`, with `\` escapes), checked against the fields a resource supports. Every resource
 * supports `metadata.name` and `metadata.namespace`; others (pods' `status.phase`, ...) come
 * from the resource's definition. An unknown field is a 400 with the real message.
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
}

function splitTerms(input: string): string[] {
  const terms: string[] = [];
  let current = "";
  for (let i = 0; i < input.length; i++) {
    const ch = input[i]!;
    if (ch === "\\" && i + 1 < input.length) {
      current += ch + input[i + 1];
      i++;
    } else if (ch === ",") {
      terms.push(current);
      current = "";
    } else current += ch;
  }
  terms.push(current);
  return terms;
}

function unescape(value: string): string {
  return value.replace(/\\(.)/g, "$1");
}

/**
 * Parses `input` and checks each field against `fields`; throws a 400 `ApiError` as the server.
 *
 * @example
 * parseFieldSelector("status.phase!=Running", podFields);
 */
export function parseFieldSelector(input: string, fields: FieldSet): FieldTerm[] {
  const out: FieldTerm[] = [];
  if (input.trim() === "") return out;
  for (const term of splitTerms(input)) {
    const m = /^(.*?)(!=|==|=)(.*)$/s.exec(term);
    if (!m) throw badRequest(`invalid selector: '${input}'; can't understand '${term}'`);
    const field = m[1]!.trim();
    const value = unescape(m[3]!.trim());
    if (field !== "metadata.name" && field !== "metadata.namespace" && !(field in fields.extra)) {
      throw badRequest(fields.custom ? `field label not supported: ${field}` : `"${field}" is not a known field selector: only "metadata.name", "metadata.namespace"`);
    }
    out.push({ field, op: m[2] === "!=" ? "!=" : "=", value });
  }
  return out;
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
