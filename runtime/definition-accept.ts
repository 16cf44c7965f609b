/**
 * @module definition-accept
 * The definition schema of `definition-schema.ts` decided without zod for the common case:
 * `acceptsDefinition(value)` is true only when zod would accept the definition as it is (the
 * schema has no defaults or transforms, so zod's output then carries the same values). Building
 * the zod schema and its first parses cost ~8 ms of start-up for a handful of functions, paid by
 * every `podfn run` and `podfn serve`; a valid definition, the usual case, no longer pays it.
 * When this says false, zod decides and its issues name the field at fault.
 * `test/core/definition-accept.test.ts` compares the two over generated definitions.
 */
import { isPlainObject } from "./plain-object.js";
import { isCidr } from "./config-accept.js";
import { validateCron } from "./schedule/cron.js";
import { QUANTITY, requestsAboveLimits } from "./quantity.js";
import { acceptsAdmission, ADMISSION_KEYS_BY_PATH } from "./admission/definition.js";
import { isOwnableFinalizer, isWatchStatus, API_VERSION, MAX_WATCH_CONCURRENCY, MAX_WATCH_RESYNC_SECONDS, MAX_WATCH_RETRIES, WATCH_EVENTS, WATCH_NAME, watchedType } from "./watch/definition.js";

/** Shared with the zod schema: one source for each rule's data. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const SECRET_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
export const SERVICE_ACCOUNT = /^system:serviceaccount:[a-z0-9-]+:([a-z0-9.-]+|\*)$/;
/** An HTTP header name a caller's token or signature may come in (RFC 9110 token characters, as names are written). */
export const HEADER_NAME = /^[A-Za-z0-9][A-Za-z0-9-]*$/;
export const URL_PATH = /^\/[A-Za-z0-9._~\-/]*$/;
/** A `.` or `..` path segment: such a path is not one a request can reach (clients resolve them). */
export const DOT_SEGMENT = /\/\.\.?(\/|$)/;
/** An environment variable name a bearer secret may be read from: not one podfn or its pod sets. */
export const ENV_NAME = /^(?!(PORT|HOST|KUBECONFIG|LOG_LEVEL|POD_NAME|POD_NAMESPACE|PATH|HOME|PODFN_[A-Z0-9_]*|KUBERNETES_[A-Z0-9_]*|NODE_[A-Z0-9_]*)$)[A-Za-z_][A-Za-z0-9_]*$/;
/** A namespace name (an RFC 1123 label of at most 63 characters). */
export const NAMESPACE_NAME = /^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/**
 * Verbs Kubernetes authorizes without a name on a resource (creating a new object): a rule with
 * resourceNames can never allow them there. A subresource of a named object (`pods/eviction`,
 * `serviceaccounts/token`) is authorized with its name, so its rules may be limited.
 */
