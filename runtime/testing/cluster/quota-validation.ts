/**
 * @module cluster/quota-validation
 * ResourceQuota and LimitRange as 1.32's core validation checks them, where its messages carry
 * no Go struct (pkg/apis/core/validation): resource names (qualified; a name without a domain
 * must be a standard resource, for quota or for containers), quantities not negative, quota
 * scopes (known, valid for the resources limited, not conflicting; immutable on update) and a
 * scope selector's operators; limit types (standard or qualified, each once), a Pod limit with
 * no defaults, a PersistentVolumeClaim limit with a storage bound. Map keys are visited in
 * sorted order (Go visits them in no order). Not checked: the `must be an integer` of count
 * resources and a LimitRange's min/max/default relations, whose messages print the
 * resource.Quantity struct. LimitRange defaults are `SetDefaults_LimitRangeItem`'s.
 */
import { invalidField, invalidFields, type FieldError } from "./status.js";
import { labelKeyErrors } from "./label-rules.js";
import { parseGoQuantity } from "./go-scalars.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

const STANDARD_RESOURCES = new Set([
  "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage", "limits.cpu", "limits.memory", "limits.ephemeral-storage",
  "pods", "resourcequotas", "services", "replicationcontrollers", "secrets", "configmaps", "persistentvolumeclaims", "storage", "requests.storage", "services.nodeports", "services.loadbalancers",
]);
const STANDARD_QUOTA_RESOURCES = new Set([
  "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.storage", "requests.ephemeral-storage", "limits.cpu", "limits.memory", "limits.ephemeral-storage",
  "pods", "resourcequotas", "services", "replicationcontrollers", "secrets", "persistentvolumeclaims", "configmaps", "services.nodeports", "services.loadbalancers",
]);
const STANDARD_CONTAINER_RESOURCES = new Set(["cpu", "memory", "ephemeral-storage"]);
const SCOPES = new Set(["Terminating", "NotTerminating", "BestEffort", "NotBestEffort", "PriorityClass", "CrossNamespacePodAffinity"]);
const POD_COUNT = new Set(["pods"]);
const POD_COMPUTE = new Set(["cpu", "memory", "limits.cpu", "limits.memory", "requests.cpu", "requests.memory"]);
const CONFLICTING = [["BestEffort", "NotBestEffort"], ["Terminating", "NotTerminating"]];
const LIMIT_TYPES = new Set(["Pod", "Container", "PersistentVolumeClaim"]);

const hugePages = (name: string) => name.startsWith("hugepages-") || name.startsWith("requests.hugepages-");
const invalid = invalidField;
const sortedKeys = (map: unknown): string[] => (map && typeof map === "object" ? Object.keys(map).sort() : []);

/** validateResourceName: a qualified name; without a domain, a standard resource. */
function resourceNameErrors(name: string, at: string): FieldError[] {
  const qualified = invalidFields(at, name, labelKeyErrors(name));
  if (qualified.length) return qualified;
  return name.includes("/") || STANDARD_RESOURCES.has(name) || hugePages(name) ? [] : [invalid(at, name, "must be a standard resource type or fully qualified")];
}

/** ValidateResourceQuotaResourceName: besides, a name without a domain must be one quota tracks. */
function quotaResourceErrors(name: string, at: string): FieldError[] {
  const errors = resourceNameErrors(name, at);
  if (!name.includes("/") && !STANDARD_QUOTA_RESOURCES.has(name) && !hugePages(name)) errors.push(invalid(at, name, "must be a standard resource for quota"));
  return errors;
}

/** IsNativeResource and IsExtendedResourceName, for a name with a domain. */
function extendedNameErrors(name: string, at: string): FieldError[] {
  if (name.includes("kubernetes.io/")) return [];
  return name.startsWith("requests.") || labelKeyErrors(`requests.${name}`).length ? [invalid(at, name, "doesn't follow extended resource name standard")] : [];
}

