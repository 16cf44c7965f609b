/**
 * @module cluster/table
 * Server-side printing for `kubectl get` (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`):
 * a `meta.k8s.io` Table with the type's columns and cells (see `printers`), each row carrying the
 * object as TableOptions' `includeObject` asks (handlers/response.go asTable): its metadata as
 * `PartialObjectMetadata` (`Metadata` or empty), the whole object in the resource's version
 * (`Object`), or null (`None`); any other value is the 400 of `ValidateTableOptions`. The Accept
 * header is negotiated in `response-transform` (`as=Table` with `g=meta.k8s.io` and `v=v1` or
 * `v=v1beta1`, which is the Table's and its rows' PartialObjectMetadata's apiVersion); the
 * Content-Type stays `application/json` (`transformResponseObject` does not list the kind in it).
 * Watches print each event's object as a one-row Table the same way (see `watch-table`).
 */
import type { Call, Reply } from "./call.js";
import { printerFor, type Printer } from "./printers.js";
import { apiVersionOf } from "./resources.js";
import { badRequest } from "./status.js";

type Obj = Record<string, any>;

/** The `meta.k8s.io` versions a Table is served in. */
export type TableVersion = "v1" | "v1beta1";

/** TableOptions' `includeObject`: what each row's `object` is. */
export type IncludeObject = "Object" | "Metadata" | "None";

/**
 * The request's `includeObject` (the first value; empty is `Metadata`), or the 400 that
 * `optionsForTransform` answers after `ValidateTableOptions` refused it.
 */
export function includeObjectOf(call: Call): IncludeObject {
  const value = call.query.get("includeObject") ?? "";
  if (value === "") return "Metadata";
  if (value === "Object" || value === "Metadata" || value === "None") return value;
  throw badRequest(`Unable to convert to Table as requested: includeObject: Invalid value: ${JSON.stringify(value)}: must be 'Metadata', 'Object', 'None', or empty`);
}

/** What a row's object is made from besides the object: its kind and apiVersion (the resource's), the printer. */
export interface TableSource {
  printer: Printer;
  kind: string;
  apiVersion: string;
}

/** The main resource's printer and type. */
function sourceOf(call: Call): TableSource {
  return { printer: printerFor(call.def), kind: call.def.kind, apiVersion: apiVersionOf(call.def) };
}

/** asTable: a row's object as `includeObject` asks — the object in the resource's version, its metadata, or none. */
function rowObject(o: Obj, include: IncludeObject, source: TableSource, tableApiVersion: string): Obj | null {
  if (include === "None") return null;
  if (include === "Metadata") return { kind: "PartialObjectMetadata", apiVersion: tableApiVersion, metadata: o.metadata };
  const { kind: _kind, apiVersion: _apiVersion, ...rest } = o;
  return { kind: source.kind, apiVersion: source.apiVersion, ...rest };
}

/**
 * The Table of `objects` with list metadata `metadata`, as `meta.k8s.io/<version>`. Without
 * `headers` (TableOptions' `noHeaders`, as a watch after its first event) `columnDefinitions` is
 * null, as Go encodes a nil slice. Rows carry their object as `includeObject` asks.
 */
export function tableOf(call: Call, objects: Obj[], metadata: Obj, headers = true, version: TableVersion = "v1", source: TableSource = sourceOf(call)): Obj {
  const { def } = call;
  const { printer } = source;
  const include = includeObjectOf(call);
  const now = call.registry.now();
  const apiVersion = `meta.k8s.io/${version}`;
  const rows = objects.map((o) => {
    const printed = def.storage && source.kind === def.kind ? def.storage.toStorage(o) : o;
    // A watch BOOKMARK's object has no name: the printers see Go's empty string.
    const named = printed.metadata?.name === undefined ? { ...printed, metadata: { ...printed.metadata, name: "" } } : printed;
    const row: Obj = { cells: printer.cells(named, now) };
    const conditions = printer.conditions?.(named);
    if (conditions) row.conditions = conditions;
    row.object = rowObject(o, include, source, apiVersion);
    return row;
  });
  return { kind: "Table", apiVersion, metadata, columnDefinitions: headers ? printer.columns : null, rows };
}

/** The Table of a list (or single object) reply, in the version negotiated for it. */
export function table(call: Call, reply: Reply, version: TableVersion, source?: TableSource): Reply {
  includeObjectOf(call);
  const parsed = JSON.parse(reply.body.toString()) as Obj;
  const objects: Obj[] = Array.isArray(parsed.items) ? parsed.items : [parsed];
  const metadata: Obj = { resourceVersion: parsed.metadata?.resourceVersion ?? "" };
  // GenerateTable copies the list's ListMeta: resourceVersion, continue, remainingItemCount.
  if (parsed.metadata?.continue) metadata.continue = parsed.metadata.continue;
  if (parsed.metadata?.remainingItemCount !== undefined) metadata.remainingItemCount = parsed.metadata.remainingItemCount;
  return { status: 200, body: JSON.stringify(tableOf(call, objects, metadata, true, version, source)) };
}
