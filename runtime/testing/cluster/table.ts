/**
 * @module cluster/table
 * Server-side printing for `kubectl get` (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`):
 * a `meta.k8s.io` Table with the type's columns and cells (see `printers`), each row carrying the
 * object's metadata as `PartialObjectMetadata`. The Accept header is negotiated as 1.32's
 * `NegotiateMediaTypeOptions` does: its clauses by quality, the first one a JSON or YAML
 * serializer takes wins, and `as=Table` is honoured only with `g=meta.k8s.io` and `v=v1` or
 * `v=v1beta1` — which is the Table's (and its rows' PartialObjectMetadata's) apiVersion; the
 * Content-Type stays `application/json` (`transformResponseObject` does not list the kind in it).
 * Watches print each event's object as a one-row Table the same way (see `watch-table`).
 */
import type { Call, Reply } from "./call.js";
import { printerFor } from "./printers.js";

type Obj = Record<string, any>;

/** The `meta.k8s.io` versions a Table is served in. */
export type TableVersion = "v1" | "v1beta1";

/** One Accept clause as goautoneg parses it. */
interface Clause {
  type: string;
  subType: string;
  q: number;
  params: Record<string, string>;
}

/** goautoneg's `ParseAccept`: clauses sorted by quality, then concrete types before wildcards. */
function parseAccept(header: string): Clause[] {
  const clauses: Clause[] = [];
  for (const part of header.split(",")) {
    const [range = "", ...params] = part.replace(/^ +| +$/g, "").split(";");
    const sp = range.split("/");
    const type = sp[0]!.replace(/^ +| +$/g, "");
    let subType: string;
    if (sp.length === 1 && type === "*") subType = "*";
    else if (sp.length === 2) subType = sp[1]!.replace(/^ +| +$/g, "");
    else continue;
    const clause: Clause = { type, subType, q: 1, params: {} };
    for (const param of params) {
      const eq = param.indexOf("=");
      if (eq < 0) continue;
      const token = param.slice(0, eq).replace(/^ +| +$/g, "");
      const value = param.slice(eq + 1);
      // strconv.ParseFloat's syntax; a value it refuses counts as 0.
      if (token === "q") clause.q = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value) ? Number(value) : 0;
      else clause.params[token] = value.replace(/^ +| +$/g, "");
    }
    clauses.push(clause);
  }
  // sort.Sort of a short slice is an insertion sort with goautoneg's Less.
  const less = (a: Clause, b: Clause) => a.q > b.q || (a.type !== "*" && b.type === "*") || (a.subType !== "*" && b.subType === "*");
  for (let i = 1; i < clauses.length; i++) {
    for (let j = i; j > 0 && less(clauses[j]!, clauses[j - 1]!); j--) [clauses[j], clauses[j - 1]] = [clauses[j - 1]!, clauses[j]!];
  }
  return clauses;
}

/** The serializers a built-in or custom resource answers in, in the order negotiation tries them. */
const SERIALIZERS: Array<[string, string]> = [["application", "json"], ["application", "yaml"], ["application", "vnd.kubernetes.protobuf"]];

/**
 * The Table version an Accept header gets, or undefined when the first acceptable clause asks
 * for no Table (the object as it is). A clause asking for a conversion the endpoint cannot make
 * (`as=Table` without `g=meta.k8s.io` and `v=v1`/`v1beta1`, a protobuf Table, another kind) is
 * passed over, as `AllowsMediaTypeTransform` refuses it; when no clause is acceptable the real
 * server answers 406, this one the object as it is.
 */
export function negotiateTable(accept: string): TableVersion | undefined {
  if (accept === "") return undefined;
  for (const clause of parseAccept(accept)) {
    for (const [type, subType] of SERIALIZERS) {
      const matches = (clause.type === type && (clause.subType === subType || clause.subType === "*")) || (clause.type === "*" && clause.subType === "*");
      if (!matches) continue;
      const { as, g, v } = clause.params;
      if (as === undefined && g === undefined && v === undefined) return undefined;
      if (as === "Table" && g === "meta.k8s.io" && (v === "v1" || v === "v1beta1") && (subType === "json" || subType === "yaml")) return v;
    }
  }
  return undefined;
}

/**
 * The Table of `objects` with list metadata `metadata`, as `meta.k8s.io/<version>`. Without
 * `headers` (TableOptions' `noHeaders`, as a watch after its first event) `columnDefinitions` is
 * null, as Go encodes a nil slice.
 */
export function tableOf(call: Call, objects: Obj[], metadata: Obj, headers = true, version: TableVersion = "v1"): Obj {
  const { def } = call;
  const printer = printerFor(def);
  const now = call.registry.now();
  const apiVersion = `meta.k8s.io/${version}`;
  const rows = objects.map((o) => {
    const printed = def.storage ? def.storage.toStorage(o) : o;
    // A watch BOOKMARK's object has no name: the printers see Go's empty string.
    const named = printed.metadata?.name === undefined ? { ...printed, metadata: { ...printed.metadata, name: "" } } : printed;
    const row: Obj = { cells: printer.cells(named, now) };
    const conditions = printer.conditions?.(named);
    if (conditions) row.conditions = conditions;
    row.object = { kind: "PartialObjectMetadata", apiVersion, metadata: o.metadata };
    return row;
  });
  return { kind: "Table", apiVersion, metadata, columnDefinitions: headers ? printer.columns : null, rows };
}

/** The Table of a list (or single object) reply, in the version negotiated for it. */
export function table(call: Call, reply: Reply, version: TableVersion): Reply {
  const parsed = JSON.parse(reply.body.toString()) as Obj;
  const objects: Obj[] = Array.isArray(parsed.items) ? parsed.items : [parsed];
  const metadata: Obj = { resourceVersion: parsed.metadata?.resourceVersion ?? "" };
  if (parsed.metadata?.continue) metadata.continue = parsed.metadata.continue;
  return { status: 200, body: JSON.stringify(tableOf(call, objects, metadata, true, version)) };
}
