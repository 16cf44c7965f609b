/**
 * @module cluster/scale-handler
 * managedfields.ScaleHandler: the managedFields of a write through `/scale`, which the Scale's
 * field manager works on and the parent object stores.
 * - ToSubresource: the parent's entries (of its own version) that own the replicas become the
 *   Scale's, each owning `.spec.replicas` at `autoscaling/v1` (so an Update manager is named
 *   `using autoscaling/v1` in a Scale's conflicts), with their times.
 * - ToParent: a parent entry owning the replicas keeps them only when the Scale's entries have
 *   the same manager identity (an applier's, whose identity has no version); any other loses them
 *   (dropped when it owns nothing else). Each Scale entry left that owns `.spec.replicas` becomes
 *   the parent's replicas at the parent's version, timed as the parent's entry of that identity
 *   was (none for a new one).
 * Simplified: the parent has one version (an entry of another one is kept as it is).
 */
import { managerIdentifier } from "./apply-conflict.js";
import { compareEntries } from "./field-ownership.js";
import { difference, fromFieldsV1, pathKey, toFieldsV1, type FieldPath } from "./field-paths.js";
import type { ManagedFieldsEntry } from "./managed-fields.js";

/** The Scale's version, whose entries the Scale's field manager keeps. */
export const SCALE_API_VERSION = "autoscaling/v1";

const SCALE_REPLICAS = pathKey(["f:spec", "f:replicas"]);

const fieldsPath = (path: readonly string[]): string => pathKey(path.map((p) => `f:${p}`) as FieldPath);

function entry(from: ManagedFieldsEntry, apiVersion: string, path: string, time: string | undefined): ManagedFieldsEntry {
  return {
    manager: from.manager,
    operation: from.operation,
    apiVersion,
    ...(time ? { time } : {}),
    fieldsType: "FieldsV1",
    fieldsV1: toFieldsV1(new Set([path])),
    ...(from.subresource ? { subresource: from.subresource } : {}),
  };
}

/** ScaleHandler.ToSubresource: the Scale's managedFields from the parent's (`replicas`: the parent's replicas path, `apiVersion` its version). */
export function toScaleEntries(parent: ManagedFieldsEntry[] | undefined, replicas: readonly string[], apiVersion: string): ManagedFieldsEntry[] {
  const path = fieldsPath(replicas);
  return (parent ?? [])
    .filter((e) => e.apiVersion === apiVersion && fromFieldsV1(e.fieldsV1).has(path))
    .map((e) => entry(e, SCALE_API_VERSION, SCALE_REPLICAS, e.time))
    .sort(compareEntries);
}

/** ScaleHandler.ToParent: the parent's managedFields after a Scale write left the Scale's as `scale`. */
export function toParentEntries(parent: ManagedFieldsEntry[] | undefined, scale: ManagedFieldsEntry[], replicas: readonly string[], apiVersion: string): ManagedFieldsEntry[] {
  const path = fieldsPath(replicas);
  const scaleEntries = new Map(scale.map((e) => [managerIdentifier(e), e]));
  const parentTimes = new Map((parent ?? []).map((e) => [managerIdentifier(e), e.time]));
  const out: ManagedFieldsEntry[] = [];
  for (const e of parent ?? []) {
    const set = fromFieldsV1(e.fieldsV1);
    if (e.apiVersion !== apiVersion || !set.has(path)) {
      out.push(e);
      continue;
    }
    const id = managerIdentifier(e);
    if (scaleEntries.has(id)) {
      // The replicas were not taken from it: the entry stays as it is.
      out.push(e);
      scaleEntries.delete(id);
      continue;
    }
    const rest = difference(set, new Set([path]));
    if (rest.size) out.push({ ...e, fieldsV1: toFieldsV1(rest) });
  }
  for (const [id, e] of scaleEntries) {
    if (fromFieldsV1(e.fieldsV1).has(SCALE_REPLICAS)) out.push(entry(e, apiVersion, path, parentTimes.get(id)));
  }
  return out.sort(compareEntries);
}
