/**
 * @module cluster/rbac-writes
 * What the RBAC registries check before a Role, ClusterRole or binding is created or changed
 * (pkg/registry/rbac/{role,clusterrole,rolebinding,clusterrolebinding}/policybased):
 * `system:masters` may write anything; otherwise a role needs `escalate` on it or every
 * permission it grants, and a binding `bind` on the role it refers to or every permission of
 * that role. An update changing owner references or finalizers only is let through
 * (rbac-gc-fields). The refusal is the real 403, naming what the user does not hold.
 */
import type { PolicyRule, RoleRef } from "kubernetes-types/rbac/v1.js";
import { PRIVILEGED_GROUP } from "./auth/index.js";
import { escalationMessage, missingRights } from "./auth/escalation.js";
import type { Call } from "./call.js";
import { onlyGcFields } from "./rbac-gc-fields.js";
import { defaultBinding } from "./rbac-validation.js";
import { forbidden, internalError, notFound } from "./status.js";

type Obj = Record<string, any>;

const RBAC_GROUP = "rbac.authorization.k8s.io";

/** The rules of the role a binding refers to; 404 as the real resolver answers when it is missing. */
function referencedRules(call: Call, ref: RoleRef, namespace: string): PolicyRule[] {
  const store = call.registry.store;
  const found = (resource: string, ns?: string) => {
    const def = call.registry.find(RBAC_GROUP, "v1", resource)!;
    const entry = store.get(def, ns, ref.name);
    if (!entry) throw notFound({ group: RBAC_GROUP, resource }, ref.name);
    return (entry.obj.rules ?? []) as PolicyRule[];
  };
  if (ref.kind === "Role") return found("roles", namespace);
  if (ref.kind === "ClusterRole") return found("clusterroles");
  // The resolver's own error, which the registry returns as it is: a 500 before any validation.
  throw internalError(`unsupported role reference kind: ${JSON.stringify(ref.kind ?? "")}`);
}

/** What an update's request made, before the store kept anything of the stored object. */
export interface SentUpdate {
  /** The metadata as sent (a PUT's body's, a patch result's). */
  metadata: Obj;
  /** `managedFields` as the field manager made them for this write. */
  managedFields: Obj[] | undefined;
}

/**
 * Throws the real 403 when `call.user` may not write `next` (the object as it would be stored;
 * `old` the stored one and `sent` what the request made, for an update). Called before
 * validation, as the registries do.
 */
export function checkRbacWrite(call: Call, next: Obj, old?: Obj, sent?: SentUpdate): void {
  const { def, user } = call;
  if (def.group !== RBAC_GROUP || user.groups.includes(PRIVILEGED_GROUP)) return;
  if (old && sent && onlyGcFields(def.kind, { ...next, metadata: { ...sent.metadata, name: next.metadata?.name, namespace: next.metadata?.namespace, managedFields: sent.managedFields } }, old)) return;
  const namespace = def.namespaced ? call.info.namespace : "";
  const allowed = (verb: string, apiGroup: string, resource: string, name: string) =>
    call.auth.authorizer.authorize({ user, verb, resourceRequest: true, path: "", apiGroup, apiVersion: "*", resource, subresource: "", name, namespace }).allowed;
  let granted: PolicyRule[];
  if (def.resource === "roles" || def.resource === "clusterroles") {
    if (allowed("escalate", RBAC_GROUP, def.resource, call.info.name)) return;
    granted = (next.rules ?? []) as PolicyRule[];
  } else {
    // The binding as decoded: defaulted as the real server defaults it before this check.
    const decoded = { roleRef: { ...(next.roleRef ?? {}) } };
    defaultBinding(decoded);
    const ref = decoded.roleRef as RoleRef;
    const refResource = ref.kind === "Role" ? "roles" : ref.kind === "ClusterRole" ? "clusterroles" : "";
    if (refResource && allowed("bind", ref.apiGroup ?? "", refResource, ref.name ?? "")) return;
    granted = referencedRules(call, ref, namespace);
  }
  // storage_rbac.go builds the escalation check's rule resolver on the registries.
  const own = call.auth.authorizer.rulesFor(user, namespace, "registry");
  const owned: PolicyRule[] = [
    ...own.resourceRules.map((r) => ({ verbs: r.verbs, apiGroups: r.apiGroups ?? [], resources: r.resources ?? [], ...(r.resourceNames ? { resourceNames: r.resourceNames } : {}) })),
    ...own.nonResourceRules.map((r) => ({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs ?? [] })),
  ];
  const missing = missingRights(owned, granted);
  const name = String(next.metadata?.name ?? "");
  if (missing.length > 0) throw forbidden(def, name, escalationMessage(user, missing, own.evaluationError));
  // An aggregation rule can gather anything (and, kept, stop a role being tightened): setting,
  // keeping or removing one needs every right there is (clusterrole/policybased's fullAuthority).
  if (def.resource === "clusterroles" && (hasAggregationRule(next) || (old !== undefined && hasAggregationRule(old))) && missingRights(owned, FULL_AUTHORITY).length > 0) {
    throw forbidden(def, name, "must have cluster-admin privileges to use the aggregationRule");
  }
}

/** `*` on every resource of every group, and on every non-resource URL. */
const FULL_AUTHORITY: PolicyRule[] = [
  { verbs: ["*"], apiGroups: ["*"], resources: ["*"] },
  { verbs: ["*"], nonResourceURLs: ["*"] },
];

function hasAggregationRule(role: Obj): boolean {
  const selectors = role.aggregationRule?.clusterRoleSelectors;
  return Array.isArray(selectors) && selectors.length > 0;
}
