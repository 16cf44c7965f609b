/**
 * @module kube/forbidden-create
 * The rule a write lacked when it would have created its object through PATCH (server-side
 * apply) or PUT (a Lease, Service, Endpoints, LimitRange, Event or RBAC object): 1.32 authorizes that create apart
 * (patch.go and update.go, withAuthorization) and refuses it with apierrors.NewForbidden's
 * `<resource> "<name>" is forbidden: <reason>`, the reason empty for a plain RBAC denial (or
 * `RBAC: ...`), naming no verb or user; the missing verb is then `create`.
 */
import type { MissingPermission } from "./forbidden.js";

/** `<resource>[.<group>] "<name>" is forbidden: ` with nothing after it but an RBAC reason. */
const CREATE_ON_WRITE_FORM = /^([^\s".]+)(?:\.(\S+))? "[^"]*" is forbidden: (?:RBAC: [\s\S]*)?$/;
const NAMESPACE_IN_PATH = /\/namespaces\/([^/?]+)\/[^/?]+/;

/**
 * The `create` rule a PATCH or PUT of `request` was refused for, or undefined when the message
 * is not that refusal. `ownNamespace` (the client's credentials') is left out of the rule, as a
 * permission without `namespace` means the function's own; a cluster-scoped one is `"*"`.
 *
 * @example
 * parseCreateOnWriteForbidden('configmaps "c" is forbidden: ', { method: "PATCH", path: "/api/v1/namespaces/b/configmaps/c" }, "a");
 * // { apiGroups: [""], resources: ["configmaps"], verbs: ["create"], namespace: "b" }
 */
export function parseCreateOnWriteForbidden(message: string, request: { method: string; path: string }, ownNamespace?: string): MissingPermission | undefined {
  if (request.method !== "PATCH" && request.method !== "PUT") return undefined;
  const form = CREATE_ON_WRITE_FORM.exec(message);
  if (!form) return undefined;
  const [, resource, group] = form;
  const permission: MissingPermission = { apiGroups: [group ?? ""], resources: [resource ?? ""], verbs: ["create"] };
  const namespace = NAMESPACE_IN_PATH.exec(request.path.split("?")[0] ?? "")?.[1];
  if (namespace === undefined) permission.namespace = "*";
  else if (namespace !== ownNamespace) permission.namespace = decodeURIComponent(namespace);
  return permission;
}