/** validateContainerResourceName: a resource a container may request. */
function containerResourceErrors(name: string, at: string): FieldError[] {
  const errors = resourceNameErrors(name, at);
  if (!name.includes("/")) return STANDARD_CONTAINER_RESOURCES.has(name) || hugePages(name) ? errors : [...errors, invalid(at, name, "must be a standard resource for containers")];
  return [...errors, ...extendedNameErrors(name, at)];
}

/** ValidateNonnegativeQuantity: the value as Quantity.String() writes it (stored canonical already). */
function negativeErrors(value: unknown, at: string): FieldError[] {
  const parsed = parseGoQuantity(String(value));
  return "quantity" in parsed && parsed.quantity.mantissa < 0n ? [invalid(at, String(value), "must be greater than or equal to 0")] : [];
}

function hardErrors(hard: unknown, at: string): FieldError[] {
  return sortedKeys(hard).flatMap((k) => [...quotaResourceErrors(k, `${at}[${k}]`), ...negativeErrors((hard as Obj)[k], `${at}[${k}]`)]);
}

/** IsResourceQuotaScopeValidForResource: BestEffort limits pod counts only; the other known scopes counts and compute. */
function scopeAllows(scope: string, resource: string): boolean {
  if (scope === "BestEffort") return POD_COUNT.has(resource);
  return SCOPES.has(scope) ? POD_COUNT.has(resource) || POD_COMPUTE.has(resource) : true;
}

const goScopes = (scopes: unknown): string => (Array.isArray(scopes) ? `[]core.ResourceQuotaScope{${scopes.map((s) => JSON.stringify(String(s))).join(", ")}}` : "[]core.ResourceQuotaScope(nil)");

/** validateResourceQuotaScopes: each scope known and valid for every standard resource limited; no conflicting pair. */
function scopesErrors(spec: Obj): FieldError[] {
  const scopes: string[] = Array.isArray(spec.scopes) ? spec.scopes.map(String) : [];
  if (scopes.length === 0) return [];
  const errors: FieldError[] = [];
  const rendered = goScopes(spec.scopes);
  for (const scope of scopes) {
    if (!SCOPES.has(scope)) errors.push({ type: "Invalid", field: "spec.scopes", rendered, detail: "unsupported scope" });
    for (const k of sortedKeys(spec.hard)) {
      if ((STANDARD_QUOTA_RESOURCES.has(k) || hugePages(k)) && !scopeAllows(scope, k)) errors.push({ type: "Invalid", field: "spec.scopes", rendered, detail: "unsupported scope applied to resource" });
    }
  }
  for (const pair of CONFLICTING) if (pair.every((s) => scopes.includes(s))) errors.push({ type: "Invalid", field: "spec.scopes", rendered, detail: "conflicting scopes" });
  return errors;
}

/** validateScopedResourceSelectorRequirement's operator checks of each expression. */
function scopeSelectorErrors(spec: Obj): FieldError[] {
  const expressions: Obj[] = Array.isArray(spec.scopeSelector?.matchExpressions) ? spec.scopeSelector.matchExpressions : [];
  const at = "spec.scopeSelector.matchExpressions";
  const errors: FieldError[] = [];
  for (const req of expressions) {
    const scope = String(req?.scopeName ?? "");
    const operator = String(req?.operator ?? "");
    const values: unknown[] = Array.isArray(req?.values) ? req.values : [];
    if (!SCOPES.has(scope)) errors.push(invalid(`${at}.scopeName`, scope, "unsupported scope"));
    if (["BestEffort", "NotBestEffort", "Terminating", "NotTerminating"].includes(scope) && operator !== "Exists") {
      errors.push(invalid(`${at}.operator`, operator, "must be 'Exist' only operator when scope is any of ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort and ResourceQuotaScopeNotBestEffort"));
    }
    if (operator === "In" || operator === "NotIn") {
      if (values.length === 0) errors.push({ type: "Required", field: `${at}.values`, detail: "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector" });
    } else if (operator === "Exists" || operator === "DoesNotExist") {
      if (values.length) errors.push({ type: "Invalid", field: `${at}.values`, rendered: `[]string{${values.map((v) => JSON.stringify(String(v))).join(", ")}}`, detail: "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector" });
    } else errors.push(invalid(`${at}.operator`, operator, "not a valid selector operator"));
  }
  return errors;
}

