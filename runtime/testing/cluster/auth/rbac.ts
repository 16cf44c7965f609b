/**
 * @module cluster/auth/rbac
 * The RBAC authorizer, as plugin/pkg/auth/authorizer/rbac: the rules of every
 * ClusterRoleBinding, then of every RoleBinding in the request's namespace, that name the user
 * (as a User, a Group it is in, or its ServiceAccount) are visited until one allows the request.
 * Members of `system:masters` are allowed before RBAC, as the real server's privileged-group
 * authorizer does. Reasons read like the real ones; a binding to a missing role makes a denial's
 * reason (and a rules review's evaluationError, not its incomplete flag), as there.
 */
import type { ClusterRoleBinding, PolicyRule, RoleBinding, RoleRef, Subject } from "kubernetes-types/rbac/v1.js";
import type { NonResourceRule } from "kubernetes-types/authorization/v1.js";
import { ruleAllows } from "./rules.js";
import type { Authorizer, RbacSource, RequestAttributes, ResourceRule, RulesVia, UserInfo, UserRules } from "./types.js";

/** The group whose members may do anything, whatever RBAC says. */
export const PRIVILEGED_GROUP = "system:masters";

/** Receives each applicable rule with a description of where it comes from; returning `false` stops the visit. */
type Visitor = (source: string, rule: PolicyRule) => boolean;

function appliesToUser(user: UserInfo, subject: Subject, namespace: string): boolean {
  switch (subject.kind) {
    case "User":
      return user.username === subject.name;
    case "Group":
      return user.groups.includes(subject.name);
    case "ServiceAccount": {
      const saNamespace = subject.namespace || namespace;
      return saNamespace !== "" && user.username === `system:serviceaccount:${saNamespace}:${subject.name}`;
    }
    default:
      return false;
  }
}

function describeSubject(subject: Subject, bindingNamespace: string): string {
  if (subject.kind === "ServiceAccount") {
    return `${subject.kind} ${JSON.stringify(`${subject.name}/${subject.namespace || bindingNamespace}`)}`;
  }
  return `${subject.kind} ${JSON.stringify(subject.name)}`;
}

function describe(binding: ClusterRoleBinding | RoleBinding, subject: Subject): string {
  const ns = binding.metadata?.namespace ?? "";
  const name = binding.metadata?.name ?? "";
  const kind = ns ? "RoleBinding" : "ClusterRoleBinding";
  const bindingName = ns ? `${name}/${ns}` : name;
  const ref = binding.roleRef;
  return `${kind} ${JSON.stringify(bindingName)} of ${ref.kind} ${JSON.stringify(ref.name)} to ${describeSubject(subject, ns)}`;
}

/** Joins errors as utilerrors.NewAggregate's Error() does: each message once; one alone, several in brackets. */
function aggregate(errors: string[]): string {
  const distinct = [...new Set(errors)];
  return distinct.length === 1 ? (distinct[0] ?? "") : `[${distinct.join(", ")}]`;
}

function toResourceRule(rule: PolicyRule): ResourceRule {
  const out: ResourceRule = { verbs: rule.verbs, apiGroups: rule.apiGroups ?? [], resources: rule.resources ?? [] };
  if (rule.resourceNames?.length) out.resourceNames = rule.resourceNames;
  return out;
}

/**
 * Creates the RBAC authorizer reading its objects from `source` at every decision.
 *
 * @example
 * const authz = createAuthorizer({ roles: (ns) => store.list("roles", ns), ... });
 * const { allowed, reason } = authz.authorize(attrs);
 * if (!allowed) return reply(403, forbiddenStatus(attrs, reason));
 */
export function createAuthorizer(source: RbacSource): Authorizer {
  /**
   * A missing role is NotFound as its getter words it: the authorizer's listers name the
   * resource singular (`role.rbac...`), the registries' stores plural (`roles.rbac...`).
   */
  function roleRules(ref: RoleRef, namespace: string, via: RulesVia): PolicyRule[] | string {
    const missing = (resource: string) => `${resource}${via === "registry" ? "s" : ""}.rbac.authorization.k8s.io ${JSON.stringify(ref.name)} not found`;
    if (ref.kind === "Role") {
      const role = source.roles(namespace).find((r) => r.metadata?.name === ref.name);
      return role ? (role.rules ?? []) : missing("role");
    }
    if (ref.kind === "ClusterRole") {
      const role = source.clusterRoles().find((r) => r.metadata?.name === ref.name);
      return role ? (role.rules ?? []) : missing("clusterrole");
    }
    return `unsupported role reference kind: ${JSON.stringify(ref.kind)}`;
  }

  /** VisitRulesFor: returns the errors met (missing roles), stopping early when `visit` says so. */
  function visitRulesFor(user: UserInfo, namespace: string, visit: Visitor, via: RulesVia = "listers"): string[] {
    const errors: string[] = [];
    const bindings: [ClusterRoleBinding | RoleBinding, string][] = source.clusterRoleBindings().map((b) => [b, ""]);
    if (namespace) bindings.push(...source.roleBindings(namespace).map((b): [RoleBinding, string] => [b, namespace]));
    for (const [binding, ns] of bindings) {
      const subject = (binding.subjects ?? []).find((s) => appliesToUser(user, s, ns));
      if (!subject) continue;
      const rules = roleRules(binding.roleRef, ns, via);
      if (typeof rules === "string") {
        errors.push(rules);
        continue;
      }
      const description = describe(binding, subject);
      for (const rule of rules) if (!visit(description, rule)) return errors;
    }
    return errors;
  }

  return {
    authorize(attrs: RequestAttributes) {
      if (attrs.user.groups.includes(PRIVILEGED_GROUP)) return { allowed: true, reason: "" };
      let reason = "";
      const errors = visitRulesFor(attrs.user, attrs.namespace, function allows(description, rule) {
        if (!ruleAllows(attrs, rule)) return true;
        reason = `RBAC: allowed by ${description}`;
        return false;
      });
      if (reason) return { allowed: true, reason };
      return { allowed: false, reason: errors.length ? `RBAC: ${aggregate(errors)}` : "" };
    },

    rulesFor(user: UserInfo, namespace: string, via: RulesVia = "listers"): UserRules {
      const resourceRules: ResourceRule[] = [];
      const nonResourceRules: NonResourceRule[] = [];
      const errors = visitRulesFor(user, namespace, function collect(_description, rule) {
        if (rule.resources?.length) resourceRules.push(toResourceRule(rule));
        if (rule.nonResourceURLs?.length) nonResourceRules.push({ verbs: rule.verbs, nonResourceURLs: rule.nonResourceURLs });
        return true;
      }, via);
      // RBACAuthorizer.RulesFor never says incomplete (only the node authorizer does, for nodes):
      // a binding to a missing role is told by evaluationError alone.
      const rules: UserRules = { resourceRules, nonResourceRules, incomplete: false };
      if (errors.length) rules.evaluationError = aggregate(errors);
      return rules;
    },
  };
}
