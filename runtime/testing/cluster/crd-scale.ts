/**
 * @module cluster/crd-scale
 * A CRD version's scale subresource (apiextensions' customresource/etcd.go): the Scale reads
 * the version's `specReplicasPath`, `statusReplicasPath` and `labelSelectorPath` (missing status
 * values: 0 and ""), a GET of an object without spec replicas is the 500 `the spec replicas
 * field ".spec.replicas" does not exist`, a patch that names no replicas where there are none the
 * 400 `... cannot be empty`, and replicas are checked as the CR validator checks them (at the
 * path, its leading dot kept).
 */
import type { Call } from "./call.js";
import type { CrdFacts } from "./resources.js";
import { badRequest, internalError, invalid } from "./status.js";
import type { ScaleMapping } from "./subresources.js";

type Obj = Record<string, any>;

const keys = (path: string) => path.replace(/^\./, "").split(".");

function read(obj: Obj, path: string | undefined): unknown {
  if (!path) return undefined;
  let v: unknown = obj;
  for (const k of keys(path)) v = v && typeof v === "object" ? (v as Obj)[k] : undefined;
  return v;
}

function write(obj: Obj, path: string, value: unknown): Obj {
  const parts = keys(path);
  let at = obj;
  for (const k of parts.slice(0, -1)) {
    if (!at[k] || typeof at[k] !== "object") at[k] = {};
    at = at[k];
  }
  at[parts.at(-1)!] = value;
  return obj;
}

/** The Scale mapping of a CRD version with a scale subresource. */
export function crdScale(scale: NonNullable<CrdFacts["scale"]>, kind: string, group: string): ScaleMapping {
  return {
    read(obj) {
      const replicas = read(obj, scale.specReplicasPath);
      const status = read(obj, scale.statusReplicasPath);
      const selector = read(obj, scale.labelSelectorPath);
      return { replicas: replicas === undefined ? undefined : Number(replicas), statusReplicas: typeof status === "number" ? status : 0, selector: typeof selector === "string" ? selector : "" };
    },
    write: (obj, replicas) => write(obj, scale.specReplicasPath, replicas),
    missing: {
      get: () => internalError(`the spec replicas field ${JSON.stringify(scale.specReplicasPath)} does not exist`),
      patch: () => badRequest(`the spec replicas field ${JSON.stringify(scale.specReplicasPath)} cannot be empty`),
    },
    check(call: Call, replicas) {
      const detail = !Number.isInteger(replicas) || (replicas as number) < 0 ? "should be a non-negative integer" : (replicas as number) > 2147483647 ? "should be less than or equal to 2147483647" : undefined;
      if (detail) throw invalid(group, kind, call.info.name, [{ type: "Invalid", field: scale.specReplicasPath, value: replicas, detail }]);
    },
  };
}
