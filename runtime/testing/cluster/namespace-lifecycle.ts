/**
 * @module cluster/namespace-lifecycle
 * The NamespaceLifecycle admission plugin's check of a write's namespace
 * (apiserver pkg/admission/plugin/namespace/lifecycle, 1.32): a namespaced write into a missing
 * namespace is the namespace's NotFound, and a create into a Terminating one (a subresource's
 * too: pods/eviction, serviceaccounts/token) is Forbidden, the object named as
 * admission.NewForbidden names it (extractResourceName): the request's name, else the object's
 * name, else its generateName, else `Unknown`.
 */
import type { Registry } from "./registry.js";
import type { ResourceDef } from "./resources.js";
import { forbidden, notFound } from "./status.js";

/** extractResourceName's name for an object not named by the URL: name, generateName or `Unknown`. */
export function admissionName(metadata: { name?: unknown; generateName?: unknown } | undefined): string {
  const { name, generateName } = metadata ?? {};
  if (typeof name === "string" && name) return name;
  if (typeof generateName === "string" && generateName) return generateName;
  return "Unknown";
}

/**
 * The namespace the URL names must exist, and not be terminating for a create; `name` is the
 * object as admission names it (the URL's name for a subresource, else `admissionName`).
 */
export function requireNamespace(registry: Registry, def: ResourceDef, namespace: string, name: string, creating: boolean): void {
  if (!def.namespaced) return;
  const state = registry.namespaceState(namespace);
  if (state === "missing") throw notFound({ group: "", resource: "namespaces" }, namespace);
  if (state !== "terminating" || !creating) return;
  const error = forbidden(def, name, `unable to create new content in namespace ${namespace} because it is being terminated`);
  error.status.details!.causes = [{ reason: "NamespaceTerminating", message: `namespace ${namespace} is being terminated`, field: "metadata.namespace" }];
  throw error;
}
