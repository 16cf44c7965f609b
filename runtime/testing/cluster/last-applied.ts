/**
 * @module cluster/last-applied
 * fieldmanager's lastAppliedManager (managedfields/internal/lastappliedmanager.go): a server-side
 * apply by the `kubectl` field manager over an object client-side apply wrote may take, without
 * a conflict, the fields its `kubectl.kubernetes.io/last-applied-configuration` annotation
 * still describes: those of the last-applied configuration (in the request's apiVersion) whose
 * live value is the same (Compare of the two: neither modified, added nor removed). The other
 * conflicts remain, a field whose live value was defaulted into an atomic struct among them (an
 * env var's `fieldRef` gets `apiVersion: v1`, which its last-applied value lacks). Any other
 * manager, an object without the annotation, one that is not JSON or names another apiVersion:
 * no field is excused.
 */
import { difference, type PathSet } from "./field-paths.js";
import type { FieldType } from "./field-schema.js";
import { appliedFieldSet, compareValues } from "./field-sets.js";

type Obj = Record<string, any>;

export const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

/** The field manager whose applies lastAppliedManager upgrades (kubectl --server-side's default). */
export const KUBECTL_MANAGER = "kubectl";

const isObject = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/** allowedConflictsFromLastApplied: undefined when it errs (the conflicts then stand as they are). */
export function excusedByLastApplied(type: FieldType, apiVersion: string, live: Obj): PathSet | undefined {
  const text = live.metadata?.annotations?.[LAST_APPLIED];
  if (typeof text !== "string" || text === "") return undefined;
  let last: unknown;
  try {
    last = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(last) || last.apiVersion !== apiVersion) return undefined;
  const { managedFields: _m, ...metadata } = (live.metadata ?? {}) as Obj;
  try {
    const set = appliedFieldSet(type, last);
    const c = compareValues(type, last, { ...live, metadata });
    return difference(difference(difference(set, c.modified), c.added), c.removed);
  } catch {
    // ObjectToTyped of a last-applied configuration the schema does not take.
    return undefined;
  }
}
