/**
 * @module cluster/managed-fields
 * A simplified `metadata.managedFields`: one entry per manager and operation, whose
 * `fieldsV1` lists the fields the manager's last write set (keyed list items as
 * `k:{"name":...}`, maps with `"."`). The real server tracks ownership field by field and
 * merges sets across writes; here the latest write of a manager replaces its set, and apply
 * conflicts are not detected (see the `patch` module).
 */
type Obj = Record<string, any>;

/** One `managedFields` entry. */
export interface ManagedFieldsEntry {
  manager: string;
  operation: "Apply" | "Update";
  apiVersion: string;
  time: string;
  fieldsType: "FieldsV1";
  fieldsV1: Obj;
  subresource?: string;
}

const SKIPPED_META = new Set(["name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields", "selfLink"]);

function setOf(value: unknown): Obj {
  if (Array.isArray(value)) {
    const out: Obj = {};
    for (const item of value) {
      if (item && typeof item === "object" && typeof (item as Obj).name === "string") {
        out[`k:${JSON.stringify({ name: (item as Obj).name })}`] = { ".": {}, ...setOf(item) };
      } else if (item !== null && typeof item !== "object") {
        out[`v:${JSON.stringify(item)}`] = {};
      } else return {};
    }
    return out;
  }
  if (value && typeof value === "object") {
    const out: Obj = {};
    for (const [k, v] of Object.entries(value as Obj)) {
      if (v === null || v === undefined) continue;
      out[`f:${k}`] = setOf(v);
    }
    return out;
  }
  return {};
}

/** The field set of an object as its writer sent it (status and server-owned metadata left out). */
export function fieldSet(obj: Obj): Obj {
  const out: Obj = {};
  const meta: Obj = {};
  for (const [k, v] of Object.entries((obj.metadata ?? {}) as Obj)) {
    if (SKIPPED_META.has(k) || v === null || v === undefined) continue;
    meta[`f:${k}`] = k === "labels" || k === "annotations" ? { ".": {}, ...setOf(v) } : setOf(v);
  }
  if (Object.keys(meta).length) out["f:metadata"] = meta;
  for (const [k, v] of Object.entries(obj)) {
    if (k === "kind" || k === "apiVersion" || k === "metadata" || k === "status" || v === null || v === undefined) continue;
    out[`f:${k}`] = k === "data" || k === "stringData" || k === "binaryData" ? { ".": {}, ...setOf(v) } : setOf(v);
  }
  return out;
}

/**
 * Records a write by `manager` in `managedFields`: replaces that manager's entry for the same
 * operation and subresource, or appends one. An empty field set leaves no entry.
 */
export function recordManager(existing: ManagedFieldsEntry[] | undefined, entry: ManagedFieldsEntry): ManagedFieldsEntry[] {
  const others = (existing ?? []).filter((e) => !(e.manager === entry.manager && e.operation === entry.operation && (e.subresource ?? "") === (entry.subresource ?? "")));
  return Object.keys(entry.fieldsV1).length ? [...others, entry] : others;
}

/** The default manager name for a request's User-Agent, as the server derives it (`kubectl-client-side-apply`, `curl`...). */
export function managerFromUserAgent(userAgent: string | undefined): string {
  const ua = userAgent ?? "";
  const first = ua.split("/")[0] ?? "";
  return first.length > 128 ? first.slice(0, 128) : first || "unknown";
}
