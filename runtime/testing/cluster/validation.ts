/**
 * @module cluster/validation
 * The validation the real server runs before storing an object, for the fields clients get
 * wrong in practice: names (RFC 1123 subdomain or label, RFC 1035 label, path segment),
 * `generateName`, labels and annotations, containers (name and image required), a workload's
 * selector matching its template, a Job's restartPolicy, a CronJob's schedule and time zone, and
 * finalizer names (`metadata.finalizers`, a Namespace's `spec.finalizers`). Messages are the apiserver's.
 */
import { isZoneName } from "../../schedule/zone-names.js";
import { robfigParseError } from "./cron-schedule.js";
import { goStrings, type FieldError } from "./status.js";
import { labelKeyErrors, labelsErrors } from "./label-rules.js";
import { fromLabelSelector, matchLabels } from "./label-selector.js";
import { ownerReferenceErrors } from "./owner-references.js";

/** How a resource's names are checked. */
export type NameRule = "subdomain" | "label" | "dns1035" | "segment";

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

const SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_MSG = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

/**
 * maskTrailingDash as the real one: a trailing dash and the character before it become "a"
 * (`name[:len(name)-2] + "a"`). A lone "-" is left as is (the real slice would panic).
 */
function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith("-") ? `${name.slice(0, -2)}a` : name;
}

/** The problems of `name` under `rule` (empty when valid). `prefix` relaxes the end rule for generateName. */
export function nameProblems(name: string, rule: NameRule, prefix = false): string[] {
  const value = prefix && rule !== "segment" ? maskTrailingDash(name) : name;
  if (rule === "segment") {
    // IsValidPathSegmentPrefix checks only the characters; "." and ".." are whole names.
    if (!prefix && (name === "." || name === "..")) return [`may not be '${name}'`];
    const bad = ["/", "%"].find((c) => name.includes(c));
    return bad ? [`may not contain '${bad}'`] : [];
  }
  const max = rule === "subdomain" ? 253 : 63;
  const out: string[] = [];
  if (value.length > max) out.push(`must be no more than ${max} characters`);
  const [re, msg] = rule === "subdomain" ? [SUBDOMAIN, SUBDOMAIN_MSG] : rule === "label" ? [LABEL, LABEL_MSG] : [DNS1035, DNS1035_MSG];
  if (!re.test(value)) out.push(msg);
  return out;
}

/** Validates `metadata` (name or generateName, labels, annotations, owner references) of an object to create or update. */
export function validateMeta(meta: Record<string, unknown>, rule: NameRule): FieldError[] {
  const errors: FieldError[] = [];
  const name = typeof meta.name === "string" ? meta.name : "";
  const generateName = typeof meta.generateName === "string" ? meta.generateName : "";
  // ValidateObjectMetaAccessor: generateName as a prefix, then the (generated) name as a name.
  if (generateName) {
    for (const p of nameProblems(generateName, rule, true)) errors.push({ type: "Invalid", field: "metadata.generateName", value: generateName, detail: p });
  }
  if (!name) errors.push({ type: "Required", field: "metadata.name", detail: "name or generateName is required" });
  else for (const p of nameProblems(name, rule)) errors.push({ type: "Invalid", field: "metadata.name", value: name, detail: p });
  errors.push(...labelsErrors(meta.labels, "metadata.labels"));
  let annotationBytes = 0;
  for (const [k, v] of Object.entries((meta.annotations ?? {}) as Record<string, unknown>)) {
    for (const p of labelKeyErrors(k)) errors.push({ type: "Invalid", field: "metadata.annotations", value: k, detail: p });
    annotationBytes += Buffer.byteLength(k) + Buffer.byteLength(String(v ?? ""));
  }
  if (annotationBytes > MAX_ANNOTATION_BYTES) errors.push(tooLong("metadata.annotations", MAX_ANNOTATION_BYTES));
  errors.push(...ownerReferenceErrors(meta.ownerReferences));
  return errors;
}

/** apimachinery's TotalAnnotationSizeLimitB: keys and values of an object's annotations together. */
const MAX_ANNOTATION_BYTES = 256 * 1024;
/** core.MaxSecretSize: the bytes a ConfigMap's or a Secret's values hold together. */
export const MAX_DATA_BYTES = 1024 * 1024;

/** `field.TooLong` as 1.32 words it (the value is never printed). */
export function tooLong(field: string, max: number): FieldError {
  return { type: "TooLong", field, detail: `may not be more than ${max} ${max === 1 ? "byte" : "bytes"}` };
}

/** The bytes of a string map's values: `base64` for `[]byte` maps sent as base64 (binaryData, a Secret's data). */
export function valueBytes(map: unknown, encoding: "utf8" | "base64"): number {
  if (!map || typeof map !== "object") return 0;
  let total = 0;
  for (const v of Object.values(map as Record<string, unknown>)) total += Buffer.byteLength(String(v ?? ""), encoding);
  return total;
}

