/**
 * @module cluster/meta-order
 * The order a real server writes an object's `metadata` keys in: the fields of Go's
 * `metav1.ObjectMeta` struct as declared (encoding/json follows the struct), for every answer
 * that writes metadata — creates, updates and the deletion marks a DELETE adds.
 */

type Obj = Record<string, any>;

/** metav1.ObjectMeta's fields, in declaration order. */
export const META_ORDER = [
  "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp",
  "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers", "managedFields",
];

/** `meta` with its keys in ObjectMeta's order (keys it does not know last, as they came; undefined ones dropped). */
export function orderedMeta(meta: Obj): Obj {
  const out: Obj = {};
  for (const k of META_ORDER) if (meta[k] !== undefined) out[k] = meta[k];
  for (const [k, v] of Object.entries(meta)) if (!(k in out) && v !== undefined) out[k] = v;
  return out;
}
