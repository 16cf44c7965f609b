/**
 * @module cluster/rbac-validation
 * RoleBindings and ClusterRoleBindings as the real server defaults and validates them
 * (pkg/apis/rbac/v1/defaults.go, pkg/apis/rbac/validation): `roleRef.apiGroup` and a User or
 * Group subject's `apiGroup` default to the RBAC group; `roleRef` must name a Role or
 * ClusterRole of that group (a ClusterRoleBinding a ClusterRole) and can never change; each
 * subject is a ServiceAccount (with a namespace, in a ClusterRoleBinding), User or Group.
 * Roles and ClusterRoles: each rule as `ValidatePolicyRule` (verbs; a non-resource rule only in a
 * ClusterRole and with nothing else; a resource rule with apiGroups and resources) and a
 * ClusterRole's `aggregationRule` with at least one selector, each a valid label selector
 * (ValidateLabelSelector, label values checked; one that LabelSelectorAsSelector cannot make a
 * selector is also `invalid label selector.` at the selector itself).
 */
import { labelSelectorErrors } from "./label-rules.js";
import { nameProblems } from "./validation.js";
import { goStrings, type FieldError } from "./status.js";

type Obj = Record<string, any>;

const RBAC_GROUP = "rbac.authorization.k8s.io";

/** SetDefaults_RoleBinding/ClusterRoleBinding and SetDefaults_Subject. */
export function defaultBinding(binding: Obj): void {
  // roleRef is a struct in Go: always there, so always defaulted.
  if (!binding.roleRef || typeof binding.roleRef !== "object") binding.roleRef = {};
  if (!binding.roleRef.apiGroup) binding.roleRef.apiGroup = RBAC_GROUP;
  for (const subject of Array.isArray(binding.subjects) ? binding.subjects : []) {
    if (subject && typeof subject === "object" && !subject.apiGroup && (subject.kind === "User" || subject.kind === "Group")) subject.apiGroup = RBAC_GROUP;
  }
}

function subjectErrors(subject: Obj, at: string, namespaced: boolean): FieldError[] {
  const errors: FieldError[] = [];
  const name = String(subject?.name ?? "");
  const apiGroup = String(subject?.apiGroup ?? "");
  if (!name) errors.push({ type: "Required", field: `${at}.name` });
  switch (subject?.kind) {
    case "ServiceAccount":
      if (name) for (const p of nameProblems(name, "subdomain")) errors.push({ type: "Invalid", field: `${at}.name`, value: name, detail: p });
      if (apiGroup) errors.push({ type: "NotSupported", field: `${at}.apiGroup`, value: apiGroup, supported: [""] });
      if (!namespaced && !subject.namespace) errors.push({ type: "Required", field: `${at}.namespace` });
      break;
    case "User":
    case "Group":
      if (apiGroup !== RBAC_GROUP) errors.push({ type: "NotSupported", field: `${at}.apiGroup`, value: apiGroup, supported: [RBAC_GROUP] });
      break;
    default:
      errors.push({ type: "NotSupported", field: `${at}.kind`, value: String(subject?.kind ?? ""), supported: ["ServiceAccount", "User", "Group"] });
  }
  return errors;
}

/** ValidateRoleBinding (`namespaced`) or ValidateClusterRoleBinding. */
export function bindingErrors(binding: Obj, namespaced: boolean): FieldError[] {
  const errors: FieldError[] = [];
  const ref = (binding.roleRef ?? {}) as Obj;
  const apiGroup = String(ref.apiGroup ?? "");
  const kind = String(ref.kind ?? "");
  const name = String(ref.name ?? "");
  if (apiGroup !== RBAC_GROUP) errors.push({ type: "NotSupported", field: "roleRef.apiGroup", value: apiGroup, supported: [RBAC_GROUP] });
  const kinds = namespaced ? ["Role", "ClusterRole"] : ["ClusterRole"];
  if (!kinds.includes(kind)) errors.push({ type: "NotSupported", field: "roleRef.kind", value: kind, supported: kinds });
  if (!name) errors.push({ type: "Required", field: "roleRef.name" });
  else for (const p of nameProblems(name, "segment")) errors.push({ type: "Invalid", field: "roleRef.name", value: name, detail: p });
  (Array.isArray(binding.subjects) ? binding.subjects : []).forEach((s: Obj, i: number) => errors.push(...subjectErrors(s, `subjects[${i}]`, namespaced)));
  return errors;
}

