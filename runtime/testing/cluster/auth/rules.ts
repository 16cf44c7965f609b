/**
 * @module cluster/auth/rules
 * Whether one RBAC PolicyRule allows a request, with the real semantics of
 * pkg/apis/rbac/v1/evaluation_helpers.go: `*` for verbs, groups and resources; `*\/sub` for a
 * subresource of every resource (but not `pods/*`: that only matches itself); resourceNames
 * never match a request without a name; non-resource URLs match exactly or by a trailing `*`.
 */
import type { PolicyRule } from "kubernetes-types/rbac/v1.js";
import type { RequestAttributes } from "./types.js";

/** `*` or the requested verb. */
export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return rule.verbs.some((v) => v === "*" || v === verb);
}

/** `*` or the requested group (`""` is the core group). */
export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return (rule.apiGroups ?? []).some((g) => g === "*" || g === group);
}

/** `*`, the exact `resource[/subresource]`, or `*\/subresource`. */
export function resourceMatches(rule: PolicyRule, combinedResource: string, subresource: string): boolean {
  return (rule.resources ?? []).some(
    (r) => r === "*" || r === combinedResource || (subresource !== "" && r === `*/${subresource}`),
  );
}

/** No resourceNames allows every name; otherwise the request must name one of them. */
export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(name);
}

/** `*`, the exact path, or a prefix ending in `*`. */
export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  return (rule.nonResourceURLs ?? []).some(
    (u) => u === "*" || u === path || (u.endsWith("*") && path.startsWith(u.replace(/\*+$/, ""))),
  );
}

/** Whether `rule` allows the request (RuleAllows in plugin/pkg/auth/authorizer/rbac/rbac.go). */
export function ruleAllows(attrs: RequestAttributes, rule: PolicyRule): boolean {
  if (!verbMatches(rule, attrs.verb)) return false;
  if (!attrs.resourceRequest) return nonResourceURLMatches(rule, attrs.path);
  const combined = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  return (
    apiGroupMatches(rule, attrs.apiGroup) &&
    resourceMatches(rule, combined, attrs.subresource) &&
    resourceNameMatches(rule, attrs.name)
  );
}