/** metav1.FinalizerOrphanDependents, FinalizerDeleteDependents and core.FinalizerKubernetes (helper.IsStandardFinalizerName). */
const STANDARD_FINALIZERS = new Set(["orphan", "foregroundDeletion", "kubernetes"]);
const NOT_QUALIFIED = "name is neither a standard finalizer name nor is it fully qualified";

/**
 * How a type's validation checks `metadata.finalizers` in 1.32. `generic`: apimachinery's
 * ValidateObjectMeta alone (Leases, the generic check of PodDisruptionBudgets and Events, custom
 * resources): `ValidateFinalizers` on create, nothing on update (`ValidateObjectMetaAccessorUpdate`
 * checks no names). The others use core's ValidateObjectMeta, which adds `validateKubeFinalizerName`
 * per index; on update core's `ValidateObjectMetaUpdate` runs it once (`core`), and some types'
 * update validation runs their create validation too, before it (`create+update`: PVCs, Jobs,
 * RBAC) or after it (`update+create`: ConfigMaps, Secrets, ServiceAccounts, Pods): the same
 * cause twice, as there. A few run only their create validation on update (`create`:
 * EndpointSlices).
 */
export type FinalizerRule = "generic" | "core" | "create" | "create+update" | "update+create";

/** apimachinery's ValidateFinalizers: each name a qualified name, and not both orphan and foregroundDeletion. */
function genericFinalizerErrors(list: string[], field: string): FieldError[] {
  const errors: FieldError[] = list.flatMap((f) => labelKeyErrors(f).map((detail): FieldError => ({ type: "Invalid", field, value: f, detail })));
  if (list.includes("orphan") && list.includes("foregroundDeletion")) {
    errors.push({ type: "Invalid", field, rendered: goStrings(list), detail: "finalizer orphan and foregroundDeletion cannot be both set" });
  }
  return errors;
}

/** validateKubeFinalizerName for each finalizer: a name without `/` must be a standard one. */
function kubeFinalizerErrors(list: string[], field: string, indexed = true): FieldError[] {
  return list.flatMap((f, i): FieldError[] => (f.includes("/") || STANDARD_FINALIZERS.has(f) ? [] : [{ type: "Invalid", field: indexed ? `${field}[${i}]` : field, value: f, detail: NOT_QUALIFIED }]));
}

/** The checks of `metadata.finalizers` under `rule`, on create or on update. */
export function finalizerErrors(finalizers: unknown, rule: FinalizerRule, update: boolean): FieldError[] {
  const list = Array.isArray(finalizers) ? finalizers.map(String) : [];
  const field = "metadata.finalizers";
  const create = (): FieldError[] => [...genericFinalizerErrors(list, field), ...(rule === "generic" ? [] : kubeFinalizerErrors(list, field))];
  if (!update) return create();
  if (rule === "generic") return [];
  if (rule === "core") return kubeFinalizerErrors(list, field);
  if (rule === "create") return create();
  return rule === "create+update" ? [...create(), ...kubeFinalizerErrors(list, field)] : [...kubeFinalizerErrors(list, field), ...create()];
}

/**
 * A Namespace's `spec.finalizers`, validateFinalizerName on each: ValidateNamespace's path is not
 * indexed; ValidateNamespaceFinalizeUpdate's is (`indexed`).
 */
export function namespaceFinalizerErrors(ns: Record<string, any>, indexed = false): FieldError[] {
  const list = Array.isArray(ns.spec?.finalizers) ? (ns.spec.finalizers as unknown[]).map(String) : [];
  return list.flatMap((f, i) => {
    const field = indexed ? `spec.finalizers[${i}]` : "spec.finalizers";
    return [...labelKeyErrors(f).map((detail): FieldError => ({ type: "Invalid", field, value: f, detail })), ...kubeFinalizerErrors([f], field, false)];
  });
}

/** A workload's `spec.selector` must select its template's labels. */
export function validateSelector(spec: Record<string, unknown> | undefined): FieldError[] {
  const selector = spec?.selector as Parameters<typeof fromLabelSelector>[0];
  const template = spec?.template as { metadata?: { labels?: Record<string, string> } } | undefined;
  if (!selector) return [{ type: "Required", field: "spec.selector" }];
  const labels = template?.metadata?.labels ?? {};
  const parsed = fromLabelSelector(selector);
  if (parsed.length === 0) return [{ type: "Invalid", field: "spec.selector", value: selector, detail: "empty selector is invalid for deployment" }];
  return matchLabels(parsed, labels) ? [] : [{ type: "Invalid", field: "spec.template.metadata.labels", value: labels, detail: "`selector` does not match template `labels`" }];
}

const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
const CONFIG_KEY_MSG = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

