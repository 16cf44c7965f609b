/**
 * @module cluster/crd-scale
 * A CRD version's scale subresource (apiextensions' customresource/etcd.go): the Scale reads
 * the version's `specReplicasPath`, `statusReplicasPath` and `labelSelectorPath` (missing status
 * values: 0 and ""), a GET of an object without spec replicas is the 500 `the spec replicas
 * field ".spec.replicas" does not exist`, a patch that names no replicas where there are none the
 * 400 `... cannot be empty`, and replicas are checked as the CR validator checks them (at the
 * path, its leading dot kept).
 */
import type { CrdFacts } from "./resources.js";
import { goPrint } from "./go-scalars.js";
import { badRequest, internalError, type FieldError } from "./status.js";
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

/** Go's `%T` of a decoded JSON value, as an accessor error names it. */
function goType(v: unknown): string {
  if (v === null || v === undefined) return "<nil>";
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number") return Number.isInteger(v) ? "int64" : "float64";
  return Array.isArray(v) ? "[]interface {}" : "map[string]interface {}";
}

/** A replicas path's errors (ValidateScaleSpec/Status): the accessor's error for a non-integer, then the bounds. */
function replicasErrors(obj: Obj, path: string): FieldError[] {
  const value = read(obj, path);
  if (value === undefined) return [];
  if (typeof value !== "number" || !Number.isInteger(value)) {
    return [{ type: "Invalid", field: path, value: 0, detail: `.${keys(path).join(".")} accessor error: ${goPrint(value)} is of the type ${goType(value)}, expected int64` }];
  }
  if (value < 0) return [{ type: "Invalid", field: path, value, detail: "should be a non-negative integer" }];
  if (value > 2147483647) return [{ type: "Invalid", field: path, value, detail: "should be less than or equal to 2147483647" }];
  return [];
}

/**
 * The CR validator's scale checks (validator.go): spec replicas (not on a status update), status
 * replicas and the label selector (a string), at their paths as written (leading dot kept).
 */
export function scaleErrors(scale: NonNullable<CrdFacts["scale"]>, obj: Obj, spec = true): FieldError[] {
  const errors = [...(spec ? replicasErrors(obj, scale.specReplicasPath) : []), ...replicasErrors(obj, scale.statusReplicasPath)];
  const selector = read(obj, scale.labelSelectorPath);
  if (scale.labelSelectorPath && selector !== undefined && typeof selector !== "string") {
    errors.push({ type: "Invalid", field: scale.labelSelectorPath, value: "", detail: `.${keys(scale.labelSelectorPath).join(".")} accessor error: ${goPrint(selector)} is of the type ${goType(selector)}, expected string` });
  }
  return errors;
}

/** The Scale mapping of a CRD version with a scale subresource. */
export function crdScale(scale: NonNullable<CrdFacts["scale"]>): ScaleMapping {
  return {
    read(obj) {
      const replicas = read(obj, scale.specReplicasPath);
      const status = read(obj, scale.statusReplicasPath);
      const selector = read(obj, scale.labelSelectorPath);
      return { replicas: replicas === undefined ? undefined : Number(replicas), statusReplicas: typeof status === "number" ? status : 0, selector: typeof selector === "string" ? selector : "" };
    },
    write: (obj, replicas) => write(obj, scale.specReplicasPath, replicas),
    replicasPath: keys(scale.specReplicasPath),
    missing: {
      get: () => internalError(`the spec replicas field ${JSON.stringify(scale.specReplicasPath)} does not exist`),
      patch: () => badRequest(`the spec replicas field ${JSON.stringify(scale.specReplicasPath)} cannot be empty`),
    },
    // The replicas are the CR validator's to check, on the update the write makes (scaleErrors).
    check() {},
  };
}
