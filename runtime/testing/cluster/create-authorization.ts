/**
 * @module cluster/create-authorization
 * A write that creates its object without being a create — a server-side apply to a missing
 * object, or a PUT of one whose type allows create on update (Leases, Services, Endpoints,
 * LimitRanges, Events, RBAC objects) — is authorized for `create` too, as 1.32's handlers
 * authorize it (patch.go and update.go: withAuthorization around the create's validating
 * admission, after the strategy's validation). Refused, it is apierrors.NewForbidden's `<resource> "<name>" is forbidden:
 * <reason>`, the reason the authorizer's (empty for a plain RBAC denial). The decision is
 * recorded for `cluster.access()` as a request's.
 */
import type { Call } from "./call.js";
import { forbidden } from "./status.js";

/** Throws the 403 when `call`, a PATCH or PUT that would create `name`, may not `create` it. */
export function authorizeCreateOnWrite(call: Call, name: string, namespace: string): void {
  const { def, info, user } = call;
  if (info.verb === "create") return; // a POST: authorized as such before it was served
  const attrs = {
    user, verb: "create", resourceRequest: true, path: info.path, apiGroup: def.group, apiVersion: def.version,
    resource: def.resource, subresource: info.subresource, name, namespace: def.namespaced ? namespace : "",
  };
  const decision = call.auth.authorizer.authorize(attrs);
  call.recordAccess?.(attrs, decision.allowed);
  if (!decision.allowed) throw forbidden({ group: def.group, resource: def.resource }, name, decision.reason);
}
