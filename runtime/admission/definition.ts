/**
 * @module admission/definition
 * A function's `admission` trigger as the loader checks it: the rules the definition schema
 * (zod) and its zod-free twin (definition-accept.ts) share, the problems across fields (an
 * admission function has no other trigger, no input and no `timeoutMs`; a rule's scope that
 * cannot match its resource), and the defaults a loaded webhook gets (`loadAdmission`).
 */
import type { z as Zod } from "zod";
import type { LabelSelector } from "kubernetes-types/meta/v1.js";
import type { WatchedResourceType } from "../function.js";
import { API_VERSION, builtInWatchNames, unknownResourceMessage, watchedType } from "../watch/definition.js";
import type { AdmissionTrigger, LoadedAdmission } from "./types.js";

export const ADMISSION_TYPES = ["validating", "mutating"] as const;
export const ADMISSION_OPERATIONS = ["CREATE", "UPDATE", "DELETE", "CONNECT", "*"] as const;
export const ADMISSION_SCOPES = ["Namespaced", "Cluster", "*"] as const;
export const FAILURE_POLICIES = ["Fail", "Ignore"] as const;
export const SIDE_EFFECTS = ["None", "NoneOnDryRun"] as const;
export const SELECTOR_OPERATORS = ["In", "NotIn", "Exists", "DoesNotExist"] as const;
export const REINVOCATION_POLICIES = ["Never", "IfNeeded"] as const;
/** Kubernetes' limit on a webhook's `matchConditions`. */
export const MAX_MATCH_CONDITIONS = 64;
/** Kubernetes' bounds and default of a webhook's `timeoutSeconds`. */
export const MIN_TIMEOUT_SECONDS = 1;
export const MAX_TIMEOUT_SECONDS = 30;
export const DEFAULT_TIMEOUT_SECONDS = 10;
/** Subresources the API server reaches only by CONNECT (`kubectl exec`, `attach`, `port-forward`, the proxy). */
export const CONNECT_SUBRESOURCES: ReadonlySet<string> = new Set(["exec", "attach", "portforward", "proxy"]);
/** A subresource's name: `status`, `scale`, `exec`, `ephemeralcontainers`. */
const SUBRESOURCE = /^[a-z]+$/;
/** Where a webhook is served on the webhook port: `/admission/<name>`. */
export const ADMISSION_PATH_PREFIX = "/admission/";

