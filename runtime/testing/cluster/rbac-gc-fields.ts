/**
 * @module cluster/rbac-gc-fields
 * `IsOnlyMutatingGCFields` of pkg/registry/rbac (helpers.go), which lets an update of a role or
 * binding through without the escalation check: the object as the request made it (a PUT's
 * body as sent, a patch's result, with `managedFields` as the field manager wrote them; before
 * the store keeps `uid` or `creationTimestamp` from the stored object) given the stored owner
 * references, finalizers and selfLink must equal the stored object by `Semantic.DeepEqual`.
 * So a PUT that leaves out `uid` or `resourceVersion`, or one that adds a finalizer (the field
 * manager records it), is checked like any other change.
 */
import { semanticEqual } from "./go-equality.js";

type Obj = Record<string, any>;

/** What the field manager changed: the entries as a set, each by manager, operation and subresource (its time set anew here on every write). */
function sameManagers(a: unknown, b: unknown): boolean {
  const list = (v: unknown) => (Array.isArray(v) ? (v as Obj[]) : []);
  const key = (e: Obj) => JSON.stringify([e.manager ?? "", e.operation ?? "", e.subresource ?? "", e.apiVersion ?? "", e.fieldsType ?? ""]);
  const x = list(a);
  const y = list(b);
  if (x.length !== y.length) return false;
  return x.every((e) => {
    const other = y.find((o) => key(o) === key(e));
    return other !== undefined && semanticEqual(e.fieldsV1, other.fieldsV1, "any");
  });
}

/**
 * Whether `sent` (of the kind `kind`: Role, ClusterRole, RoleBinding, ClusterRoleBinding) differs
 * from `old` in owner references, finalizers and selfLink only.
 */
export function onlyGcFields(kind: string, sent: Obj, old: Obj): boolean {
  const strip = (o: Obj, meta: Obj) => {
    const { kind: _k, apiVersion: _a, metadata: _m, ...rest } = o;
    const { managedFields: _f, ...plain } = meta;
    return { ...rest, metadata: plain };
  };
  const oldMeta = (old.metadata ?? {}) as Obj;
  const copiedMeta: Obj = { ...(sent.metadata ?? {}), ownerReferences: oldMeta.ownerReferences, finalizers: oldMeta.finalizers, selfLink: oldMeta.selfLink };
  return sameManagers(copiedMeta.managedFields, oldMeta.managedFields) && semanticEqual(strip(sent, copiedMeta), strip(old, oldMeta), `V1${kind}`);
}
