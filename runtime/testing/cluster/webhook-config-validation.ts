/**
 * @module cluster/webhook-config-validation
 * admissionregistration.k8s.io/v1 Validating- and MutatingWebhookConfigurations: 1.32's defaults
 * (pkg/apis/admissionregistration/v1/defaults.go: failurePolicy Fail, matchPolicy Equivalent,
 * namespaceSelector and objectSelector `{}`, timeoutSeconds 10, a rule's scope `*`, a service's
 * port 443, reinvocationPolicy Never for a mutating webhook) and the checks of
 * pkg/apis/admissionregistration/validation (ValidateValidatingWebhookConfiguration and the
 * mutating one, create rules: sideEffects None or NoneOnDryRun, a recognised
 * admissionReviewVersion, unique names), in its order and words: the name fully qualified
 * (IsFullyQualifiedName), rules, failurePolicy, matchPolicy, sideEffects, timeoutSeconds 1–30,
 * selectors, reinvocationPolicy, clientConfig (exactly one of url or service;
 * webhook.ValidateWebhookURL and ValidateWebhookService), matchConditions (at most 64, names
 * qualified and unique, expressions compiled: webhook-conditions), then the review versions and
 * the duplicate name. Not modelled: an update's relaxations for what the stored object already
 * had (an update is checked as a create), the CEL cost limits.
 */
import type { FieldError } from "./status.js";
import { labelKeyErrors, labelSelectorErrors } from "./label-rules.js";
import { nameProblems } from "./validation.js";
import { conditionCompileError } from "./webhook-conditions.js";

type Obj = Record<string, any>;

/** `obj`'s keys in `order` (Go's struct field order, as the server writes them), the rest after. */
function inOrder(obj: Obj, order: readonly string[]): Obj {
  const out: Obj = {};
  for (const k of order) if (obj[k] !== undefined) out[k] = obj[k];
  for (const k of Object.keys(obj)) if (!(k in out)) out[k] = obj[k];
  return out;
}

const WEBHOOK_FIELDS = ["name", "clientConfig", "rules", "failurePolicy", "matchPolicy", "namespaceSelector", "objectSelector", "sideEffects", "timeoutSeconds", "admissionReviewVersions", "reinvocationPolicy", "matchConditions"];

/** SetDefaults_ValidatingWebhook / _MutatingWebhook, _Rule and _ServiceReference on each webhook. */
export function defaultWebhookConfiguration(mutating: boolean): (obj: Obj) => void {
  return (obj) => {
    if (!Array.isArray(obj.webhooks)) return;
    obj.webhooks = (obj.webhooks as Obj[]).map((hook) => {
      if (!hook || typeof hook !== "object") return hook;
      hook.failurePolicy ??= "Fail";
      hook.matchPolicy ??= "Equivalent";
      hook.namespaceSelector ??= {};
      hook.objectSelector ??= {};
      hook.timeoutSeconds ??= 10;
      if (mutating) hook.reinvocationPolicy ??= "Never";
      if (Array.isArray(hook.rules)) hook.rules = (hook.rules as Obj[]).map((rule) => (rule && typeof rule === "object" ? inOrder({ ...rule, scope: rule.scope ?? "*" }, ["operations", "apiGroups", "apiVersions", "resources", "scope"]) : rule));
      const service = hook.clientConfig?.service;
      if (service && typeof service === "object") hook.clientConfig.service = inOrder({ ...service, port: service.port ?? 443 }, ["namespace", "name", "path", "port"]);
      if (hook.clientConfig && typeof hook.clientConfig === "object") hook.clientConfig = inOrder(hook.clientConfig, ["url", "service", "caBundle"]);
      return inOrder(hook, WEBHOOK_FIELDS);
    });
  };
}

const notSupported = (field: string, value: unknown, supported: string[]): FieldError => ({ type: "NotSupported", field, value, supported });
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const hasWildcard = (v: unknown[]) => v.includes("*");

