/**
 * @module cluster/auth/status
 * The Status bodies of refused requests, worded as k8s.io/apiserver words them
 * (responsewriters.ForbiddenStatusError and apierrors.NewForbidden / NewUnauthorized).
 */
import type { Status, StatusDetails } from "kubernetes-types/meta/v1.js";
import type { RequestAttributes } from "./types.js";

/** `%q` of Go for the strings a request carries. */
const quote = JSON.stringify;

/** responsewriters' sanitizer: `&`, `<` and `>` as HTML entities, so no message reads as HTML. */
function sanitize(text: string): string {
  return text.replace(/[&<>]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : "&gt;"));
}

/**
 * The 403 body for a request the authorizer refused. `reason` is the authorizer's (empty for
 * a plain RBAC denial; set when a binding refers to a missing role) and is appended as the real
 * server does, after the sentence about the user is HTML-escaped (responsewriters.Forbidden).
 *
 * @example
 * forbiddenStatus(attrs).message;
 * // 'secrets "db-password" is forbidden: User "system:serviceaccount:golden:robot" cannot get resource "secrets" in API group "" in the namespace "golden"'
 */
export function forbiddenStatus(attrs: RequestAttributes, reason = ""): Status {
  let msg = `User ${quote(attrs.user.username)} cannot ${attrs.verb}`;
  if (attrs.resourceRequest) {
    const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
    msg += ` resource ${quote(resource)} in API group ${quote(attrs.apiGroup)}`;
    msg += attrs.namespace ? ` in the namespace ${quote(attrs.namespace)}` : " at the cluster scope";
  } else {
    msg += ` path ${quote(attrs.path)}`;
  }
  // The sanitizer escapes the authorizer's sentence only: the reason and the name follow as they are.
  msg = sanitize(msg);
  if (reason) msg += `: ${reason}`;

  // NewForbidden(GroupResource{group, resource}, name, err): the resource without its subresource.
  const group = attrs.resourceRequest ? attrs.apiGroup : "";
  const resource = attrs.resourceRequest ? attrs.resource : "";
  const name = attrs.resourceRequest ? attrs.name : "";
  const qualified = group ? `${resource}.${group}` : resource;
  let message: string;
  if (!qualified) message = `forbidden: ${msg}`;
  else if (!name) message = `${qualified} is forbidden: ${msg}`;
  else message = `${qualified} ${quote(name)} is forbidden: ${msg}`;

  const details: StatusDetails = {};
  if (name) details.name = name;
  if (group) details.group = group;
  if (resource) details.kind = resource;
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason: "Forbidden", details, code: 403 };
}

/**
 * The 401 body for a request whose credentials are invalid.
 *
 * @example
 * unauthorizedStatus().message; // "Unauthorized"
 */
export function unauthorizedStatus(): Status {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "Unauthorized", reason: "Unauthorized", code: 401 };
}
