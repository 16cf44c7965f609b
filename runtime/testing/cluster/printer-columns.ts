/**
 * @module cluster/printer-columns
 * What the 1.32 printers (pkg/printers/internalversion) share: the Column and Printer shapes,
 * the Name and Age columns with their ObjectMeta docs, `translateTimestampSince`,
 * `layoutContainerCells`, `labels.FormatLabels` and `metav1.FormatLabelSelector`.
 */
import { humanDuration } from "./duration.js";

export type Obj = Record<string, any>;

/** One column of a Table. */
export interface Column {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

/** A printer: its columns, the cells of an object at `now` (milliseconds), and row conditions. */
export interface Printer {
  columns: Column[];
  cells(obj: Obj, now: number): unknown[];
  /** `TableRow.conditions` (pods that ran to completion are `Completed`). */
  conditions?(obj: Obj): Obj[] | undefined;
}

export const NAME_DOC = "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";
export const CREATED_DOC = "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
export const CONTAINERS_DOC = "Names of each container in the template.";
export const IMAGES_DOC = "Images referenced by each container in the template.";

export function col(name: string, description: string, type = "string", priority = 0, format = ""): Column {
  return { name, type, format, description, priority };
}
export const NAME = col("Name", NAME_DOC, "string", 0, "name");
export const AGE = col("Age", CREATED_DOC);

/** `translateTimestampSince`: the age of an RFC 3339 time, `<unknown>` when unset. */
export function since(time: unknown, now: number): string {
  const at = typeof time === "string" ? Date.parse(time) : Number.NaN;
  return Number.isNaN(at) ? "<unknown>" : humanDuration(now - at);
}

export const age = (o: Obj, now: number) => since(o.metadata?.creationTimestamp, now);

/** `layoutContainerCells`: container names and images, comma-joined. */
export function containerCells(spec: Obj | undefined): [string, string] {
  const cs: Obj[] = spec?.containers ?? [];
  return [cs.map((c) => c.name).join(","), cs.map((c) => c.image).join(",")];
}


/** `labels.FormatLabels`: sorted `k=v` pairs, `<none>` when empty. */
export function formatLabels(labels: Record<string, string> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  return keys.length ? keys.map((k) => `${k}=${labels![k]}`).join(",") : "<none>";
}

/**
 * `metav1.FormatLabelSelector`: the selector's requirements (matchLabels as `k=v`, then the
 * expressions) sorted by key, as `labels.Selector.String()` writes them; `<none>` for an unset or
 * empty selector.
 */
export function formatSelector(sel: Obj | undefined): string {
  if (!sel) return "<none>";
  const requirements: Array<[string, string]> = Object.keys(sel.matchLabels ?? {}).sort().map((k) => [k, `${k}=${sel.matchLabels[k]}`]);
  for (const e of (sel.matchExpressions ?? []) as Obj[]) {
    const values = [...(e.values ?? [])].sort().join(",");
    if (e.operator === "In") requirements.push([e.key, `${e.key} in (${values})`]);
    else if (e.operator === "NotIn") requirements.push([e.key, `${e.key} notin (${values})`]);
    else if (e.operator === "Exists") requirements.push([e.key, e.key]);
    else if (e.operator === "DoesNotExist") requirements.push([e.key, `!${e.key}`]);
  }
  // Array.prototype.sort is stable, as Go's insertion sort is for selectors this small.
  requirements.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return requirements.length ? requirements.map(([, text]) => text).join(",") : "<none>";
}
