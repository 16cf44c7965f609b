/**
 * @module cluster/auth/escalation
 * RBAC's escalation prevention, as pkg/registry/rbac/validation does it: a user may only grant
 * permissions it holds. `missingRights` is `Covers` (each requested rule broken down into one
 * verb, resource and name, then checked against the user's own rules), `escalationMessage` the
 * error the real server words from what is missing (compacted per group and resource, listed in
 * order).
 */
import type { PolicyRule } from "kubernetes-types/rbac/v1.js";
import type { UserInfo } from "./types.js";

/** BreakdownRule: one rule per group, resource, verb and name (per URL and verb for non-resource rules). */
function breakdown(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const group of rule.apiGroups ?? []) {
    for (const resource of rule.resources ?? []) {
      for (const verb of rule.verbs) {
        const names = rule.resourceNames ?? [];
        if (names.length) for (const name of names) out.push({ apiGroups: [group], resources: [resource], verbs: [verb], resourceNames: [name] });
        else out.push({ apiGroups: [group], resources: [resource], verbs: [verb] });
      }
    }
  }
  for (const url of rule.nonResourceURLs ?? []) for (const verb of rule.verbs) out.push({ nonResourceURLs: [url], verbs: [verb] });
  return out;
}

const hasAll = (set: readonly string[] | undefined, wanted: readonly string[] | undefined) => (wanted ?? []).every((w) => (set ?? []).includes(w));
const has = (set: readonly string[] | undefined, value: string) => (set ?? []).includes(value);

function resourcesCovered(owned: readonly string[] | undefined, wanted: readonly string[] | undefined): boolean {
  if (has(owned, "*") || hasAll(owned, wanted)) return true;
  return (wanted ?? []).every((path) => {
    if (has(owned, path)) return true;
    const slash = path.indexOf("/");
    return slash !== -1 && has(owned, `*/${path.slice(slash + 1)}`);
  });
}

function urlCovered(owned: string, wanted: string): boolean {
  return owned === wanted || (owned.endsWith("*") && wanted.startsWith(owned.replace(/\*+$/, "")));
}

/** ruleCovers: whether one rule the user holds covers a broken-down requested rule. */
function covers(owner: PolicyRule, sub: PolicyRule): boolean {
  const verbs = has(owner.verbs, "*") || hasAll(owner.verbs, sub.verbs);
  const groups = has(owner.apiGroups, "*") || hasAll(owner.apiGroups, sub.apiGroups);
  const resources = resourcesCovered(owner.resources, sub.resources);
  const urls = (sub.nonResourceURLs ?? []).every((u) => (owner.nonResourceURLs ?? []).some((o) => urlCovered(o, u)));
  const ownerNames = owner.resourceNames ?? [];
  const names = (sub.resourceNames ?? []).length === 0 ? ownerNames.length === 0 : ownerNames.length === 0 || hasAll(ownerNames, sub.resourceNames);
  return verbs && groups && resources && urls && names;
}

/** The broken-down rules of `requested` that no rule of `owned` covers (none: no escalation). */
export function missingRights(owned: PolicyRule[], requested: PolicyRule[]): PolicyRule[] {
  return requested.flatMap(breakdown).filter((sub) => !owned.some((o) => covers(o, sub)));
}

/** CompactRules: rules naming one group and one resource (and at most one name) merged by verb. */
function compact(rules: PolicyRule[]): PolicyRule[] {
  const out: PolicyRule[] = [];
  const simple = new Map<string, PolicyRule>();
  for (const rule of rules) {
    const names = rule.resourceNames ?? [];
    if (names.length > 1 || (rule.nonResourceURLs ?? []).length || rule.apiGroups?.length !== 1 || rule.resources?.length !== 1) {
      out.push(rule);
      continue;
    }
    const key = JSON.stringify([rule.apiGroups[0], rule.resources[0], names[0] ?? null]);
    const seen = simple.get(key);
    if (!seen) simple.set(key, { ...rule, verbs: [...rule.verbs] });
    else for (const verb of rule.verbs) if (!seen.verbs.includes(verb)) seen.verbs.push(verb);
  }
  return [...out, ...simple.values()];
}

/** Go's `%q` of a string slice: `["a" "b"]`. */
function goQuoted(values: readonly string[]): string {
  return `[${values.map((v) => JSON.stringify(v)).join(" ")}]`;
}

/** rbacv1helpers.CompactString: `{APIGroups:[""], Resources:["pods"], Verbs:["get" "list"]}`. */
export function compactString(rule: PolicyRule): string {
  const parts: string[] = [];
  if (rule.apiGroups?.length) parts.push(`APIGroups:${goQuoted(rule.apiGroups)}`);
  if (rule.resources?.length) parts.push(`Resources:${goQuoted(rule.resources)}`);
  if (rule.nonResourceURLs?.length) parts.push(`NonResourceURLs:${goQuoted(rule.nonResourceURLs)}`);
  if (rule.resourceNames?.length) parts.push(`ResourceNames:${goQuoted(rule.resourceNames)}`);
  if (rule.verbs.length) parts.push(`Verbs:${goQuoted(rule.verbs)}`);
  return `{${parts.join(", ")}}`;
}

/**
 * The error of ConfirmNoEscalation for `user` missing `missing` (from `missingRights`);
 * `resolutionError` is why the user's own rules were incomplete (a binding to a missing role).
 */
export function escalationMessage(user: UserInfo, missing: PolicyRule[], resolutionError?: string): string {
  const lines = [...new Set(compact(missing).map(compactString))].sort();
  let message = `user ${JSON.stringify(user.username)} (groups=${goQuoted(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${lines.join("\n")}`;
  if (resolutionError) message += `; resolution errors: [${resolutionError}]`;
  return message;
}