/** utilvalidation.IsFullyQualifiedName. */
function fullyQualifiedErrors(field: string, name: unknown): FieldError[] {
  const value = typeof name === "string" ? name : "";
  if (value === "") return [{ type: "Required", field }];
  const problems = nameProblems(value, "subdomain");
  if (problems.length) return [{ type: "Invalid", field, value, detail: problems.join(",") }];
  if (value.split(".").length < 3) return [{ type: "Invalid", field, value, detail: "should be a domain with at least three segments separated by dots" }];
  return [];
}

/** validateResources: subresources allowed, with the wildcard rules. */
function resourcesErrors(resources: unknown[], at: string): FieldError[] {
  const errors: FieldError[] = [];
  if (resources.length === 0) errors.push({ type: "Required", field: at });
  const wildSub = new Set<string>();
  const wildRes = new Set<string>();
  let double = false;
  let single = false;
  let plain = false;
  resources.forEach((r, i) => {
    const res = String(r ?? "");
    if (res === "") return void errors.push({ type: "Required", field: `${at}[${i}]` });
    if (res === "*/*") double = true;
    if (res === "*") single = true;
    const slash = res.indexOf("/");
    if (slash < 0) return void (plain = res !== "*");
    const [name, sub] = [res.slice(0, slash), res.slice(slash + 1)];
    if (wildSub.has(name)) errors.push({ type: "Invalid", field: `${at}[${i}]`, value: res, detail: `if '${name}/*' is present, must not specify ${res}` });
    if (wildRes.has(sub)) errors.push({ type: "Invalid", field: `${at}[${i}]`, value: res, detail: `if '*/${sub}' is present, must not specify ${res}` });
    if (sub === "*") wildSub.add(name);
    if (name === "*") wildRes.add(sub);
  });
  if (resources.length > 1 && double) errors.push({ type: "Invalid", field: at, rendered: goList(resources), detail: "if '*/*' is present, must not specify other resources" });
  if (single && plain) errors.push({ type: "Invalid", field: at, rendered: goList(resources), detail: "if '*' is present, must not specify other resources without subresources" });
  return errors;
}

/** A string slice as field.Invalid prints it (`%v`... as `[]string{...}` by the error body). */
function goList(values: unknown[]): string {
  return `[]string{${values.map((v) => JSON.stringify(String(v))).join(", ")}}`;
}

const OPERATIONS = ["*", "CONNECT", "CREATE", "DELETE", "UPDATE"];

/** validateRuleWithOperations. */
function ruleErrors(rule: Obj, at: string): FieldError[] {
  const errors: FieldError[] = [];
  const operations = arr(rule?.operations);
  if (operations.length === 0) errors.push({ type: "Required", field: `${at}.operations` });
  if (operations.length > 1 && hasWildcard(operations)) errors.push({ type: "Invalid", field: `${at}.operations`, rendered: goList(operations), detail: "if '*' is present, must not specify other operations" });
  operations.forEach((o, i) => {
    if (!OPERATIONS.includes(String(o))) errors.push(notSupported(`${at}.operations[${i}]`, o, OPERATIONS));
  });
  const groups = arr(rule?.apiGroups);
  if (groups.length === 0) errors.push({ type: "Required", field: `${at}.apiGroups` });
  if (groups.length > 1 && hasWildcard(groups)) errors.push({ type: "Invalid", field: `${at}.apiGroups`, rendered: goList(groups), detail: "if '*' is present, must not specify other API groups" });
  const versions = arr(rule?.apiVersions);
  if (versions.length === 0) errors.push({ type: "Required", field: `${at}.apiVersions` });
  if (versions.length > 1 && hasWildcard(versions)) errors.push({ type: "Invalid", field: `${at}.apiVersions`, rendered: goList(versions), detail: "if '*' is present, must not specify other API versions" });
  versions.forEach((v, i) => {
    if (v === "") errors.push({ type: "Required", field: `${at}.apiVersions[${i}]` });
  });
  errors.push(...resourcesErrors(arr(rule?.resources), `${at}.resources`));
  if (rule?.scope !== undefined && !["*", "Cluster", "Namespaced"].includes(rule.scope)) errors.push(notSupported(`${at}.scope`, rule.scope, ["*", "Cluster", "Namespaced"]));
  return errors;
}

