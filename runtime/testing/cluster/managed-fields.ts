/**
 * @module cluster/managed-fields
 * `metadata.managedFields` of a write: the writer (manager, version, subresource, time) and the
 * fields its strategy resets, handed to `field-ownership`, which tracks ownership field by field
 * as 1.32's field manager does (`field-sets`, `field-merge`, `apply-conflict`). Also the default
 * manager of a request (its User-Agent's first part) and `fieldSet`, the Update entry of an
 * object created from nothing, which the reviews' answers carry.
 */
import type { FieldPath } from "./field-paths.js";
import { applyWithOwnership, ownersAfterUpdate, type Write } from "./field-ownership.js";
import { rootType } from "./field-schema.js";
import { apiVersionOf, type ResourceDef } from "./resources.js";

type Obj = Record<string, any>;

/** One `managedFields` entry. */
export interface ManagedFieldsEntry {
  manager: string;
  operation: "Apply" | "Update";
  apiVersion: string;
  time?: string;
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

/** A write's manager, the version and subresource it writes through, and its time. */
export interface Writer {
  def: ResourceDef;
  manager: string;
  time: string;
  subresource?: string;
}

/**
 * The fields a write's strategy resets, which no one owns: a main resource's `status` when a
 * status subresource keeps it apart, and through `status` everything but status and metadata.
 */
function resetFields(writer: Writer, live: Obj | undefined, written: Obj): FieldPath[] {
  if (writer.subresource === "status") {
    const keys = new Set([...Object.keys(live ?? {}), ...Object.keys(written)]);
    return [...keys].filter((k) => !["status", "metadata", "apiVersion", "kind"].includes(k)).map((k) => [`f:${k}`]);
  }
  return !writer.subresource && writer.def.subresources?.includes("status") ? [["f:status"]] : [];
}

/**
 * `metadata.managedFields` after a write of `written` over `live` (undefined for a create), by
 * `field-ownership`: for an Apply, `applied` is the configuration (its conflicts were checked
 * before the write, see `apply`); an Update's sent managedFields are `written`'s.
 */
export function managedFieldsAfter(writer: Writer, live: Obj | undefined, written: Obj, operation: "Apply" | "Update", applied?: Obj): ManagedFieldsEntry[] {
  const write: Write = {
    type: rootType(writer.def),
    manager: writer.manager,
    apiVersion: apiVersionOf(writer.def),
    ...(writer.subresource ? { subresource: writer.subresource } : {}),
    time: writer.time,
    ignored: resetFields(writer, live, written),
  };
  if (operation === "Apply") return applyWithOwnership(write, live, applied ?? written, true, written).managedFields;
  return ownersAfterUpdate(write, live, written, written.metadata?.managedFields);
}

/** The writer of an apply to the main resource, as `managedFieldsAfter` takes it. */
export function applyWrite(writer: Writer, live: Obj | undefined): Write {
  return { type: rootType(writer.def), manager: writer.manager, apiVersion: apiVersionOf(writer.def), time: writer.time, ignored: resetFields(writer, live, {}) };
}

/** The default manager name for a request's User-Agent, as the server derives it (`kubectl-client-side-apply`, `curl`...). */
export function managerFromUserAgent(userAgent: string | undefined): string {
  const ua = userAgent ?? "";
  const first = ua.split("/")[0] ?? "";
  return first.length > 128 ? first.slice(0, 128) : first || "unknown";
}
