/**
 * @module cluster/owner-references
 * `metadata.ownerReferences` as 1.32 takes them: exact duplicates dropped with the handlers'
 * warning (dedupOwnerReferencesAndAddWarning: before admission for a create or update, after it
 * for a patch, each in its own words), then ValidateOwnerReferences' errors (an owner needs an
 * apiVersion with a version, a kind, a name and a uid; an Event may not own; one controller at
 * most). Values Go prints with `%#v` are rendered as it prints them, pointers as addresses.
 */
import type { Call } from "./call.js";
import type { FieldError } from "./status.js";
import { addWarning } from "./warnings.js";

type Obj = Record<string, any>;

const FIELD = "metadata.ownerReferences";
const DEDUP_WARNING = ".metadata.ownerReferences contains duplicate entries; API server dedups owner references in 1.20+, and may reject such requests as early as 1.24; please fix your requests.";
const DEDUP_AFTER_ADMISSION_WARNING =
  ".metadata.ownerReferences contains duplicate entries after mutating admission happens; API server dedups owner references in 1.20+, and may reject such requests as early as 1.24; please fix your requests.";

/** Semantic equality of two references as decoded (absent and null pointers alike). */
function sameReference(a: Obj, b: Obj): boolean {
  for (const k of ["apiVersion", "kind", "name", "uid", "controller", "blockOwnerDeletion"]) if ((a[k] ?? null) !== (b[k] ?? null)) return false;
  return true;
}

/**
 * Drops the references equal in every field to an earlier one (one sharing only its uid is
 * kept), warning with the duplicates' uids. Changes `obj` in place.
 */
export function dedupOwnerReferences(call: Call, obj: Obj): void {
  const refs = obj.metadata?.ownerReferences;
  if (!Array.isArray(refs) || refs.length < 2) return;
  const kept: Obj[] = [];
  const duplicates: string[] = [];
  // By uid first, as upstream: whole references are compared only among those sharing one.
  const byUid = new Map<string, Obj[]>();
  for (const ref of refs) {
    if (!ref || typeof ref !== "object") {
      kept.push(ref);
      continue;
    }
    const uid = String(ref.uid ?? "");
    const same = byUid.get(uid);
    if (same?.some((k) => sameReference(k, ref))) duplicates.push(uid);
    else {
      kept.push(ref);
      if (same) same.push(ref);
      else byUid.set(uid, [ref]);
    }
  }
  if (!duplicates.length) return;
  const text = call.info.verb === "patch" ? DEDUP_AFTER_ADMISSION_WARNING : DEDUP_WARNING;
  addWarning(call, `${text} Duplicate UIDs: ${JSON.stringify(duplicates.join(", "))}`);
  obj.metadata.ownerReferences = kept;
}

/** Go's `%#v` of a *bool: nil, or an address (any address: Go's differs on every request). */
function boolPointer(value: unknown, slot: number): string {
  return typeof value === "boolean" ? `(*bool)(0xc000${(0x5a0000 + slot * 0x18).toString(16)})` : "(*bool)(nil)";
}

/** Go's `%#v` of one metav1.OwnerReference. */
export function goReference(ref: Obj, index: number): string {
  const str = (v: unknown) => JSON.stringify(typeof v === "string" ? v : "");
  return (
    `v1.OwnerReference{APIVersion:${str(ref.apiVersion)}, Kind:${str(ref.kind)}, Name:${str(ref.name)}, UID:${str(ref.uid)}, ` +
    `Controller:${boolPointer(ref.controller, 2 * index)}, BlockOwnerDeletion:${boolPointer(ref.blockOwnerDeletion, 2 * index + 1)}}`
  );
}

/** schema.FromAPIVersionAndKind's group and version (a version of more than one slash parses to none). */
export function groupVersion(apiVersion: string): { group: string; version: string } {
  const parts = apiVersion.split("/");
  if (apiVersion === "" || parts.length > 2) return { group: "", version: "" };
  return parts.length === 1 ? { group: "", version: parts[0]! } : { group: parts[0]!, version: parts[1]! };
}

/** ValidateOwnerReferences, at `metadata.ownerReferences` (never indexed, as there). */
export function ownerReferenceErrors(refs: unknown): FieldError[] {
  if (!Array.isArray(refs)) return [];
  const errors: FieldError[] = [];
  let firstController = "";
  let list: string | undefined;
  refs.forEach((raw, index) => {
    const ref: Obj = raw && typeof raw === "object" ? raw : {};
    const apiVersion = typeof ref.apiVersion === "string" ? ref.apiVersion : "";
    const kind = typeof ref.kind === "string" ? ref.kind : "";
    const { group, version } = groupVersion(apiVersion);
    if (!version) errors.push({ type: "Invalid", field: `${FIELD}.apiVersion`, value: apiVersion, detail: "version must not be empty" });
    if (!kind) errors.push({ type: "Invalid", field: `${FIELD}.kind`, value: kind, detail: "must not be empty" });
    if (!ref.name) errors.push({ type: "Invalid", field: `${FIELD}.name`, value: ref.name ?? "", detail: "must not be empty" });
    if (!ref.uid) errors.push({ type: "Invalid", field: `${FIELD}.uid`, value: ref.uid ?? "", detail: "must not be empty" });
    if (group === "" && version === "v1" && kind === "Event") {
      errors.push({ type: "Invalid", field: FIELD, rendered: goReference(ref, index), detail: "/v1, Kind=Event is disallowed from being an owner" });
    }
    if (ref.controller === true) {
      const current = `${kind}/${ref.name ?? ""}`;
      if (!firstController) firstController = current;
      else {
        // Each error prints the whole list, as upstream's; made once.
        list ??= `[]v1.OwnerReference{${refs.map((r, i) => goReference(r && typeof r === "object" ? r : {}, i)).join(", ")}}`;
        errors.push({ type: "Invalid", field: FIELD, rendered: list, detail: `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}` });
      }
    }
  });
  return errors;
}
