/**
 * @module cluster/uid-checks
 * What a `metadata.uid` in a written object means, as 1.32 decides it:
 * - a PUT's uid is a storage precondition (rest.DefaultUpdatedObjectInfo(obj).Preconditions):
 *   a different one is 409 `Precondition failed: UID in precondition: ...`;
 * - a PATCH (merge, JSON, strategic, apply) carries none (handlers/patch.go builds its
 *   DefaultUpdatedObjectInfo from nil), so a changed uid reaches BeforeUpdate's validation:
 *   422 `metadata.uid: Invalid value: "abc": field is immutable`, from validateCommonFields
 *   and again from the type's own update validation (ValidateObjectMetaUpdate), which a
 *   PodDisruptionBudget's does not run; a custom resource's status strategy copies the stored
 *   object first, so its status patch never changes the uid;
 * - a server-side apply that would create the object but names a uid is 409 `uid mismatch`
 *   (patcher.applyPatch), before the name and namespace checks;
 * - and, alike, an update may not set `deletionTimestamp` or a grace period on a live object
 *   (422 `field is immutable`): a deletion is a DELETE.
 */
import type { Call } from "./call.js";
import { storedAs, type ResourceDef } from "./resources.js";
import { conflict, invalid, type FieldError } from "./status.js";
import type { UpdateScope } from "./write.js";

type Obj = Record<string, any>;

/** The kinds whose update validation does not rerun ValidateObjectMetaUpdate. */
const META_UPDATE_ONCE = new Set(["policy/poddisruptionbudgets"]);

/**
 * Throws when `next` names a uid other than `old`'s: the PUT's precondition conflict, or the
 * patch's immutable-field 422. An empty or absent uid keeps the stored one.
 */
export function checkUidChange(call: Call, next: Obj, old: Obj, scope: UpdateScope): void {
  const { def } = call;
  const uid = next.metadata?.uid;
  if (!uid || uid === old.metadata.uid) return;
  const name = old.metadata.name;
  if (call.info.verb === "update") {
    throw conflict(def, name, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${old.metadata.uid}`);
  }
  if (scope === "status" && def.custom) return;
  const error: FieldError = { type: "Invalid", field: "metadata.uid", value: String(uid), detail: "field is immutable" };
  const errors = META_UPDATE_ONCE.has(`${def.group}/${def.resource}`) ? [error] : [error, error];
  throw invalid(storedAs(def).group, def.kind, name, errors);
}

/** Server-side apply creating `name`: the applied object may not name a uid (409). */
export function checkApplyCreateUid(def: ResourceDef, name: string, applied: Obj): void {
  const uid = applied.metadata?.uid;
  if (uid) throw conflict(def, name, `uid mismatch: the provided object specified uid ${uid}, and no existing object was found`);
}

/** Go's `time.Time.String()` of an RFC 3339 UTC time as the decoder writes it back: `2026-01-01 00:00:00 +0000 UTC`. */
function goTimeString(rfc3339: string): string {
  return rfc3339.replace("T", " ").replace(/Z$/, " +0000 UTC");
}

/**
 * An update of a live object (no `deletionTimestamp` stored) that sets `deletionTimestamp` or
 * `deletionGracePeriodSeconds`, or one changing a stored grace period: rest.BeforeUpdate keeps
 * only what a deleting object has (a timestamp, a grace period left out), so the change reaches
 * ValidateObjectMetaUpdate: 422 `field is immutable`, from validateCommonFields and again from
 * the type's own update validation (as a uid change). A deletion is asked for with DELETE.
 */
export function checkDeletionMetaChange(call: Call, next: Obj, old: Obj): void {
  const { def } = call;
  const errors: FieldError[] = [];
  const timestamp = next.metadata?.deletionTimestamp;
  if (!old.metadata.deletionTimestamp && timestamp) errors.push({ type: "Invalid", field: "metadata.deletionTimestamp", rendered: goTimeString(String(timestamp)), detail: "field is immutable" });
  const grace = next.metadata?.deletionGracePeriodSeconds;
  const stored = old.metadata.deletionGracePeriodSeconds;
  if (grace !== undefined && grace !== null && grace !== stored) errors.push({ type: "Invalid", field: "metadata.deletionGracePeriodSeconds", value: grace, detail: "field is immutable" });
  if (errors.length === 0) return;
  const twice = META_UPDATE_ONCE.has(`${def.group}/${def.resource}`) ? errors : [...errors, ...errors];
  throw invalid(storedAs(def).group, def.kind, old.metadata.name, twice);
}
