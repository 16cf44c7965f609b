/**
 * @module testing/kind-resource
 * The resource (plural, as in a URL path and an AdmissionReview's `resource`) of a kind: a
 * built-in type's as Kubernetes 1.32 serves it (`NetworkPolicy` → `networkpolicies`,
 * `Endpoints` → `endpoints`), else apimachinery's `meta.UnsafeGuessKindToResource` guess, which
 * is what a CRD's plural usually is (`Gadget` → `gadgets`, `Policy` → `policies`); and whether
 * a built-in kind is namespaced.
 */
import { BUILTIN } from "./cluster/index.js";

/** Built-in resources by `group/Kind`. */
const BY_KIND = new Map(BUILTIN.map((def) => [`${def.group}/${def.kind}`, def]));

/** As apimachinery's `UnsafeGuessKindToResource`: lowercased, `endpoints` kept, `-s` → `-ses`, `-y` → `-ies`, else `-s`. */
export function guessResource(kind: string): string {
  const singular = kind.toLowerCase();
  if (singular === "" || singular.endsWith("endpoints")) return singular;
  if (singular.endsWith("s")) return `${singular}es`;
  if (singular.endsWith("y")) return `${singular.slice(0, -1)}ies`;
  return `${singular}s`;
}

/**
 * The resource of `kind` in `group`.
 *
 * @example
 * resourceOfKind("networking.k8s.io", "NetworkPolicy"); // "networkpolicies"
 */
export function resourceOfKind(group: string, kind: string): string {
  return BY_KIND.get(`${group}/${kind}`)?.resource ?? guessResource(kind);
}

/**
 * Whether a built-in `kind` of `group` is namespaced; undefined for a kind 1.32 does not serve.
 *
 * @example
 * namespacedKind("rbac.authorization.k8s.io", "ClusterRole"); // false
 */
export function namespacedKind(group: string, kind: string): boolean | undefined {
  return BY_KIND.get(`${group}/${kind}`)?.namespaced;
}
