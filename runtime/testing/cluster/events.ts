/**
 * @module cluster/events
 * Events are ONE resource served in two versions, as in the real server: core/v1 Events are
 * the stored form, and events.k8s.io/v1 is converted to and from it on every read and write
 * (pkg/apis/events/v1 conversion: `regarding` is `involvedObject`, `note` is `message`,
 * `reportingController` is `reportingComponent`, `deprecatedSource`/`deprecatedFirstTimestamp`/
 * `deprecatedLastTimestamp`/`deprecatedCount` are `source`/`firstTimestamp`/`lastTimestamp`/
 * `count`). Both forms are laid out as the Go structs serialize: fields in declaration order,
 * `omitempty` strings and counts left out, struct fields (`source`, timestamps) always present.
 */
import type { FieldGetter } from "./field-selector.js";
import { path } from "./field-selector.js";

type Obj = Record<string, any>;

/** The `omitempty` value of a string or number: absent when empty or zero. */
function opt(value: unknown): unknown {
  return value === "" || value === 0 || value === null ? undefined : value;
}

function withoutUndefined(obj: Obj): Obj {
  for (const k of Object.keys(obj)) if (obj[k] === undefined) delete obj[k];
  return obj;
}

/** A core/v1 Event in the server's layout (the stored form). */
export function coreEvent(e: Obj): Obj {
  return withoutUndefined({
    kind: e.kind,
    apiVersion: e.apiVersion,
    metadata: e.metadata,
    involvedObject: e.involvedObject ?? {},
    reason: opt(e.reason),
    message: opt(e.message),
    source: e.source ?? {},
    firstTimestamp: e.firstTimestamp ?? null,
    lastTimestamp: e.lastTimestamp ?? null,
    count: opt(e.count),
    type: opt(e.type),
    eventTime: e.eventTime ?? null,
    series: e.series ?? undefined,
    action: opt(e.action),
    related: e.related ?? undefined,
    reportingComponent: e.reportingComponent ?? "",
    reportingInstance: e.reportingInstance ?? "",
  });
}

/** The defaults hook of core/v1 Events: the object laid out as `coreEvent`, in place. */
export function defaultCoreEvent(e: Obj): void {
  const laid = coreEvent(e);
  for (const k of Object.keys(e)) delete e[k];
  Object.assign(e, laid);
}

/** An events.k8s.io/v1 Event in the server's layout. */
function eventsV1(e: Obj): Obj {
  return withoutUndefined({
    kind: "Event",
    apiVersion: "events.k8s.io/v1",
    metadata: e.metadata,
    eventTime: e.eventTime ?? null,
    series: e.series ?? undefined,
    reportingController: opt(e.reportingController),
    reportingInstance: opt(e.reportingInstance),
    action: opt(e.action),
    reason: opt(e.reason),
    regarding: e.regarding ?? {},
    related: e.related ?? undefined,
    note: opt(e.note),
    type: opt(e.type),
    deprecatedSource: e.deprecatedSource ?? {},
    deprecatedFirstTimestamp: e.deprecatedFirstTimestamp ?? null,
    deprecatedLastTimestamp: e.deprecatedLastTimestamp ?? null,
    deprecatedCount: opt(e.deprecatedCount),
  });
}

/** events.k8s.io/v1 → the stored core/v1 form. */
export function eventToCore(e: Obj): Obj {
  return coreEvent({
    kind: "Event", apiVersion: "v1", metadata: e.metadata,
    involvedObject: e.regarding, reason: e.reason, message: e.note, source: e.deprecatedSource,
    firstTimestamp: e.deprecatedFirstTimestamp, lastTimestamp: e.deprecatedLastTimestamp, count: e.deprecatedCount,
    type: e.type, eventTime: e.eventTime, series: e.series, action: e.action, related: e.related,
    reportingComponent: e.reportingController, reportingInstance: e.reportingInstance,
  });
}

/** The stored core/v1 form → events.k8s.io/v1. */
export function eventFromCore(e: Obj): Obj {
  return eventsV1({
    metadata: e.metadata, eventTime: e.eventTime, series: e.series, reportingController: e.reportingComponent,
    reportingInstance: e.reportingInstance, action: e.action, reason: e.reason, regarding: e.involvedObject,
    related: e.related, note: e.message, type: e.type, deprecatedSource: e.source,
    deprecatedFirstTimestamp: e.firstTimestamp, deprecatedLastTimestamp: e.lastTimestamp, deprecatedCount: e.count,
  });
}

const REFERENCE_FIELDS = ["kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath"];

/** ToSelectableFields' `source`: the source's component, else the reporting controller (an events.k8s.io/v1 Event's). */
function sourceOf(component: FieldGetter, controller: FieldGetter): FieldGetter {
  return (e) => component(e) || controller(e);
}

/** The field selectors of core/v1 Events (pkg/registry/core/event `ToSelectableFields`). */
export const CORE_EVENT_FIELDS: Record<string, FieldGetter> = Object.fromEntries([
  ...REFERENCE_FIELDS.map((f) => [`involvedObject.${f}`, path(`involvedObject.${f}`)]),
  ["reason", path("reason")], ["reportingComponent", path("reportingComponent")], ["source", sourceOf(path("source.component"), path("reportingComponent"))], ["type", path("type")],
]);

/** The field selectors of events.k8s.io/v1 Events (its field label conversion: `regarding.*`, `reportingController`, `source` read as core's; `involvedObject.*` is not supported). */
export const EVENTS_V1_FIELDS: Record<string, FieldGetter> = Object.fromEntries([
  ...REFERENCE_FIELDS.map((f) => [`regarding.${f}`, path(`regarding.${f}`)]),
  ["reason", path("reason")], ["reportingController", path("reportingController")], ["source", sourceOf(path("deprecatedSource.component"), path("reportingController"))], ["type", path("type")],
]);
