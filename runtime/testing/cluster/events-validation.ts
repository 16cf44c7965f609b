/**
 * @module cluster/events-validation
 * Event validation as pkg/apis/core/validation/events.go: `legacyValidateEvent` for every
 * create and update in both versions (the event's namespace against `involvedObject`'s, and for
 * an event with `eventTime` the reporting fields and lengths), and on create through
 * events.k8s.io/v1 the strict checks of `ValidateEventCreate` (metadata, series, `eventTime`
 * required, type Normal or Warning, the deprecated fields unset). Checks run on the stored
 * core/v1 form, so field paths are the core ones whichever version was written
 * (`involvedObject.namespace`, `message`), as on the real server.
 */
import { labelKeyErrors } from "./label-rules.js";
import type { FieldError } from "./status.js";
import { validateMeta } from "./validation.js";

type Obj = Record<string, any>;

const REPORTING_INSTANCE_LIMIT = 128;
const ACTION_LIMIT = 128;
const REASON_LIMIT = 128;
const NOTE_LIMIT = 1024;

/** Go's `len` of a string: UTF-8 bytes. */
const bytes = (value: unknown): number => Buffer.byteLength(typeof value === "string" ? value : "");

function tooLong(field: string, value: unknown, limit: number): FieldError[] {
  return bytes(value) > limit ? [{ type: "Invalid", field, value: "", detail: `can have at most ${limit} characters` }] : [];
}

function required(field: string, value: unknown): FieldError[] {
  return bytes(value) === 0 ? [{ type: "Required", field }] : [];
}

/** A zero `metav1.Time`/`MicroTime`: unset, null or empty. */
const unset = (time: unknown): boolean => time === undefined || time === null || time === "";

/** `legacyValidateEvent` of a core/v1 Event (`e.metadata.namespace` is the event's namespace). */
export function legacyEventErrors(e: Obj): FieldError[] {
  const errors: FieldError[] = [];
  const namespace: string = e.metadata?.namespace ?? "";
  const involved: string = e.involvedObject?.namespace ?? "";
  const mismatch: FieldError = { type: "Invalid", field: "involvedObject.namespace", value: involved, detail: "does not match event.namespace" };
  if (unset(e.eventTime)) {
    // An "old" event: the namespaces agree, or a cluster-scoped object's event is in "" or default.
    if (involved === "" ? namespace !== "" && namespace !== "default" : namespace !== involved) errors.push(mismatch);
    return errors;
  }
  // A "new" event: only a cluster-scoped object's event is held to default or kube-system.
  if (involved === "" && namespace !== "default" && namespace !== "kube-system") errors.push(mismatch);
  const controller: string = e.reportingComponent ?? "";
  errors.push(...required("reportingController", controller));
  for (const detail of labelKeyErrors(controller)) errors.push({ type: "Invalid", field: "reportingController", value: controller, detail });
  errors.push(...required("reportingInstance", e.reportingInstance), ...tooLong("reportingInstance", e.reportingInstance, REPORTING_INSTANCE_LIMIT));
  errors.push(...required("action", e.action), ...tooLong("action", e.action, ACTION_LIMIT));
  errors.push(...required("reason", e.reason), ...tooLong("reason", e.reason, REASON_LIMIT));
  errors.push(...tooLong("message", e.message, NOTE_LIMIT));
  return errors;
}

/** The strict part of `ValidateEventCreate`, for creates through events.k8s.io/v1 (core/v1 form). */
export function strictEventCreateErrors(e: Obj): FieldError[] {
  const errors: FieldError[] = [...validateMeta(e.metadata ?? {}, "subdomain")];
  if (e.series) {
    if (!(Number(e.series.count) >= 2)) errors.push({ type: "Invalid", field: "series.count", value: "", detail: "should be at least 2" });
    if (unset(e.series.lastObservedTime)) errors.push({ type: "Required", field: "series.lastObservedTime" });
  }
  if (unset(e.eventTime)) errors.push({ type: "Required", field: "eventTime" });
  if (e.type !== "Normal" && e.type !== "Warning") errors.push({ type: "Invalid", field: "type", value: "", detail: `has invalid value: ${e.type ?? ""}` });
  if (!unset(e.firstTimestamp)) errors.push({ type: "Invalid", field: "firstTimestamp", value: "", detail: "needs to be unset" });
  if (!unset(e.lastTimestamp)) errors.push({ type: "Invalid", field: "lastTimestamp", value: "", detail: "needs to be unset" });
  if (e.count) errors.push({ type: "Invalid", field: "count", value: "", detail: "needs to be unset" });
  if (e.source?.component || e.source?.host) errors.push({ type: "Invalid", field: "source", value: "", detail: "needs to be unset" });
  return errors;
}
