/**
 * @module cluster/pod-security/check-result
 * What the Pod Security checks share (pod-security-admission policy/checks.go, helpers.go,
 * visitor.go): a check's result, their aggregation into one message (`reason (detail), ...` in
 * the evaluator's order), the container visit (init containers, containers, then ephemeral
 * containers) and the message helpers (`joinQuote`, `pluralize`, a set's sorted list).
 */

export type Obj = Record<string, any>;

/** A check's answer: allowed, or the reason and its optional detail. */
export interface CheckResult {
  allowed: boolean;
  reason?: string;
  detail?: string;
}

/** A check of one policy version: the pod's metadata and spec (or a template's). */
export type CheckPod = (meta: Obj, spec: Obj) => CheckResult;

export const ALLOWED: CheckResult = { allowed: true };

export function forbidden(reason: string, detail = ""): CheckResult {
  return { allowed: false, reason, detail };
}

/** AggregateCheckResult: the reasons and details of the checks that forbade the pod, in order. */
export interface Aggregate {
  allowed: boolean;
  reasons: string[];
  details: string[];
}

/** AggregateCheckResults (a reason left empty is `unknown forbidden reason`). */
export function aggregate(results: readonly CheckResult[]): Aggregate {
  const reasons: string[] = [];
  const details: string[] = [];
  for (const r of results) {
    if (r.allowed) continue;
    reasons.push(r.reason || "unknown forbidden reason");
    details.push(r.detail ?? "");
  }
  return { allowed: reasons.length === 0, reasons, details };
}

/** ForbiddenReason: the reasons joined with `, `. */
export function forbiddenReason(a: Aggregate): string {
  return a.reasons.join(", ");
}

/** ForbiddenDetail: each reason with its detail in parentheses, joined with `, `. */
export function forbiddenDetail(a: Aggregate): string {
  return a.reasons.map((r, i) => (a.details[i] ? `${r} (${a.details[i]})` : r)).join(", ");
}

/** `"a", "b"`. */
export function joinQuote(items: readonly string[]): string {
  return items.length === 0 ? "" : `"${items.join('", "')}"`;
}

export function pluralize(singular: string, plural: string, count: number): string {
  return count === 1 ? singular : plural;
}

/** sets.String's List(): distinct and sorted (Go's byte order). */
export function sortedSet(items: Iterable<string>): string[] {
  return [...new Set(items)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** `container "a"` or `containers "a", "b"`. */
export function containersText(names: readonly string[]): string {
  return `${pluralize("container", "containers", names.length)} ${joinQuote(names)}`;
}

/** visitContainers: init containers, containers, then ephemeral containers, each once. */
export function containers(spec: Obj): Obj[] {
  const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter((c): c is Obj => c !== null && typeof c === "object") : []);
  return [...list(spec.initContainers), ...list(spec.containers), ...list(spec.ephemeralContainers)];
}

/** A container's name as Go reads it (a missing one is ""). */
export function nameOf(c: Obj): string {
  return typeof c.name === "string" ? c.name : "";
}

/** A container's securityContext (or `undefined`). */
export function sc(o: Obj | undefined): Obj | undefined {
  const v = o?.securityContext;
  return v !== null && typeof v === "object" ? (v as Obj) : undefined;
}

/** The object at `key` of `o`, when it is one (a JSON null is Go's nil pointer). */
export function child(o: Obj | undefined, key: string): Obj | undefined {
  const v = o?.[key];
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : undefined;
}

/** The pod spec asks for Windows (`spec.os.name: windows`): the 1.25 checks skip Linux-only fields. */
export function isWindows(spec: Obj): boolean {
  return child(spec, "os")?.name === "windows";
}

/** Go's `%q` of a string (strconv.Quote: a non-printable rune escaped as Go escapes it, not as JSON does). */
export { goQuote } from "../crd-schema-go.js";
