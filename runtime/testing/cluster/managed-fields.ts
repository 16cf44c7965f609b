/**
 * @module cluster/managed-fields
 * `metadata.managedFields` of a write: the writer (manager, version, subresource, time) and the
 * fields its strategy resets, handed to `field-ownership`, which tracks ownership field by field
 * as 1.32's field manager does (`field-sets`, `field-merge`, `apply-conflict`). Also the default
 * manager of a request (its User-Agent's first part).
 */
import type { FieldPath } from "./field-paths.js";
import { applyWithOwnership, ownersAfterUpdate, type Write } from "./field-ownership.js";
import { rootType } from "./field-schema.js";
import { apiVersionOf, BUILTIN, storedAs, type ResourceDef } from "./resources.js";

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

/** A write's manager, the version and subresource it writes through, and its time (none: its entry keeps the time it had). */
export interface Writer {
  def: ResourceDef;
  manager: string;
  time: string | undefined;
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
 * The apiVersions a built-in type's managers can be converted to: the versions served for its
 * storage (an Event's v1 and events.k8s.io/v1); undefined for a custom type (all kept).
 */
function convertibleVersions(def: ResourceDef): Set<string> | undefined {
  if (def.custom || def.crd) return undefined;
  const stored = storedAs(def);
  return new Set(BUILTIN.filter((d) => storedAs(d) === stored).map(apiVersionOf));
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
    versions: convertibleVersions(writer.def),
  };
  if (operation === "Apply") return applyWithOwnership(write, live, applied ?? written, true, written).managedFields;
  return ownersAfterUpdate(write, live, written, written.metadata?.managedFields);
}

/** The writer of an apply (of `applied`, to the main resource or a subresource), as `managedFieldsAfter` takes it. */
export function applyWrite(writer: Writer, live: Obj | undefined, applied: Obj = {}): Write {
  return {
    type: rootType(writer.def),
    manager: writer.manager,
    apiVersion: apiVersionOf(writer.def),
    ...(writer.subresource ? { subresource: writer.subresource } : {}),
    time: writer.time,
    ignored: resetFields(writer, live, applied),
    versions: convertibleVersions(writer.def),
  };
}

/** The default manager name for a request's User-Agent, as the server derives it (`kubectl-client-side-apply`, `curl`...). */
export function managerFromUserAgent(userAgent: string | undefined): string {
  const ua = userAgent ?? "";
  const first = ua.split("/")[0] ?? "";
  return first.length > 128 ? first.slice(0, 128) : first || "unknown";
}