/** webhook.ValidateWebhookURL with forceHttps. */
function urlErrors(value: string, at: string): FieldError[] {
  const form = "; desired format: https://host[/path]";
  let u: URL;
  try {
    u = new URL(value);
  } catch (error) {
    // Go's url.Parse accepts far more than WHATWG's; its error text differs (not modelled).
    return [{ type: "Required", field: at, detail: `url must be a valid URL: ${(error as Error).message}${form}` }];
  }
  const errors: FieldError[] = [];
  const scheme = u.protocol.replace(/:$/, "");
  if (scheme !== "https") errors.push({ type: "Invalid", field: at, value: scheme, detail: `'https' is the only allowed URL scheme${form}` });
  if (u.host === "") errors.push({ type: "Invalid", field: at, value: u.host, detail: `host must be specified${form}` });
  if (u.username || u.password) errors.push({ type: "Invalid", field: at, value: u.password ? `${u.username}:${u.password}` : u.username, detail: "user information is not permitted in the URL" });
  if (u.hash) errors.push({ type: "Invalid", field: at, value: u.hash.slice(1), detail: "fragments are not permitted in the URL" });
  if (u.search) errors.push({ type: "Invalid", field: at, value: u.search.slice(1), detail: "query parameters are not permitted in the URL" });
  return errors;
}

/** webhook.ValidateWebhookService. */
function serviceErrors(service: Obj, at: string): FieldError[] {
  const errors: FieldError[] = [];
  if (!service.name) errors.push({ type: "Required", field: `${at}.name`, detail: "service name is required" });
  if (!service.namespace) errors.push({ type: "Required", field: `${at}.namespace`, detail: "service namespace is required" });
  const port = Number(service.port);
  if (!(Number.isInteger(port) && port >= 1 && port <= 65535)) errors.push({ type: "Invalid", field: `${at}.port`, value: service.port, detail: "port is not valid: must be between 1 and 65535, inclusive" });
  const path = service.path;
  if (typeof path !== "string" || path === "/" || path === "") return errors;
  if (path === "//") return [...errors, { type: "Invalid", field: `${at}.path`, value: path, detail: "segment[0] may not be empty" }];
  if (!path.startsWith("/")) errors.push({ type: "Invalid", field: `${at}.path`, value: path, detail: "must start with a '/'" });
  let rest = path.slice(1);
  if (rest.endsWith("/")) rest = rest.slice(0, -1);
  rest.split("/").forEach((step, i) => {
    if (step === "") return void errors.push({ type: "Invalid", field: `${at}.path`, value: path, detail: `segment[${i}] may not be empty` });
    for (const problem of nameProblems(step, "subdomain")) errors.push({ type: "Invalid", field: `${at}.path`, value: path, detail: `segment[${i}]: ${problem}` });
  });
  return errors;
}

/** validateMatchConditions. */
function conditionsErrors(conditions: unknown[], at: string): FieldError[] {
  const errors: FieldError[] = [];
  if (conditions.length > 64) errors.push({ type: "TooMany", field: at, rendered: String(conditions.length), detail: "must have at most 64 items" });
  const names = new Set<string>();
  conditions.forEach((c, i) => {
    const condition = (c ?? {}) as Obj;
    const expression = typeof condition.expression === "string" ? condition.expression.trim() : "";
    if (expression === "") errors.push({ type: "Required", field: `${at}[${i}].expression` });
    else {
      const problem = conditionCompileError(expression);
      if (problem) errors.push({ type: "Invalid", field: `${at}[${i}].expression`, value: expression, detail: `compilation failed: ${problem}` });
    }
    const name = typeof condition.name === "string" ? condition.name : "";
    if (name === "") errors.push({ type: "Required", field: `${at}[${i}].name` });
    else for (const problem of labelKeyErrors(name)) errors.push({ type: "Invalid", field: `${at}[${i}].name`, value: name, detail: problem });
    if (name !== "") {
      if (names.has(name)) errors.push({ type: "Duplicate", field: `${at}[${i}].name`, value: name });
      else names.add(name);
    }
  });
  return errors;
}

