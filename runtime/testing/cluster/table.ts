/**
 * @module cluster/table
 * Server-side printing for `kubectl get` (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`):
 * a `meta.k8s.io/v1` Table with the type's columns and cells (see `printers`), each row
 * carrying the object's metadata as `PartialObjectMetadata`. Watches print each event's object
 * as a one-row Table the same way (see `watch-table`).
 */
import type { Call, Reply } from "./call.js";
import { printerFor } from "./printers.js";

type Obj = Record<string, any>;

/** Whether the client asked for a Table. */
export function wantsTable(accept: string): boolean {
  return accept.includes("as=Table");
}

/**
 * The Table of `objects` with list metadata `metadata`. Without `headers` (TableOptions'
 * `noHeaders`, as a watch after its first event) `columnDefinitions` is null, as Go encodes a
 * nil slice.
 */
export function tableOf(call: Call, objects: Obj[], metadata: Obj, headers = true): Obj {
  const { def } = call;
  const printer = printerFor(def);
  const now = call.registry.now();
  const rows = objects.map((o) => {
    const printed = def.storage ? def.storage.toStorage(o) : o;
    // A watch BOOKMARK's object has no name: the printers see Go's empty string.
    const named = printed.metadata?.name === undefined ? { ...printed, metadata: { ...printed.metadata, name: "" } } : printed;
    const row: Obj = { cells: printer.cells(named, now) };
    const conditions = printer.conditions?.(named);
    if (conditions) row.conditions = conditions;
    row.object = { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: o.metadata };
    return row;
  });
  return { kind: "Table", apiVersion: "meta.k8s.io/v1", metadata, columnDefinitions: headers ? printer.columns : null, rows };
}

/** The Table of a list (or single object) reply. */
export function table(call: Call, reply: Reply): Reply {
  const parsed = JSON.parse(reply.body.toString()) as Obj;
  const objects: Obj[] = Array.isArray(parsed.items) ? parsed.items : [parsed];
  const metadata: Obj = { resourceVersion: parsed.metadata?.resourceVersion ?? "" };
  if (parsed.metadata?.continue) metadata.continue = parsed.metadata.continue;
  return { status: 200, body: JSON.stringify(tableOf(call, objects, metadata)) };
}