export const UNNAMED_VERBS = ["create", "deletecollection"] as const;
/** Whether a rule with these resources and verbs may list resourceNames (see UNNAMED_VERBS). */
export function namesCanLimit(resources: readonly unknown[], verbs: readonly unknown[]): boolean {
  return resources.every((r) => typeof r === "string" && r.includes("/")) || !verbs.some((verb) => (UNNAMED_VERBS as readonly unknown[]).includes(verb));
}
/** An API group: "" (core), "*", or a DNS subdomain without a version ("apps", "networking.k8s.io"); never "core" or "v1". */
export const API_GROUP = /^(|\*|(?!(core|v1)$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)$/;
/** A resource as RBAC names it: a lower-case plural, maybe with a subresource (`pods/log`), or `*`, `*\/scale`. */
export const RESOURCE = /^(\*|[a-z0-9]([-a-z0-9]*[a-z0-9])?)(\/[a-z0-9]([-a-z0-9]*[a-z0-9])?)?$/;
/**
 * The verbs a permission may name: the API's own, and the two the certificates API authorizes on
 * a signer (`approve`, `sign`: a CSR approver's or signer's). Never bind, escalate or impersonate,
 * with which a function could grant itself anything.
 */
export const VERBS = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection", "approve", "sign", "*"] as const;
/** Paths the HTTP server keeps for itself. */
export const RESERVED_PATHS = ["/healthz", "/readyz", "/metrics"];
/** Function names podfn keeps for itself: `http` names the HTTP workload's objects (`<app>-http`). */
export const RESERVED_NAMES = ["http"];
/**
 * The default workload's name (`--workload http` serves the functions that name none): its
 * objects are `<app>-http`, so no `workload` may take it.
 */
export const DEFAULT_WORKLOAD = "http";
/**
 * Longest `workload`: its objects are named `<app>-<workload>-...` (`--app` at most 20
 * characters), and the longest, `<app>-<workload>-admission-selfsigned`, then stays a 63-character
 * DNS label without deploy/names' hash.
 */
export const MAX_WORKLOAD_LENGTH = 21;
export const MAX_TIMEOUT_MS = 86_400_000;
/** Largest `http.maxInflight`: `--max-inflight`'s own bound. */
export const MAX_HTTP_INFLIGHT = 100_000;
/** Longest function name (room for CronJob suffixes) and schedule name. */
export const MAX_NAME_LENGTH = 52;
export const MAX_SCHEDULE_NAME_LENGTH = 10;
export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export const HMAC_ALGORITHMS = ["sha1", "sha256", "sha512"] as const;
export const HMAC_ENCODINGS = ["hex", "base64"] as const;
/** The webhook senders `hmac` auth's `scheme` names (runtime/http/auth/signature-schemes.ts). */
export const SIGNATURE_SCHEMES = ["stripe", "standard-webhooks"] as const;
export const CONCURRENCY_POLICIES = ["Allow", "Forbid", "Replace"] as const;
/** An `egress` entry's CIDR: one as `--egress-cidrs` takes each (the API server's ParseCIDR). */
export const isEgressCidr = (v: unknown): boolean => typeof v === "string" && isCidr(v);
/** An `egress` entry's port: a TCP port number. */
export const isPort = (v: unknown): boolean => typeof v === "number" && Number.isSafeInteger(v) && v >= 1 && v <= 65_535;
export const SCHEDULE_MODES = ["cronjob", "in-process"] as const;

/**
 * A schema the call can be validated with, recognised by its interface (`safeParseAsync`, what
 * invoke falls back to) rather than by class: a function built or installed with its own copy of
 * zod is accepted too, whatever copy the runtime has.
 */
export const isZodSchema = (v: unknown) => typeof v === "object" && v !== null && typeof (v as { safeParseAsync?: unknown }).safeParseAsync === "function";

type Obj = Record<string, unknown>;

/** Only data properties under string keys: a getter could answer differently when read again after the check. */
function dataOnly(v: object): boolean {
  const descriptors = Object.getOwnPropertyDescriptors(v);
  for (const key in descriptors) if (!("value" in descriptors[key]!)) return false;
  return true;
}

/**
 * zod's object test (a non-null, non-array object), narrowed to what the loader may use as it
 * is: a plain object of own data properties, so nothing the check read comes from a prototype or
 * a getter (zod's output would hold it as an own value).
 */
function isObject(v: unknown): v is Obj {
  return isPlainObject(v) && dataOnly(v);
}

/** A strict object: every enumerable key (own or inherited, as zod's `for...in`) is one of `keys`. */
function strict(v: unknown, keys: ReadonlySet<string>): v is Obj {
  if (!isObject(v)) return false;
  for (const key in v) if (!keys.has(key)) return false;
  return true;
}
const isString = (v: unknown, min = 0): v is string => typeof v === "string" && v.length >= min;
const optional = (v: unknown, test: (v: unknown) => boolean) => v === undefined || test(v);
const positiveInt = (v: unknown, max = Number.MAX_SAFE_INTEGER) => typeof v === "number" && Number.isSafeInteger(v) && v > 0 && v <= max;
/** A non-empty array of items passing `test` (`min` 0 allows empty); a hole is `undefined`, as zod reads it. */
function arrayOf(v: unknown, test: (item: unknown) => boolean, min = 1): boolean {
  if (!Array.isArray(v) || v.length < min || Object.getPrototypeOf(v) !== Array.prototype || !dataOnly(v)) return false;
  for (let i = 0; i < v.length; i++) if (!test(v[i])) return false;
  return true;
}
const matches = (re: RegExp) => (v: unknown) => typeof v === "string" && re.test(v);
const inSet = (set: ReadonlySet<unknown>) => (v: unknown) => set.has(v);
const isFunction = (v: unknown) => typeof v === "function";
const isBoolean = (v: unknown) => typeof v === "boolean";

const keys = (...names: string[]) => new Set(names);
/** The keys each object of a definition takes, by the path of its field names (indexes left out): for "did you mean". */
export const KEYS_BY_PATH: Record<string, ReadonlySet<string>> = {};
const PERMISSION = keys("apiGroups", "resources", "verbs", "resourceNames", "namespace");
const VERB_SET = new Set<unknown>(VERBS);
const BEARER = keys("type", "secret", "env");
const HMAC = keys("type", "secret", "header", "algorithm", "prefix", "encoding");
const SERVICE_ACCOUNT_AUTH = keys("type", "allow", "audiences");
const HTTP = keys("method", "path", "auth", "bodyLimitBytes", "bodyTimeoutMs", "async", "maxInflight");
const METHODS = new Set<unknown>(HTTP_METHODS);
const ALGORITHMS = new Set<unknown>(HMAC_ALGORITHMS);
const ENCODINGS = new Set<unknown>(HMAC_ENCODINGS);
const SCHEDULE = keys("cron", "timeZone", "input", "concurrencyPolicy", "startingDeadlineSeconds", "mode", "name");
const POLICIES = new Set<unknown>(CONCURRENCY_POLICIES);
const MODES = new Set<unknown>(SCHEDULE_MODES);
const WATCH = keys("resource", "namespace", "labelSelector", "fieldSelector", "events", "concurrency", "retries", "coalesce", "generationChanges", "changed", "resyncSeconds", "finalizer", "status", "name");
const WATCHED_TYPE = keys("group", "version", "resource", "namespaced", "kind");
const KIND = /^[A-Z][A-Za-z0-9]*$/;
const EVENTS = new Set<unknown>(WATCH_EVENTS);
const EGRESS = keys("cidr", "ports");
const RESOURCES = keys("requests", "limits");
const AMOUNTS = keys("cpu", "memory");
const DEFINITION = keys("name", "description", "input", "output", "permissions", "egress", "http", "schedule", "watch", "admission", "workload", "timeoutMs", "kubeApi", "env", "secrets", "resources", "onShutdown", "handler");
Object.assign(KEYS_BY_PATH, {
  "": DEFINITION,
  permissions: PERMISSION,
  egress: EGRESS,
  http: HTTP,
  // The keys the fast path leaves to the zod schema (bearer's header, hmac's scheme and timestamp) too.
  "http.auth": new Set([...BEARER, ...HMAC, ...SERVICE_ACCOUNT_AUTH, "header", "scheme", "timestamp"]),
  "http.auth.timestamp": keys("header", "toleranceSeconds", "signed"),
  schedule: SCHEDULE,
  watch: WATCH,
  "watch.resource": WATCHED_TYPE,
  "watch.status": keys("condition"),
  resources: RESOURCES,
  "resources.requests": AMOUNTS,
  "resources.limits": AMOUNTS,
  ...ADMISSION_KEYS_BY_PATH,
});

const nonEmpty = (v: unknown) => isString(v, 1);

function permission(v: unknown): boolean {
  return (
    strict(v, PERMISSION) &&
    arrayOf(v.apiGroups, matches(API_GROUP)) &&
    arrayOf(v.resources, matches(RESOURCE)) &&
    arrayOf(v.verbs, inSet(VERB_SET)) &&
    optional(v.resourceNames, (r) => arrayOf(r, nonEmpty) && namesCanLimit(v.resources as unknown[], v.verbs as unknown[])) &&
    optional(v.namespace, (n) => n === "*" || matches(NAMESPACE_NAME)(n))
  );
}

const egressRule = (v: unknown) => strict(v, EGRESS) && isEgressCidr(v.cidr) && optional(v.ports, (p) => arrayOf(p, isPort));

function auth(v: unknown): boolean {
  if (v === "none") return true;
  if (!isObject(v)) return false;
  switch (v.type) {
    case "bearer":
      return strict(v, BEARER) && matches(SECRET_NAME)(v.secret) && optional(v.env, matches(ENV_NAME));
    case "hmac":
      return (
        strict(v, HMAC) &&
        matches(SECRET_NAME)(v.secret) &&
        optional(v.header, matches(HEADER_NAME)) &&
        optional(v.algorithm, inSet(ALGORITHMS)) &&
        optional(v.prefix, (p) => typeof p === "string") &&
        optional(v.encoding, inSet(ENCODINGS))
      );
    case "serviceAccount":
      return strict(v, SERVICE_ACCOUNT_AUTH) && arrayOf(v.allow, matches(SERVICE_ACCOUNT)) && optional(v.audiences, (a) => arrayOf(a, nonEmpty, 0));
    default:
      return false;
  }
}

function http(v: unknown): boolean {
  return (
    strict(v, HTTP) &&
    optional(v.method, inSet(METHODS)) &&
    optional(v.path, (p) => matches(URL_PATH)(p) && !DOT_SEGMENT.test(p as string) && !RESERVED_PATHS.includes(p as string)) &&
    auth(v.auth) &&
    optional(v.bodyLimitBytes, (n) => positiveInt(n)) &&
    optional(v.bodyTimeoutMs, (n) => positiveInt(n, MAX_TIMEOUT_MS)) &&
    optional(v.async, isBoolean) &&
    optional(v.maxInflight, (n) => positiveInt(n, MAX_HTTP_INFLIGHT))
  );
}

function scheduleEntry(v: unknown): boolean {
  return (
    strict(v, SCHEDULE) &&
    // The loader spreads an entry (`{...entry}`): symbol keys would come along, where zod drops them.
    Object.getOwnPropertySymbols(v).length === 0 &&
    isString(v.cron, 1) &&
    optional(v.timeZone, nonEmpty) &&
    optional(v.concurrencyPolicy, inSet(POLICIES)) &&
    optional(v.startingDeadlineSeconds, (n) => positiveInt(n)) &&
    optional(v.mode, inSet(MODES)) &&
    optional(v.name, (n) => matches(DNS_LABEL)(n) && (n as string).length <= MAX_SCHEDULE_NAME_LENGTH) &&
    validateCron(v.cron, v.timeZone as string | undefined, v.mode === "in-process") === null
  );
}

/** A plural resource name (no subresource, no wildcard). */
const PLAIN_RESOURCE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function watchedTypeObject(v: unknown): boolean {
  return (
    strict(v, WATCHED_TYPE) &&
    typeof v.group === "string" &&
    v.group !== "*" &&
    matches(API_GROUP)(v.group) &&
    matches(API_VERSION)(v.version) &&
    matches(PLAIN_RESOURCE)(v.resource) &&
    typeof v.namespaced === "boolean" &&
    optional(v.kind, matches(KIND))
  );
}

function watchEntry(v: unknown): boolean {
  return (
    strict(v, WATCH) &&
    (typeof v.resource === "string" ? watchedType(v.resource) !== undefined : watchedTypeObject(v.resource)) &&
    optional(v.namespace, (n) => n === "*" || matches(NAMESPACE_NAME)(n)) &&
    optional(v.labelSelector, nonEmpty) &&
    optional(v.fieldSelector, nonEmpty) &&
    optional(v.events, (e) => arrayOf(e, inSet(EVENTS))) &&
    optional(v.concurrency, (n) => positiveInt(n, MAX_WATCH_CONCURRENCY)) &&
    optional(v.retries, (n) => n === 0 || positiveInt(n, MAX_WATCH_RETRIES)) &&
    optional(v.coalesce, isBoolean) &&
    optional(v.generationChanges, isBoolean) &&
    optional(v.changed, isFunction) &&
    optional(v.resyncSeconds, (n) => positiveInt(n, MAX_WATCH_RESYNC_SECONDS)) &&
    optional(v.finalizer, (f) => typeof f === "string" && isOwnableFinalizer(f)) &&
    optional(v.status, isWatchStatus) &&
    optional(v.name, matches(WATCH_NAME))
  );
}

const amounts = (v: unknown) => strict(v, AMOUNTS) && optional(v.cpu, matches(QUANTITY)) && optional(v.memory, matches(QUANTITY));
/** A `workload` name: a DNS label short enough for its objects' names, not the default's. */
export const isWorkloadName = (v: unknown): boolean => typeof v === "string" && v.length <= MAX_WORKLOAD_LENGTH && DNS_LABEL.test(v) && v !== DEFAULT_WORKLOAD;
const resources = (v: unknown) => strict(v, RESOURCES) && optional(v.requests, amounts) && optional(v.limits, amounts) && requestsAboveLimits(v).length === 0;

/**
 * True only when the definition schema accepts `value` unchanged; false means "ask zod".
 *
 * @example
 * acceptsDefinition({ name: "noop", schedule: { cron: "0 3 * * *" }, handler: () => ({}) }); // true
 */
export function acceptsDefinition(value: unknown): boolean {
  return (
    strict(value, DEFINITION) &&
    matches(DNS_LABEL)(value.name) &&
    (value.name as string).length <= MAX_NAME_LENGTH &&
    !RESERVED_NAMES.includes(value.name as string) &&
    optional(value.description, (d) => typeof d === "string") &&
    optional(value.input, isZodSchema) &&
    optional(value.output, isZodSchema) &&
    optional(value.permissions, (p) => arrayOf(p, permission, 0)) &&
    optional(value.egress, (e) => arrayOf(e, egressRule, 0)) &&
    optional(value.http, http) &&
    optional(value.schedule, (s) => (Array.isArray(s) ? arrayOf(s, scheduleEntry) : scheduleEntry(s))) &&
    optional(value.watch, (w) => (Array.isArray(w) ? arrayOf(w, watchEntry) : watchEntry(w))) &&
    optional(value.admission, acceptsAdmission) &&
    optional(value.workload, isWorkloadName) &&
    optional(value.timeoutMs, (n) => positiveInt(n, MAX_TIMEOUT_MS)) &&
    optional(value.kubeApi, (b) => typeof b === "boolean") &&
    optional(value.env, (e) => arrayOf(e, matches(ENV_NAME), 0)) &&
    optional(value.secrets, (names) => arrayOf(names, matches(SECRET_NAME), 0) && new Set(names as unknown[]).size === (names as unknown[]).length) &&
    optional(value.resources, resources) &&
    optional(value.onShutdown, isFunction) &&
    isFunction(value.handler)
  );
}
