/**
 * @module cluster/webhook-authz
 * Kubernetes' CEL authz library as 1.32 gives it to webhooks' matchConditions (apiserver
 * pkg/cel/library/authz.go, and its selectors library, on by 1.32's default
 * AuthorizeWithSelectors): `authorizer.group(g).resource(r)[.subresource(s)][.namespace(n)]
 * [.name(n)][.fieldSelector(f)][.labelSelector(l)].check(verb)`, `authorizer.path(p).check(verb)`,
 * `authorizer.serviceAccount(namespace, name)` (checks as `system:serviceaccount:<ns>:<name>` with
 * the groups `system:serviceaccounts` and `system:serviceaccounts:<ns>` alone, as
 * ServiceAccountInfo.UserInfo() has it: not `system:authenticated`), `authorizer.requestResource`
 * (the request's own group, resource, subresource, namespace and name:
 * NewResourceAuthorizerVal), and a decision's `allowed()`, `reason()`, `errored()`, `error()`.
 * A check asks `authorize` (the cluster's RBAC authorizer, or review()'s SubjectAccessReviews)
 * for the request's user (its userInfo), with the attributes AttributesRecord carries
 * (`APIVersion: "*"`); selectors are parsed there but no RBAC rule reads them, so they are not
 * passed on. Errors are the library's words (`path must not be empty`, `resource must not be
 * empty`, `Invalid service account name`, `Invalid service account namespace`).
 */
import type { Environment } from "@marcbachmann/cel-js";
import type { Decision, RequestAttributes, UserInfo } from "./auth/types.js";
import { nameProblems } from "./validation.js";

/** An authorizer's answer; `error` is the error it returned (none from RBAC), `errored()` when set. */
export type AuthzAnswer = Decision & { error?: string };

/** Decides one check; a Promise when it asks over the network (review()'s SubjectAccessReviews). */
export type Authorize = (attributes: RequestAttributes) => AuthzAnswer | Promise<AuthzAnswer>;

/** The CEL type names, as cel-go declares them. */
const T = {
  authorizer: "kubernetes.authorization.Authorizer",
  path: "kubernetes.authorization.PathCheck",
  group: "kubernetes.authorization.GroupCheck",
  resource: "kubernetes.authorization.ResourceCheck",
  decision: "kubernetes.authorization.Decision",
} as const;

class AuthzDecision {
  constructor(
    readonly allowed: boolean,
    readonly reason: string,
    readonly error: string,
  ) {}
}

/** `authorizer`, or what `serviceAccount()` makes of it; `requestResource` only on the request's own. */
export class Authorizer {
  constructor(
    readonly user: UserInfo,
    readonly authorize: Authorize,
    readonly requestResource?: ResourceCheck,
  ) {}

  decide(attributes: Omit<RequestAttributes, "user">): AuthzDecision | Promise<AuthzDecision> {
    const toDecision = (a: AuthzAnswer) => new AuthzDecision(a.allowed, a.reason, a.error ?? "");
    const answer = this.authorize({ user: this.user, ...attributes });
    return answer instanceof Promise ? answer.then(toDecision) : toDecision(answer);
  }
}

class PathCheck {
  constructor(
    readonly authorizer: Authorizer,
    readonly path: string,
  ) {}
}

class GroupCheck {
  constructor(
    readonly authorizer: Authorizer,
    readonly group: string,
  ) {}
}

type ResourceFields = { resource: string; subresource: string; namespace: string; name: string; fieldSelector: string; labelSelector: string };

class ResourceCheck {
  constructor(
    readonly authorizer: Authorizer,
    readonly group: string,
    readonly fields: ResourceFields,
  ) {}

  with(change: Partial<ResourceFields>): ResourceCheck {
    return new ResourceCheck(this.authorizer, this.group, { ...this.fields, ...change });
  }
}

function resourceCheck(authorizer: Authorizer, group: string, resource: string): ResourceCheck {
  return new ResourceCheck(authorizer, group, { resource, subresource: "", namespace: "", name: "", fieldSelector: "", labelSelector: "" });
}

/** What the API server gives a webhook's conditions of the request: who asks, and what. */
export interface AuthzRequest {
  userInfo?: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
  resource?: { group?: string; resource?: string };
  subResource?: string;
  namespace?: string;
  name?: string;
}

/**
 * The `authorizer` variable for `request` (NewAuthorizerVal, with NewResourceAuthorizerVal as
 * its `requestResource`), its checks decided by `authorize`.
 *
 * @example
 * const context = { request, authorizer: requestAuthorizer(request, (attrs) => rbac.authorize(attrs)) };
 */
export function requestAuthorizer(request: AuthzRequest, authorize: Authorize): Authorizer {
  const info = request.userInfo ?? {};
  const user: UserInfo = { username: info.username ?? "", groups: info.groups ?? [], ...(info.uid ? { uid: info.uid } : {}), ...(info.extra ? { extra: info.extra } : {}) };
  const plain = new Authorizer(user, authorize);
  const own = resourceCheck(plain, request.resource?.group ?? "", request.resource?.resource ?? "").with({ subresource: request.subResource ?? "", namespace: request.namespace ?? "", name: request.name ?? "" });
  return new Authorizer(user, authorize, own);
}

