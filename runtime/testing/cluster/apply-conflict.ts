/**
 * @module cluster/apply-conflict
 * The 409 of a server-side apply that would change fields another manager owns, as 1.32's
 * fieldmanager words it (managedfields/internal/conflict.go NewConflictError, with
 * structured-merge-diff's paths): `Apply failed with 1 conflict: conflict with "m": .data.k`, or
 * with N of them `Apply failed with N conflicts: conflicts with "m":\n- .a\n- .b` (managers
 * sorted, each manager's paths in set order); one FieldManagerConflict cause per field, and no
 * name, group or kind in the details (apierrors.NewApplyConflict). A manager is printed as
 * printManager prints its identifier: `"m"`, `"m" with subresource "status"`, and an Update
 * manager `"m" using v1` (its apiVersion; the identifier has no time).
 */
import { pathString, sortedPaths, type PathSet } from "./field-paths.js";
import { ApiError, failure } from "./status.js";

/** A manager whose fields the apply would take, and those fields. */
export interface ConflictingManager {
  manager: string;
  operation: "Apply" | "Update";
  apiVersion: string;
  subresource?: string;
  fields: PathSet;
}

/** printManager. */
function printManager(m: ConflictingManager): string {
  let out = JSON.stringify(m.manager);
  if (m.subresource) out += ` with subresource ${JSON.stringify(m.subresource)}`;
  return m.operation === "Update" ? `${out} using ${m.apiVersion}` : out;
}

/** BuildManagerIdentifier: the entry's JSON without fields and time, an Apply's without apiVersion. */
export function managerIdentifier(m: Omit<ConflictingManager, "fields">): string {
  const apiVersion = m.operation === "Update" ? { apiVersion: m.apiVersion } : {};
  return JSON.stringify({ manager: m.manager, operation: m.operation, ...apiVersion, ...(m.subresource ? { subresource: m.subresource } : {}) });
}

/**
 * NewConflictError of the conflicts (`managers` each with a non-empty set), managers in the
 * order of their identifiers (the message's order; the causes follow a Go map's, here the same).
 */
export function applyConflict(managers: ConflictingManager[]): ApiError {
  const id = (m: ConflictingManager) => managerIdentifier(m);
  const sorted = [...managers].sort((a, b) => (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0));
  const conflicts = sorted.flatMap((m) => sortedPaths(m.fields).map((path) => ({ manager: m, field: pathString(path) })));
  const causes = conflicts.map((c) => ({ reason: "FieldManagerConflict", message: `conflict with ${printManager(c.manager)}`, field: c.field }));
  let message: string;
  if (conflicts.length === 1) message = `Apply failed with 1 conflict: conflict with ${printManager(conflicts[0]!.manager)}: ${conflicts[0]!.field}`;
  else {
    const lines = sorted.flatMap((m) => [`conflicts with ${printManager(m)}:`, ...sortedPaths(m.fields).map((p) => `- ${pathString(p)}`)]);
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join("\n")}`;
  }
  return new ApiError(failure(409, "Conflict", message, { causes }));
}
