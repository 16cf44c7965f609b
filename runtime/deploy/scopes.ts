/**
 * @module deploy/scopes
 * The scope of custom resources, which the manifests cannot look up: a permission on a
 * cluster-scoped one needs a ClusterRole (a Role grants nothing on it: 403), and a permission
 * rule does not say which it is. What the project says elsewhere is used: a resource that a
 * watch or an admission rule names as `{group, version, resource, namespaced}` has that scope
 * in every rule naming it, in every workload. A rule without `namespace` on a resource of a group
 * that is not built in, whose scope nothing declares, is granted in the workload's namespace as
 * written, and `podfn manifests` notes it (deploy/warnings): if the resource is cluster-scoped,
 * the rule needs `namespace: "*"`.
 */
import type { LoadedFunction, WatchedResourceType } from "../function.js";
import { isBuiltInGroup, scopeKey, type ResourceScopes } from "./rules.js";

/**
 * The scopes `functions` declare for custom resources (their watches' and admission rules'
 * types). A resource declared namespaced in one place and cluster-scoped in another is left
 * out: one of the two is wrong, and guessing would grant too much or nothing.
 *
 * @example
 * declaredScopes([gadgetWatcher]); // Map { "example.com/gadgets" => false }
 */
export function declaredScopes(functions: readonly Pick<LoadedFunction, "watches" | "admission">[]): ResourceScopes {
  const declared = new Map<string, Set<boolean>>();
  const add = (type: WatchedResourceType) => {
    if (isBuiltInGroup(type.group)) return;
    const key = scopeKey(type.group, type.resource);
    declared.set(key, (declared.get(key) ?? new Set()).add(type.namespaced));
  };
  for (const fn of functions) {
    for (const watch of fn.watches) add(watch.type);
    for (const rule of fn.admission?.rules ?? []) add(rule.type);
  }
  return new Map([...declared].filter(([, both]) => both.size === 1).map(([key, one]) => [key, [...one][0]!]));
}