/** serviceAccount(): the name a DNS subdomain, the namespace a DNS label, as authorizerServiceAccount checks them (the name first). */
function serviceAccount(authorizer: Authorizer, namespace: string, name: string): Authorizer {
  if (nameProblems(name, "subdomain").length > 0) throw new Error("Invalid service account name");
  if (nameProblems(namespace, "label").length > 0) throw new Error("Invalid service account namespace");
  const user: UserInfo = { username: `system:serviceaccount:${namespace}:${name}`, groups: ["system:serviceaccounts", `system:serviceaccounts:${namespace}`] };
  return new Authorizer(user, authorizer.authorize);
}

function checkResource(check: ResourceCheck, verb: string): AuthzDecision | Promise<AuthzDecision> {
  const { resource, subresource, namespace, name } = check.fields;
  return check.authorizer.decide({ verb, resourceRequest: true, path: "", apiGroup: check.group, apiVersion: "*", resource, subresource, name, namespace });
}

function checkPath(check: PathCheck, verb: string): AuthzDecision | Promise<AuthzDecision> {
  return check.authorizer.decide({ verb, resourceRequest: false, path: check.path, apiGroup: "", apiVersion: "", resource: "", subresource: "", name: "", namespace: "" });
}

const notBlank = (value: string, what: string) => {
  if (value.trim() === "") throw new Error(`${what} must not be empty`);
  return value;
};

/**
 * `env` with the library declared: `authorizer` (its one field, `requestResource`), the five
 * types and their functions.
 */
export function withAuthz(env: Environment): Environment {
  const set = (field: keyof ResourceFields) => (check: ResourceCheck, value: string) => check.with({ [field]: value });
  return env
    // Fields declared (none but requestResource), so a select of any other is refused as cel-go refuses it.
    .registerType(T.resource, { ctor: ResourceCheck, fields: {} })
    .registerType(T.authorizer, { ctor: Authorizer, fields: { requestResource: T.resource } })
    .registerType(T.path, { ctor: PathCheck, fields: {} })
    .registerType(T.group, { ctor: GroupCheck, fields: {} })
    .registerType(T.decision, { ctor: AuthzDecision, fields: {} })
    .registerVariable("authorizer", T.authorizer)
    .registerFunction(`${T.authorizer}.path(string): ${T.path}`, (a: Authorizer, path: string) => new PathCheck(a, notBlank(path, "path")))
    .registerFunction(`${T.authorizer}.group(string): ${T.group}`, (a: Authorizer, group: string) => new GroupCheck(a, group))
    .registerFunction(`${T.authorizer}.serviceAccount(string, string): ${T.authorizer}`, serviceAccount)
    .registerFunction(`${T.group}.resource(string): ${T.resource}`, (g: GroupCheck, resource: string) => resourceCheck(g.authorizer, g.group, notBlank(resource, "resource")))
    .registerFunction(`${T.resource}.subresource(string): ${T.resource}`, set("subresource"))
    .registerFunction(`${T.resource}.namespace(string): ${T.resource}`, set("namespace"))
    .registerFunction(`${T.resource}.name(string): ${T.resource}`, set("name"))
    .registerFunction(`${T.resource}.fieldSelector(string): ${T.resource}`, set("fieldSelector"))
    .registerFunction(`${T.resource}.labelSelector(string): ${T.resource}`, set("labelSelector"))
    .registerFunction(`${T.resource}.check(string): ${T.decision}`, checkResource)
    .registerFunction(`${T.path}.check(string): ${T.decision}`, checkPath)
    .registerFunction(`${T.decision}.allowed(): bool`, (d: AuthzDecision) => d.allowed)
    .registerFunction(`${T.decision}.reason(): string`, (d: AuthzDecision) => d.reason)
    .registerFunction(`${T.decision}.errored(): bool`, (d: AuthzDecision) => d.error !== "")
    .registerFunction(`${T.decision}.error(): string`, (d: AuthzDecision) => d.error);
}

/**
 * Whether `ast` selects `requestResource` of what `serviceAccount()` returns: cel-go declares
 * `authorizer.requestResource` as a variable of its own (the Authorizer type has no fields), so
 * there it is `undefined field 'requestResource'`.
 */
export function selectsRequestResourceOfAccount(ast: unknown): boolean {
  if (Array.isArray(ast)) return ast.some(selectsRequestResourceOfAccount);
  if (typeof ast !== "object" || ast === null) return false;
  const node = ast as { op?: unknown; args?: unknown };
  if (node.op === "." && Array.isArray(node.args) && node.args[1] === "requestResource") {
    const operand = node.args[0] as { op?: unknown; args?: unknown[] } | undefined;
    if (operand?.op === "rcall" && operand.args?.[0] === "serviceAccount") return true;
  }
  return selectsRequestResourceOfAccount(node.args);
}
