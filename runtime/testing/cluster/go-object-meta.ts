/**
 * @module cluster/go-object-meta
 * Go's `%#v` of a decoded metav1.ObjectMeta, as field.Invalid prints a whole ObjectMeta (1.32's
 * ErrorBody falls back to `%#v` for a struct): every field in the struct's order, times as
 * time.Time's GoString (a decoded timestamp is local time, metav1.Time's UnmarshalJSON; the
 * field manager's are UTC), pointers Go cannot print otherwise as an address (any address:
 * Go's differs on every request), maps with their keys sorted.
 */
import { goQuote } from "./crd-schema-go.js";
import { goReference } from "./owner-references.js";
import { goStrings } from "./status.js";

type Obj = Record<string, unknown>;

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

const str = (v: unknown): string => goQuote(typeof v === "string" ? v : "");

/** time.Time's GoString of an RFC 3339 timestamp (the zero time when there is none). */
export function goTime(value: unknown, zone: "time.UTC" | "time.Local"): string {
  const ms = typeof value === "string" ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) return "time.Date(1, time.January, 1, 0, 0, 0, 0, time.UTC)";
  const d = new Date(ms);
  const nanos = d.getUTCMilliseconds() * 1e6;
  return `time.Date(${d.getUTCFullYear()}, time.${MONTHS[d.getUTCMonth()]}, ${d.getUTCDate()}, ${d.getUTCHours()}, ${d.getUTCMinutes()}, ${d.getUTCSeconds()}, ${nanos}, ${zone})`;
}

/** `%#v` of a map[string]string, `map[string]string(nil)` for none or an empty one decoded as nil. */
function goStringMap(value: unknown): string {
  if (value == null || typeof value !== "object") return "map[string]string(nil)";
  const entries = Object.entries(value as Obj).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `map[string]string{${entries.map(([k, v]) => `${goQuote(k)}:${str(v)}`).join(", ")}}`;
}

/** `%#v` of one metav1.ManagedFieldsEntry (its FieldsV1 a pointer, printed as an address). */
function goManagedFieldsEntry(entry: Obj, index: number): string {
  const fields = entry.fieldsV1 != null ? `(*v1.FieldsV1)(0xc000${(0x6b0000 + index * 0x18).toString(16)})` : "(*v1.FieldsV1)(nil)";
  const time = entry.time != null ? goTime(entry.time, "time.UTC") : "<nil>";
  return (
    `v1.ManagedFieldsEntry{Manager:${str(entry.manager)}, Operation:${str(entry.operation)}, APIVersion:${str(entry.apiVersion)}, ` +
    `Time:${time}, FieldsType:${str(entry.fieldsType)}, FieldsV1:${fields}, Subresource:${str(entry.subresource)}}`
  );
}

function goSlice<T>(type: string, values: unknown, item: (value: Obj, index: number) => string): string {
  if (!Array.isArray(values)) return `[]${type}(nil)`;
  return `[]${type}{${values.map((v, i) => item((v && typeof v === "object" ? v : {}) as Obj, i)).join(", ")}}`;
}

/**
 * `%#v` of the ObjectMeta decoded from `meta` (JSON as sent, with what the server set on it).
 *
 * @example
 * goObjectMeta({ name: "x" }); // 'v1.ObjectMeta{Name:"x", GenerateName:"", ... ManagedFields:[]v1.ManagedFieldsEntry(nil)}'
 */
export function goObjectMeta(meta: Obj): string {
  const generation = typeof meta.generation === "number" ? meta.generation : 0;
  const grace = meta.deletionGracePeriodSeconds != null ? "(*int64)(0xc000a5e0f8)" : "(*int64)(nil)";
  const deleted = meta.deletionTimestamp != null ? goTime(meta.deletionTimestamp, "time.Local") : "<nil>";
  const created = meta.creationTimestamp != null ? goTime(meta.creationTimestamp, "time.Local") : goTime(undefined, "time.UTC");
  return (
    `v1.ObjectMeta{Name:${str(meta.name)}, GenerateName:${str(meta.generateName)}, Namespace:${str(meta.namespace)}, SelfLink:${str(meta.selfLink)}, ` +
    `UID:${str(meta.uid)}, ResourceVersion:${str(meta.resourceVersion)}, Generation:${generation}, CreationTimestamp:${created}, ` +
    `DeletionTimestamp:${deleted}, DeletionGracePeriodSeconds:${grace}, Labels:${goStringMap(meta.labels)}, Annotations:${goStringMap(meta.annotations)}, ` +
    `OwnerReferences:${goSlice("v1.OwnerReference", meta.ownerReferences, goReference)}, ` +
    `Finalizers:${Array.isArray(meta.finalizers) ? goStrings(meta.finalizers) : "[]string(nil)"}, ` +
    `ManagedFields:${goSlice("v1.ManagedFieldsEntry", meta.managedFields, goManagedFieldsEntry)}}`
  );
}

/**
 * Whether a decoded ObjectMeta is the zero one apart from its managedFields (and, with
 * `exceptNamespace`, its namespace), as apiequality.Semantic.DeepEqual compares it: an empty map
 * or list is nil's equal, a null is no value.
 */
export function isEmptyObjectMeta(meta: Obj, exceptNamespace: boolean): boolean {
  const isZero = (value: unknown): boolean => {
    if (value == null || value === "" || value === 0) return true;
    if (Array.isArray(value)) return value.length === 0;
    return typeof value === "object" && Object.keys(value).length === 0;
  };
  return Object.entries(meta).every(
    ([key, value]) => !KNOWN.has(key) || key === "managedFields" || (exceptNamespace && key === "namespace") || isZero(value),
  );
}

/** ObjectMeta's JSON fields; any other key is dropped by the decoder. */
const KNOWN = new Set([
  "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp",
  "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers", "managedFields",
]);