/** validateValidatingWebhook / validateMutatingWebhook. */
function webhookErrors(hook: Obj, at: string, mutating: boolean): FieldError[] {
  const errors = fullyQualifiedErrors(`${at}.name`, hook.name);
  arr(hook.rules).forEach((rule, i) => errors.push(...ruleErrors(rule as Obj, `${at}.rules[${i}]`)));
  if (hook.failurePolicy !== undefined && !["Fail", "Ignore"].includes(hook.failurePolicy)) errors.push(notSupported(`${at}.failurePolicy`, hook.failurePolicy, ["Fail", "Ignore"]));
  if (hook.matchPolicy !== undefined && !["Equivalent", "Exact"].includes(hook.matchPolicy)) errors.push(notSupported(`${at}.matchPolicy`, hook.matchPolicy, ["Equivalent", "Exact"]));
  if (hook.sideEffects === undefined || hook.sideEffects === null) errors.push({ type: "Required", field: `${at}.sideEffects`, detail: "must specify one of None, NoneOnDryRun" });
  else if (!["None", "NoneOnDryRun"].includes(hook.sideEffects)) errors.push(notSupported(`${at}.sideEffects`, hook.sideEffects, ["None", "NoneOnDryRun"]));
  if (hook.timeoutSeconds !== undefined && (hook.timeoutSeconds > 30 || hook.timeoutSeconds < 1)) errors.push({ type: "Invalid", field: `${at}.timeoutSeconds`, value: hook.timeoutSeconds, detail: "the timeout value must be between 1 and 30 seconds" });
  errors.push(...labelSelectorErrors(hook.namespaceSelector, `${at}.namespaceSelector`), ...labelSelectorErrors(hook.objectSelector, `${at}.objectSelector`));
  if (mutating && hook.reinvocationPolicy !== undefined && !["IfNeeded", "Never"].includes(hook.reinvocationPolicy)) errors.push(notSupported(`${at}.reinvocationPolicy`, hook.reinvocationPolicy, ["IfNeeded", "Never"]));
  const cc = (hook.clientConfig ?? {}) as Obj;
  if ((cc.url === undefined) === (cc.service === undefined)) errors.push({ type: "Required", field: `${at}.clientConfig`, detail: "exactly one of url or service is required" });
  else if (cc.url !== undefined) errors.push(...urlErrors(String(cc.url), `${at}.clientConfig.url`));
  else errors.push(...serviceErrors(cc.service as Obj, `${at}.clientConfig.service`));
  errors.push(...conditionsErrors(arr(hook.matchConditions), `${at}.matchConditions`));
  return errors;
}

/** validateAdmissionReviewVersions, requiring a recognised one (v1 or v1beta1). */
function reviewVersionsErrors(versions: unknown[], at: string): FieldError[] {
  if (versions.length < 1) return [{ type: "Required", field: at, detail: "must specify one of v1, v1beta1" }];
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  versions.forEach((v, i) => {
    const version = String(v);
    if (seen.has(version)) return void errors.push({ type: "Invalid", field: `${at}[${i}]`, value: version, detail: "duplicate version" });
    seen.add(version);
    for (const problem of nameProblems(version, "dns1035")) errors.push({ type: "Invalid", field: `${at}[${i}]`, value: version, detail: problem });
  });
  if (!versions.some((v) => v === "v1" || v === "v1beta1")) errors.push({ type: "Invalid", field: at, rendered: goList(versions), detail: "must include at least one of v1, v1beta1" });
  return errors;
}

/** The webhooks' checks of a configuration (metadata is checked by the registry). */
export function webhookConfigurationErrors(mutating: boolean): (obj: Obj) => FieldError[] {
  return (obj) => {
    const errors: FieldError[] = [];
    const names = new Set<string>();
    arr(obj.webhooks).forEach((h, i) => {
      const hook = (h ?? {}) as Obj;
      errors.push(...webhookErrors(hook, `webhooks[${i}]`, mutating));
      errors.push(...reviewVersionsErrors(arr(hook.admissionReviewVersions), `webhooks[${i}].admissionReviewVersions`));
      if (typeof hook.name === "string" && hook.name !== "") {
        if (names.has(hook.name)) errors.push({ type: "Duplicate", field: `webhooks[${i}].name`, value: hook.name });
        else names.add(hook.name);
      }
    });
    return errors;
  };
}