/** A label key: an optional DNS-subdomain prefix and `/`, then a name of at most 63 characters. */
export const LABEL_KEY = /^(?:(?=.{1,253}\/)[a-z0-9]([-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?(?=.{1,63}$)[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
/** A label value: empty, or at most 63 characters of letters, digits, `-`, `_`, `.`, starting and ending with a letter or digit. */
export const LABEL_VALUE = /^(?:(?=.{1,63}$)[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;
const PLAIN_RESOURCE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const KIND = /^[A-Z][A-Za-z0-9]*$/;
const API_GROUP = /^(|[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)$/;

const keys = (...names: string[]): ReadonlySet<string> => new Set(names);
const ADMISSION = keys("type", "rules", "failurePolicy", "timeoutSeconds", "sideEffects", "namespaceSelector", "objectSelector", "matchConditions", "reinvocationPolicy");
const MATCH_CONDITION = keys("name", "expression");
const RULE = keys("operations", "resource", "scope");
const RESOURCE_TYPE = keys("group", "version", "resource", "namespaced", "kind", "subresource");
const SELECTOR = keys("matchLabels", "matchExpressions");
const EXPRESSION = keys("key", "operator", "values");

/** The keys each object of `admission` takes, by path (for definition-accept's KEYS_BY_PATH: "did you mean"). */
export const ADMISSION_KEYS_BY_PATH: Record<string, ReadonlySet<string>> = {
  admission: ADMISSION,
  "admission.rules": RULE,
  "admission.rules.resource": RESOURCE_TYPE,
  "admission.namespaceSelector": SELECTOR,
  "admission.objectSelector": SELECTOR,
  "admission.namespaceSelector.matchExpressions": EXPRESSION,
  "admission.objectSelector.matchExpressions": EXPRESSION,
  "admission.matchConditions": MATCH_CONDITION,
};

/** The zod schema of `admission` (definition-schema.ts puts it in the definition's). */
export function admissionZodSchema(z: typeof Zod) {
  const expression = z
    .strictObject({
      key: z.string().regex(LABEL_KEY, "must be a label key such as app or example.com/team"),
      operator: z.enum(SELECTOR_OPERATORS, { error: `must be one of ${SELECTOR_OPERATORS.join(", ")}` }),
      values: z.array(z.string().regex(LABEL_VALUE, "must be a label value (at most 63 letters, digits, '-', '_' and '.')")).optional(),
    })
    .superRefine((e, ctx) => {
      const problem = expressionProblem(e);
      if (problem) ctx.addIssue({ code: "custom", path: ["values"], message: problem });
    });
  const selector = z.strictObject({
    matchLabels: z
      .record(z.string().regex(LABEL_KEY), z.string().regex(LABEL_VALUE, "must be a label value (at most 63 letters, digits, '-', '_' and '.')"), {
        error: (issue) => (issue.code === "invalid_key" ? "must be a label key such as app or example.com/team" : undefined),
      })
      .optional(),
    matchExpressions: z.array(expression).optional(),
  });
  const resourceType = z.strictObject({
    group: z.string().regex(API_GROUP, 'must be an API group without its version: "" for the core group, "apps", "example.com"'),
    version: z.string().regex(API_VERSION, 'must be an API version such as "v1" or "v1beta1"'),
    resource: z.string().regex(PLAIN_RESOURCE, 'must be a lower-case plural such as "widgets" (not the kind)'),
    namespaced: z.boolean({ error: "is required: true for a namespaced type, false for a cluster-scoped one" }),
    kind: z.string().regex(KIND, 'must be a Kind such as "Backup"').optional(),
    subresource: z.string().regex(SUBRESOURCE, 'must be a lower-case subresource name such as "status" or "scale"').optional(),
  });
  const rule = z.strictObject({
    operations: z.array(z.enum(ADMISSION_OPERATIONS, { error: `must be one of ${ADMISSION_OPERATIONS.join(", ")}` })).min(1, 'list at least one operation (or "*" for all)'),
    resource: z.union([z.string().refine((r) => ruleResource(r) !== undefined, { error: (issue) => ruleResourceMessage(String(issue.input)) }), resourceType], {
      error: `must name a built-in resource (${builtInWatchNames().slice(0, 6).join(", ")}, ...) or be {group, version, resource, namespaced}`,
    }),
    scope: z.enum(ADMISSION_SCOPES, { error: `must be one of ${ADMISSION_SCOPES.join(", ")}` }).optional(),
  });
  return z.strictObject({
    type: z.enum(ADMISSION_TYPES, { error: 'must be "validating" or "mutating"' }),
    rules: z.array(rule).min(1, "list at least one rule: which operations on which resource"),
    failurePolicy: z.enum(FAILURE_POLICIES, { error: 'must be "Fail" or "Ignore"' }).optional(),
    timeoutSeconds: z.number().int("must be a whole number of seconds").min(MIN_TIMEOUT_SECONDS, `must be at least ${MIN_TIMEOUT_SECONDS}`).max(MAX_TIMEOUT_SECONDS, `must be at most ${MAX_TIMEOUT_SECONDS} (the API server's limit)`).optional(),
    sideEffects: z.enum(SIDE_EFFECTS, { error: 'must be "None" or "NoneOnDryRun" (a webhook with other side effects could not be called for dry runs)' }).optional(),
    namespaceSelector: selector.optional(),
    objectSelector: selector.optional(),
    matchConditions: z
      .array(
        z.strictObject({
          name: z.string().regex(LABEL_KEY, "must be a qualified name such as exclude-leases or example.com/skip-system (at most 63 characters after an optional DNS prefix and '/')"),
          expression: z.string({ error: "is required: a CEL expression that evaluates to a bool" }).refine((e) => e.trim() !== "", "must be a CEL expression that evaluates to a bool"),
        }),
      )
      .min(1, "list at least one condition, or leave matchConditions out")
      .max(MAX_MATCH_CONDITIONS, `must have at most ${MAX_MATCH_CONDITIONS} conditions (the API server's limit)`)
      .optional(),
    reinvocationPolicy: z.enum(REINVOCATION_POLICIES, { error: 'must be "Never" or "IfNeeded"' }).optional(),
  });
}

/** Why a selector expression's `values` do not fit its operator (Kubernetes' rule), if they do not. */
function expressionProblem(e: { operator: string; values?: readonly unknown[] | undefined }): string | undefined {
  const some = e.values !== undefined && e.values.length > 0;
  if ((e.operator === "In" || e.operator === "NotIn") && !some) return `must list at least one value for ${e.operator}`;
  if ((e.operator === "Exists" || e.operator === "DoesNotExist") && e.values !== undefined && e.values.length > 0) return `must be left out for ${e.operator}`;
  return undefined;
}

/**
 * A rule's `resource` as the type it names and the subresource, if any: `"pods/exec"` is pods'
 * `exec`, `"deployments.apps/scale"` deployments' `scale`, `{..., subresource: "status"}` the
 * descriptor's `status`. Undefined when the resource (before the `/`) is not a known built-in.
 */
export function ruleResource(resource: unknown): { type: WatchedResourceType; subresource?: string } | undefined {
  if (typeof resource === "string") {
    const slash = resource.indexOf("/");
    const type = watchedType(slash < 0 ? resource : resource.slice(0, slash));
    if (!type) return undefined;
    const subresource = slash < 0 ? undefined : resource.slice(slash + 1);
    if (subresource !== undefined && !SUBRESOURCE.test(subresource)) return undefined;
    return { type, ...(subresource !== undefined ? { subresource } : {}) };
  }
  if (typeof resource !== "object" || resource === null) return undefined;
  const { subresource, ...type } = resource as WatchedResourceType & { subresource?: string };
  return { type, ...(subresource !== undefined ? { subresource } : {}) };
}

/** Why a string rule resource is not one, for zod: an unknown type, or a subresource that is not a name. */
function ruleResourceMessage(input: string): string {
  const slash = input.indexOf("/");
  if (slash >= 0 && watchedType(input.slice(0, slash))) return `the subresource after "/" must be a lower-case name such as "exec", "status" or "scale" ("${input}")`;
  return slash < 0 ? unknownResourceMessage(input) : unknownResourceMessage(input.slice(0, slash), input.slice(slash + 1));
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
const strict = (v: unknown, allowed: ReadonlySet<string>): v is Obj => {
  if (!isObject(v)) return false;
  for (const key in v) if (!allowed.has(key)) return false;
  return Object.values(Object.getOwnPropertyDescriptors(v)).every((d) => "value" in d);
};
const optional = (v: unknown, test: (v: unknown) => boolean) => v === undefined || test(v);
const oneOf = (values: readonly unknown[]) => (v: unknown) => values.includes(v);
const matches = (re: RegExp) => (v: unknown) => typeof v === "string" && re.test(v);
const arrayOf = (v: unknown, test: (item: unknown) => boolean, min = 1) => Array.isArray(v) && Object.getPrototypeOf(v) === Array.prototype && v.length >= min && Array.from(v).every(test);

function selector(v: unknown): boolean {
  return (
    strict(v, SELECTOR) &&
    optional(v.matchLabels, (labels) => isObject(labels) && Object.entries(labels).every(([key, value]) => LABEL_KEY.test(key) && matches(LABEL_VALUE)(value))) &&
    optional(v.matchExpressions, (list) =>
      arrayOf(list, (e) => strict(e, EXPRESSION) && matches(LABEL_KEY)(e.key) && oneOf(SELECTOR_OPERATORS)(e.operator) && optional(e.values, (vs) => arrayOf(vs, matches(LABEL_VALUE), 0)) && expressionProblem(e as { operator: string; values?: unknown[] }) === undefined, 0),
    )
  );
}

function resourceType(v: unknown): boolean {
  return strict(v, RESOURCE_TYPE) && matches(API_GROUP)(v.group) && matches(API_VERSION)(v.version) && matches(PLAIN_RESOURCE)(v.resource) && typeof v.namespaced === "boolean" && optional(v.kind, matches(KIND)) && optional(v.subresource, matches(SUBRESOURCE));
}

function rule(v: unknown): boolean {
  return (
    strict(v, RULE) &&
    arrayOf(v.operations, oneOf(ADMISSION_OPERATIONS)) &&
    (typeof v.resource === "string" ? ruleResource(v.resource) !== undefined : resourceType(v.resource)) &&
    optional(v.scope, oneOf(ADMISSION_SCOPES))
  );
}

/**
 * The zod-free twin of `admissionZodSchema`: true only when zod would accept `v` as it is
 * (definition-accept.ts's `acceptsDefinition` asks it; false means "ask zod", which explains).
 */
export function acceptsAdmission(v: unknown): boolean {
  return (
    strict(v, ADMISSION) &&
    oneOf(ADMISSION_TYPES)(v.type) &&
    arrayOf(v.rules, rule) &&
    optional(v.failurePolicy, oneOf(FAILURE_POLICIES)) &&
    optional(v.timeoutSeconds, (n) => typeof n === "number" && Number.isInteger(n) && n >= MIN_TIMEOUT_SECONDS && n <= MAX_TIMEOUT_SECONDS) &&
    optional(v.sideEffects, oneOf(SIDE_EFFECTS)) &&
    optional(v.namespaceSelector, selector) &&
    optional(v.objectSelector, selector) &&
    optional(v.matchConditions, (list) => arrayOf(list, matchCondition) && (list as unknown[]).length <= MAX_MATCH_CONDITIONS) &&
    optional(v.reinvocationPolicy, oneOf(REINVOCATION_POLICIES))
  );
}

function matchCondition(v: unknown): boolean {
  return strict(v, MATCH_CONDITION) && matches(LABEL_KEY)(v.name) && typeof v.expression === "string" && v.expression.trim() !== "";
}

/** Fields an admission function cannot have, and why. */
const NOT_WITH_ADMISSION: Record<string, string> = {
  http: "the API server calls an admission webhook on the webhook port; serve the route from another function",
  schedule: "its handler answers admission reviews; schedule another function",
  watch: "its handler answers admission reviews; watch from another function",
  input: "an admission call's input is the review (ctx.trigger.request): leave input out",
  output: "its answer is the decision: leave output out",
  timeoutMs: "its deadline is admission.timeoutSeconds (podfn answers a little before the API server gives up): leave timeoutMs out",
  resources: "it runs in the HTTP Deployment, which podfn manifests' --cpu-request, --memory-limit... size: leave resources out",
};

/**
 * The problems of a definition with `admission` that span fields, each `[path, message]`:
 * another trigger, input, output, `timeoutMs` or `resources` beside it; a rule naming a built-in
 * type with the wrong `namespaced`; a rule whose `scope` its resource can never be in; a rule
 * listing `"*"` beside other operations (the API server refuses it).
 */
export function admissionProblems(written: Record<string, unknown>): Array<[string, string]> {
  if (written.admission === undefined) return [];
  const out: Array<[string, string]> = [];
  for (const [field, why] of Object.entries(NOT_WITH_ADMISSION)) if (written[field] !== undefined) out.push([field, `not taken by an admission function: ${why}`]);
  const admission = isObject(written.admission) ? written.admission : {};
  if (admission.reinvocationPolicy !== undefined && admission.type === "validating") {
    out.push(["admission.reinvocationPolicy", "only a mutating webhook is called again after other webhooks' changes: leave reinvocationPolicy out of a validating one"]);
  }
  const seen = new Set<unknown>();
  (Array.isArray(admission.matchConditions) ? (admission.matchConditions as unknown[]) : []).forEach((c, i) => {
    if (!isObject(c) || typeof c.name !== "string") return;
    if (seen.has(c.name)) out.push([`admission.matchConditions[${i}].name`, `${JSON.stringify(c.name)} is already the name of another condition: each needs its own`]);
    seen.add(c.name);
  });
  const rules = Array.isArray(admission.rules) ? (admission.rules as unknown[]) : [];
  rules.forEach((r, i) => {
    if (!isObject(r)) return;
    const at = `admission.rules[${i}]`;
    const resource = r.resource;
    const named = typeof resource === "string" ? ruleResource(resource) : undefined;
    let type: WatchedResourceType | undefined = named?.type;
    const subresource = named?.subresource ?? (isObject(resource) && typeof resource.subresource === "string" ? resource.subresource : undefined);
    const operations = Array.isArray(r.operations) ? (r.operations as unknown[]) : [];
    // validateRuleWithOperations: "if '*' is present, must not specify other operations" (a
    // repeated "*" alone is one once loaded). A rule's group, version and resource are one each,
    // never "*", so its other wildcard checks (apiGroups, apiVersions, resources) cannot fail.
    if (operations.includes("*") && operations.some((o) => o !== "*")) {
      out.push([`${at}.operations`, `"*" already means every operation, and the API server refuses it beside others: write ["*"] alone`]);
    }
    if (subresource !== undefined && CONNECT_SUBRESOURCES.has(subresource) && operations.length > 0 && !operations.includes("CONNECT") && !operations.includes("*")) {
      out.push([`${at}.operations`, `${subresource} is reached by CONNECT only (kubectl exec, attach, port-forward): write operations: ["CONNECT"], or the rule matches nothing`]);
    }
    if (isObject(resource) && typeof resource.group === "string" && typeof resource.resource === "string" && typeof resource.namespaced === "boolean") {
      const builtIn = watchedType(resource.group ? `${resource.resource}.${resource.group}` : resource.resource);
      if (builtIn && builtIn.namespaced !== resource.namespaced) out.push([`${at}.resource.namespaced`, `${builtIn.resource} ${builtIn.namespaced ? "are namespaced" : "are cluster-scoped"}: write namespaced: ${builtIn.namespaced}, or just resource: "${resource.group ? `${resource.resource}.${resource.group}` : resource.resource}"`]);
      type = resource as unknown as WatchedResourceType;
    }
    if (type && (r.scope === "Namespaced" || r.scope === "Cluster") && (r.scope === "Namespaced") !== type.namespaced) {
      out.push([`${at}.scope`, `${type.resource} are ${type.namespaced ? "namespaced" : "cluster-scoped"}: a ${r.scope} rule would match none of them; leave scope out`]);
    }
  });
  return out;
}

/**
 * When a handler's answer is due, in ms after the request arrived: 80% of `timeoutSeconds`, at
 * most a second short of it, so the answer (a denial, or what `failurePolicy` says) reaches the
 * API server before it gives up on the call (its own timeout covers the connection and TLS).
 */
export function deadlineMs(timeoutSeconds: number): number {
  return timeoutSeconds * 1000 - Math.min(1000, timeoutSeconds * 200);
}

/** The path the webhook `name` is served at: `/admission/<name>`. */
export function admissionPath(name: string): string {
  return `${ADMISSION_PATH_PREFIX}${name}`;
}

/** A selector copied (the loaded function must not share the definition's objects). */
function copySelector(s: LabelSelector): LabelSelector {
  return structuredClone(s);
}

/** The webhook with its defaults (the schema checked it first). */
export function loadAdmission(a: AdmissionTrigger, name: string): LoadedAdmission {
  const timeoutSeconds = a.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  return {
    type: a.type,
    rules: a.rules.map((r) => {
      const { type: t, subresource } = ruleResource(r.resource)!;
      return { operations: [...new Set(r.operations)], type: { group: t.group, version: t.version, resource: t.resource, namespaced: t.namespaced, ...(t.kind ? { kind: t.kind } : {}) }, ...(subresource !== undefined ? { subresource } : {}), scope: r.scope ?? "*" };
    }),
    failurePolicy: a.failurePolicy ?? "Fail",
    timeoutSeconds,
    sideEffects: a.sideEffects ?? "None",
    ...(a.namespaceSelector ? { namespaceSelector: copySelector(a.namespaceSelector) } : {}),
    ...(a.objectSelector ? { objectSelector: copySelector(a.objectSelector) } : {}),
    ...(a.matchConditions ? { matchConditions: a.matchConditions.map((c) => ({ name: c.name, expression: c.expression })) } : {}),
    ...(a.type === "mutating" ? { reinvocationPolicy: a.reinvocationPolicy ?? "Never" } : {}),
    path: admissionPath(name),
    deadlineMs: deadlineMs(timeoutSeconds),
  };
}