/** `IsConfigMapKey`: at most 253 characters of `[-._a-zA-Z0-9]`, not `.`, `..` nor starting with `..`. */
function configKeyProblems(key: string): string[] {
  const out: string[] = [];
  if (key.length > 253) out.push("must be no more than 253 characters");
  if (!CONFIG_KEY.test(key)) out.push(CONFIG_KEY_MSG);
  if (key === ".") out.push("must not be '.'");
  else if (key === "..") out.push("must not be '..'");
  else if (key.startsWith("..")) out.push("must not start with '..'");
  return out;
}

/**
 * The keys of a ConfigMap's or Secret's maps (`data`, `binaryData`), each checked as
 * `IsConfigMapKey` (Go visits a map in no order: here, each map's keys in sorted order).
 */
export function configKeyErrors(obj: Record<string, any>, maps: readonly string[]): FieldError[] {
  const errors: FieldError[] = [];
  for (const map of maps) {
    const value = obj[map];
    if (!value || typeof value !== "object") continue;
    for (const key of Object.keys(value).sort()) for (const detail of configKeyProblems(key)) errors.push({ type: "Invalid", field: `${map}[${key}]`, value: key, detail });
  }
  return errors;
}

/**
 * `ValidateConfigMap` beyond metadata: the keys of `data` (a key also in `binaryData` is a
 * duplicate) and of `binaryData`, then their values' total size (1 MiB, reported at `[]`: the
 * whole object).
 */
export function configMapErrors(cm: Record<string, any>): FieldError[] {
  const errors: FieldError[] = [];
  const binary = cm.binaryData && typeof cm.binaryData === "object" ? (cm.binaryData as Record<string, unknown>) : {};
  for (const [map, other] of [["data", binary], ["binaryData", undefined]] as const) {
    const value = cm[map];
    if (!value || typeof value !== "object") continue;
    for (const key of Object.keys(value).sort()) {
      for (const detail of configKeyProblems(key)) errors.push({ type: "Invalid", field: `${map}[${key}]`, value: key, detail });
      if (other && Object.prototype.hasOwnProperty.call(other, key)) errors.push({ type: "Invalid", field: `${map}[${key}]`, value: key, detail: "duplicate of key present in binaryData" });
    }
  }
  if (valueBytes(cm.data, "utf8") + valueBytes(cm.binaryData, "base64") > MAX_DATA_BYTES) errors.push(tooLong("[]", MAX_DATA_BYTES));
  return errors;
}

/** `ValidateNonnegativeField` of a number that is set (anything else is not checked here). */
export function nonNegativeErrors(value: unknown, field: string): FieldError[] {
  return typeof value === "number" && value < 0 ? [{ type: "Invalid", field, value, detail: "must be greater than or equal to 0" }] : [];
}

/** `ValidateNonnegativeField` of a workload's `spec.replicas` (defaulted to 1 when unset). */
export function replicasErrors(spec: Record<string, unknown> | undefined): FieldError[] {
  return nonNegativeErrors(spec?.replicas, "spec.replicas");
}

/**
 * A CronJob's schedule as the API server checks it on create: robfig/cron's `ParseStandard`
 * with its error text (see cron-schedule), and no `TZ=`/`CRON_TZ=` prefix.
 */
export function validateSchedule(schedule: unknown): FieldError[] {
  if (typeof schedule !== "string" || schedule === "") return [{ type: "Required", field: "spec.schedule" }];
  const errors: FieldError[] = [];
  const problem = robfigParseError(schedule);
  if (problem) errors.push({ type: "Invalid", field: "spec.schedule", value: schedule, detail: problem });
  if (schedule.includes("TZ")) errors.push({ type: "Invalid", field: "spec.schedule", value: schedule, detail: "cannot use TZ or CRON_TZ in schedule, use timeZone field instead" });
  return errors;
}

/** IANA naming: each part of a zone name (the real server's `validTimeZoneCharacters`). */
const ZONE_PART = /^[A-Za-z.\-_0-9+]{1,14}$/;

/**
 * A CronJob's `spec.timeZone`, as the real server checks it: Go's `time.LoadLocation` knows
 * the IANA names (zones and links) in their exact letter case (`zone-names`).
 */
export function validateTimeZone(timeZone: unknown): FieldError[] {
  if (timeZone === undefined || timeZone === null) return [];
  const zone = String(timeZone);
  const invalid = (detail: string): FieldError[] => [{ type: "Invalid", field: "spec.timeZone", value: zone, detail }];
  if (zone === "") return invalid("timeZone must be nil or non-empty string");
  if (zone.split("/").some((part) => part === "." || part === ".." || part.startsWith("-") || !ZONE_PART.test(part))) return invalid(`unknown time zone ${zone}`);
  const errors: FieldError[] = [];
  if (zone.toLowerCase() === "local") errors.push(...invalid("timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"));
  // time.LoadLocation takes "Local" (the server's own zone), no other spelling of it.
  if (zone !== "Local" && !isZoneName(zone)) errors.push(...invalid(`unknown time zone ${zone}`));
  return errors;
}
