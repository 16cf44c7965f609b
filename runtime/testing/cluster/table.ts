/**
 * @module cluster/table
 * Minimal server-side printing for `kubectl get` (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`):
 * a `meta.k8s.io/v1` Table with the columns NAME and AGE (pods add READY, STATUS, RESTARTS),
 * each row carrying the object's metadata as `PartialObjectMetadata`.
 */
import type { Call, Reply } from "./call.js";

type Obj = Record<string, any>;

/** Whether the client asked for a Table. */
export function wantsTable(accept: string): boolean {
  return accept.includes("as=Table");
}

/** Go's `duration.HumanDuration`, as kubectl prints ages. */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 0) return "<invalid>";
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (d < 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (d < 365 * 2) return `${d}d`;
  return `${Math.floor(d / 365)}y`;
}

function column(name: string, description: string, format = ""): Obj {
  return { name, type: "string", format, description, priority: 0 };
}

/** The Table of a list (or single object) reply. */
export function table(call: Call, reply: Reply): Reply {
  const parsed = JSON.parse(reply.body) as Obj;
  const objects: Obj[] = Array.isArray(parsed.items) ? parsed.items : [parsed];
  const pods = call.def.group === "" && call.def.resource === "pods";
  const columns = [column("Name", "Name must be unique within a namespace.", "name")];
  if (pods) columns.push(column("Ready", "The aggregate readiness state of this pod for accepting traffic."), column("Status", "The aggregate status of the containers in this pod."), column("Restarts", "The number of times the containers in this pod have been restarted."));
  columns.push(column("Age", "CreationTimestamp is a timestamp representing the server time when this object was created."));
  const now = call.registry.now();
  const rows = objects.map((o) => {
    const created = Date.parse(o.metadata?.creationTimestamp ?? "");
    const cells: unknown[] = [o.metadata?.name ?? ""];
    if (pods) {
      const statuses: Obj[] = o.status?.containerStatuses ?? [];
      cells.push(`${statuses.filter((s) => s.ready).length}/${(o.spec?.containers ?? []).length}`, o.metadata?.deletionTimestamp ? "Terminating" : (o.status?.phase ?? ""), statuses.reduce((n, s) => n + (s.restartCount ?? 0), 0));
    }
    cells.push(Number.isNaN(created) ? "<unknown>" : humanDuration(now - created));
    return { cells, object: { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: o.metadata } };
  });
  const metadata: Obj = { resourceVersion: parsed.metadata?.resourceVersion ?? "" };
  if (parsed.metadata?.continue) metadata.continue = parsed.metadata.continue;
  return { status: 200, body: JSON.stringify({ kind: "Table", apiVersion: "meta.k8s.io/v1", metadata, columnDefinitions: columns, rows }) };
}
