/**
 * @module kube/forbidden
 * Reads the RBAC rule a 403 lacked out of the API server's message, in every form the server
 * writes it (namespaced, cluster scope, subresource, named object, non-resource path), and
 * prints it as a rule people can paste into a function's `permissions`.
 */

/** The RBAC rule that would have allowed a forbidden request (the shape of a `PermissionRule`). */
export interface MissingPermission {
  /** `[""]` for the core group; `[]` for a non-resource path. */
  apiGroups: string[];
  /** With subresources as `deployments/scale`; `[]` for a non-resource path. */
  resources: string[];
  /** The verb denied, as the server named it (`["list"]`). */
  verbs: string[];
  /** The object's name, when the request named one. */
  resourceNames?: string[];
  /**
   * The request's namespace, or `"*"` when the request was at the cluster scope; absent for a
   * ServiceAccount denied in its own namespace (a permission without one means the function's).
   */
  namespace?: string;
  /** For a non-resource request (`cannot get path "/metrics"`). */
  nonResourceURLs?: string[];
  /** The user the server denied, e.g. `system:serviceaccount:ns:name`. */
  user?: string;
}

const RESOURCE_FORM =
  /(?:^|\s)(?:[^\s"]+(?: "([^"]*)")? is )?forbidden: User "([^"]*)" cannot (\S+) resource "([^"]*)" in API group "([^"]*)"(?: in the namespace "([^"]*)"| at the cluster scope)?/;
const PATH_FORM = /forbidden: User "([^"]*)" cannot (\S+) path "([^"]*)"/;

/**
 * Parse a Forbidden Status message. Returns undefined for messages that are not RBAC denials
 * (admission plugins also answer 403).
 *
 * @example
 * parseForbiddenMessage('pods is forbidden: User "u" cannot list resource "pods" in API group "" in the namespace "ns"');
 * // { apiGroups: [""], resources: ["pods"], verbs: ["list"], namespace: "ns", user: "u" }
 */
export function parseForbiddenMessage(message: string): MissingPermission | undefined {
  const resource = RESOURCE_FORM.exec(message);
  if (resource) {
    const [whole, name, user, verb, res, group, namespace] = resource;
    const permission: MissingPermission = { apiGroups: [group ?? ""], resources: [res ?? ""], verbs: [verb ?? ""] };
    if (name) permission.resourceNames = [name];
    // A ServiceAccount denied in its own namespace lacks a rule for "the function's namespace",
    // which a permission without `namespace` means: naming it would pin the rule to where the
    // function runs now (`default` on a laptop), not where its manifests deploy it.
    if (namespace !== undefined && namespace !== serviceAccountNamespace(user)) permission.namespace = namespace;
    else if (namespace === undefined && whole.endsWith("at the cluster scope")) permission.namespace = "*";
    if (user) permission.user = user;
    return permission;
  }
  const path = PATH_FORM.exec(message);
  if (path) {
    const [, user, verb, url] = path;
    return { apiGroups: [], resources: [], verbs: [verb ?? ""], nonResourceURLs: [url ?? ""], ...(user ? { user } : {}) };
  }
  return undefined;
}

/** The namespace of a ServiceAccount's username (`system:serviceaccount:NS:NAME`), else undefined. */
function serviceAccountNamespace(user: string | undefined): string | undefined {
  return /^system:serviceaccount:([^:]+):[^:]+$/.exec(user ?? "")?.[1];
}

const list = (values: string[]): string => `[${values.map((v) => JSON.stringify(v)).join(", ")}]`;

/**
 * The rule as a copy-pasteable object literal (without `user`).
 *
 * @example
 * formatPermission({ apiGroups: ["apps"], resources: ["deployments/scale"], verbs: ["patch"] });
 * // '{ apiGroups: ["apps"], resources: ["deployments/scale"], verbs: ["patch"] }'
 */
export function formatPermission(permission: MissingPermission): string {
  const parts = permission.nonResourceURLs
    ? [`nonResourceURLs: ${list(permission.nonResourceURLs)}`, `verbs: ${list(permission.verbs)}`]
    : [`apiGroups: ${list(permission.apiGroups)}`, `resources: ${list(permission.resources)}`, `verbs: ${list(permission.verbs)}`];
  if (permission.resourceNames) parts.push(`resourceNames: ${list(permission.resourceNames)}`);
  if (permission.namespace !== undefined) parts.push(`namespace: ${JSON.stringify(permission.namespace)}`);
  return `{ ${parts.join(", ")} }`;
}