/** `rbac.RoleRef{APIGroup:"…", Kind:"…", Name:"…"}`: Go's `%#v` of the internal type. */
function goRoleRef(ref: Obj): string {
  return `rbac.RoleRef{APIGroup:${JSON.stringify(String(ref.apiGroup ?? ""))}, Kind:${JSON.stringify(String(ref.kind ?? ""))}, Name:${JSON.stringify(String(ref.name ?? ""))}}`;
}

/** ValidateRoleBindingUpdate: `roleRef` never changes (delete and create the binding instead). */
export function bindingUpdateErrors(next: Obj, old: Obj): FieldError[] {
  const a = (next.roleRef ?? {}) as Obj;
  const b = (old.roleRef ?? {}) as Obj;
  const same = a.apiGroup === b.apiGroup && a.kind === b.kind && a.name === b.name;
  return same ? [] : [{ type: "Invalid", field: "roleRef", rendered: goRoleRef(a), detail: "cannot change roleRef" }];
}

const count = (list: unknown): number => (Array.isArray(list) ? list.length : 0);

/** ValidatePolicyRule of `rules[i]` (`namespaced` for a Role's). */
function policyRuleErrors(rule: Obj, namespaced: boolean, at: string): FieldError[] {
  const errors: FieldError[] = [];
  if (count(rule?.verbs) === 0) errors.push({ type: "Required", field: `${at}.verbs`, detail: "verbs must contain at least one value" });
  if (count(rule?.nonResourceURLs) > 0) {
    const rendered = goStrings(rule.nonResourceURLs);
    if (namespaced) errors.push({ type: "Invalid", field: `${at}.nonResourceURLs`, rendered, detail: "namespaced rules cannot apply to non-resource URLs" });
    if (count(rule.apiGroups) > 0 || count(rule.resources) > 0 || count(rule.resourceNames) > 0) {
      errors.push({ type: "Invalid", field: `${at}.nonResourceURLs`, rendered, detail: "rules cannot apply to both regular resources and non-resource URLs" });
    }
    return errors;
  }
  if (count(rule?.apiGroups) === 0) errors.push({ type: "Required", field: `${at}.apiGroups`, detail: "resource rules must supply at least one api group" });
  if (count(rule?.resources) === 0) errors.push({ type: "Required", field: `${at}.resources`, detail: "resource rules must supply at least one resource" });
  return errors;
}

/** ValidateRole (`namespaced`) or ValidateClusterRole, after the metadata. */
export function roleErrors(role: Obj, namespaced: boolean): FieldError[] {
  const errors: FieldError[] = [];
  (Array.isArray(role.rules) ? role.rules : []).forEach((r: Obj, i: number) => errors.push(...policyRuleErrors(r, namespaced, `rules[${i}]`)));
  if (!namespaced && role.aggregationRule && count(role.aggregationRule.clusterRoleSelectors) === 0) {
    errors.push({ type: "Required", field: "aggregationRule.clusterRoleSelectors", detail: "at least one clusterRoleSelector required if aggregationRule is non-nil" });
  }
  if (!namespaced && Array.isArray(role.aggregationRule?.clusterRoleSelectors)) {
    role.aggregationRule.clusterRoleSelectors.forEach((selector: unknown, i: number) => {
      const at = `aggregationRule.clusterRoleSelectors[${i}]`;
      const problems = labelSelectorErrors(selector, at);
      errors.push(...problems);
      // LabelSelectorAsSelector fails on what ValidateLabelSelector (values checked) refuses; its nil selector is "null".
      if (problems.length) errors.push({ type: "Invalid", field: at, value: null, detail: "invalid label selector." });
    });
  }
  return errors;
}