/** ValidateResourceQuota beyond metadata: the spec's limits, scopes and scope selector. */
export function resourceQuotaErrors(quota: Obj): FieldError[] {
  const spec: Obj = quota.spec ?? {};
  return [...hardErrors(spec.hard, "spec.hard"), ...scopesErrors(spec), ...scopeSelectorErrors(spec)];
}

/** ValidateResourceQuotaUpdate's last check: the scopes never change (as a set). */
export function resourceQuotaUpdateErrors(quota: Obj, old: Obj): FieldError[] {
  const set = (o: Obj) => [...new Set<string>((o.spec?.scopes ?? []).map(String))].sort().join("\n");
  return set(quota) === set(old) ? [] : [{ type: "Invalid", field: "spec.scopes", rendered: goScopes(quota.spec?.scopes), detail: "field is immutable" }];
}

/** ValidateResourceQuotaStatus: the status's hard and used, as the spec's. */
export function resourceQuotaStatusErrors(quota: Obj): FieldError[] {
  return [...hardErrors(quota.status?.hard, "status.hard"), ...hardErrors(quota.status?.used, "status.used")];
}

/** validateLimitRangeTypeName: a qualified name; without a domain, a standard limit type. */
function limitTypeErrors(type: string, at: string): FieldError[] {
  const qualified = invalidFields(at, type, labelKeyErrors(type));
  if (qualified.length) return qualified;
  return type.includes("/") || LIMIT_TYPES.has(type) ? [] : [invalid(at, type, "must be a standard limit type or fully qualified")];
}

/** ValidateLimitRange beyond metadata (see the module: no min/max/default relations). */
export function limitRangeErrors(limitRange: Obj): FieldError[] {
  const limits: Obj[] = Array.isArray(limitRange.spec?.limits) ? limitRange.spec.limits : [];
  const seen = new Set<string>();
  return limits.flatMap((limit, i) => {
    const at = `spec.limits[${i}]`;
    const type = String(limit?.type ?? "");
    const errors = limitTypeErrors(type, `${at}.type`);
    if (seen.has(type)) errors.push({ type: "Duplicate", field: `${at}.type`, value: type });
    seen.add(type);
    const names = (key: string) => sortedKeys(limit?.[key]).flatMap((k) => (type === "Pod" || type === "Container" ? containerResourceErrors : resourceNameErrors)(k, `${at}.${key}[${k}]`));
    errors.push(...names("max"), ...names("min"));
    if (type === "Pod") {
      if (sortedKeys(limit?.default).length) errors.push({ type: "Forbidden", field: `${at}.default`, detail: "may not be specified when `type` is 'Pod'" });
      if (sortedKeys(limit?.defaultRequest).length) errors.push({ type: "Forbidden", field: `${at}.defaultRequest`, detail: "may not be specified when `type` is 'Pod'" });
    } else errors.push(...names("default"), ...names("defaultRequest"));
    if (type === "PersistentVolumeClaim" && limit?.min?.storage === undefined && limit?.max?.storage === undefined) {
      errors.push({ type: "Required", field: `${at}.limits`, detail: "either minimum or maximum storage value is required, but neither was provided" });
    }
    errors.push(...names("maxLimitRequestRatio"));
    return errors;
  });
}

/** SetDefaults_LimitRangeItem, for Container limits: the default limit from max, the default request from the default limit, else from min. */
export function defaultLimitRange(limitRange: Obj): void {
  for (const limit of Array.isArray(limitRange.spec?.limits) ? (limitRange.spec.limits as Obj[]) : []) {
    if (limit?.type !== "Container") continue;
    const fill = (key: string, from: Obj | undefined) => {
      for (const [k, v] of Object.entries(from ?? {})) {
        limit[key] ??= {};
        limit[key][k] ??= v;
      }
    };
    fill("default", limit.max);
    fill("defaultRequest", limit.default);
    fill("defaultRequest", limit.min);
  }
}
