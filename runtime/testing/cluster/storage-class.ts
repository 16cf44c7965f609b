/**
 * @module cluster/storage-class
 * A storage.k8s.io/v1 StorageClass as 1.32 serves it: the v1 defaults (SetDefaults_StorageClass:
 * reclaimPolicy Delete, volumeBindingMode Immediate), ValidateStorageClass (provisioner required
 * and a qualified name, parameters' keys and size, reclaimPolicy Delete or Retain,
 * volumeBindingMode Immediate or WaitForFirstConsumer, allowedTopologies' terms) and
 * ValidateStorageClassUpdate (parameters, provisioner, reclaimPolicy and volumeBindingMode
 * never change), fields in the order Go's encoding writes them.
 */
import { sameJson } from "./go-equality.js";
import { labelKeyErrors } from "./label-rules.js";
import type { FieldError } from "./status.js";

type Obj = Record<string, any>;

const FIELD_ORDER = ["kind", "apiVersion", "metadata", "provisioner", "parameters", "reclaimPolicy", "mountOptions", "allowVolumeExpansion", "volumeBindingMode", "allowedTopologies"];
const MAX_PARAMETERS = 512;
const MAX_PARAMETERS_SIZE = 256 * 1024;

/** SetDefaults_StorageClass, and the fields in Go's order. */
export function defaultStorageClass(o: Obj): void {
  o.reclaimPolicy ??= "Delete";
  o.volumeBindingMode ??= "Immediate";
  const entries = Object.entries(o);
  for (const k of Object.keys(o)) delete o[k];
  for (const k of FIELD_ORDER) if (entries.some(([key]) => key === k)) o[k] = entries.find(([key]) => key === k)![1];
  for (const [k, v] of entries) if (!(k in o)) o[k] = v;
}

/** validateParameters: at most 512, no empty key, 256 KiB of keys and values. */
function parameterErrors(params: unknown): FieldError[] {
  if (!params || typeof params !== "object") return [];
  const entries = Object.entries(params as Record<string, unknown>);
  if (entries.length > MAX_PARAMETERS) return [{ type: "TooLong", field: "parameters", detail: `may not be more than ${MAX_PARAMETERS} bytes` }];
  const errors: FieldError[] = [];
  let size = 0;
  for (const [k, v] of entries) {
    if (k.length < 1) errors.push({ type: "Invalid", field: "parameters", value: k, detail: "field can not be empty." });
    size += Buffer.byteLength(k) + Buffer.byteLength(String(v ?? ""));
  }
  if (size > MAX_PARAMETERS_SIZE) errors.push({ type: "TooLong", field: "parameters", detail: `may not be more than ${MAX_PARAMETERS_SIZE} bytes` });
  return errors;
}

/** ValidateTopologySelectorTerm for each term, and no term repeating another (nor an empty one: Go compares with a slice of empty maps). */
function topologyErrors(terms: unknown): FieldError[] {
  if (!Array.isArray(terms) || terms.length === 0) return [];
  const errors: FieldError[] = [];
  const seen: string[] = Array.from({ length: terms.length }, () => "{}");
  terms.forEach((term: Obj, i) => {
    const at = `allowedTopologies[${i}]`;
    const exprs: Record<string, string[]> = {};
    ((term?.matchLabelExpressions ?? []) as Obj[]).forEach((req, j) => {
      const path = `${at}.matchLabelExpressions[${j}]`;
      const values: unknown[] = Array.isArray(req?.values) ? req.values : [];
      if (values.length === 0) errors.push({ type: "Required", field: `${path}.values` });
      const set = new Set<string>();
      values.forEach((v, k) => {
        if (set.has(String(v))) errors.push({ type: "Duplicate", field: `${path}.values[${k}]`, value: v });
        set.add(String(v));
      });
      const key = String(req?.key ?? "");
      for (const msg of labelKeyErrors(key)) errors.push({ type: "Invalid", field: `${path}.key`, value: key, detail: msg });
      if (key in exprs) errors.push({ type: "Duplicate", field: `${path}.key`, value: key });
      exprs[key] = [...set].sort();
    });
    const canonical = JSON.stringify(Object.fromEntries(Object.keys(exprs).sort().map((k) => [k, exprs[k]])));
    if (seen.includes(canonical)) errors.push({ type: "Duplicate", field: `${at}.matchLabelExpressions`, value: "" });
    seen.push(canonical);
  });
  return errors;
}

/** ValidateStorageClass past the metadata. */
export function storageClassErrors(o: Obj): FieldError[] {
  const errors: FieldError[] = [];
  const provisioner = typeof o.provisioner === "string" ? o.provisioner : "";
  if (!provisioner) errors.push({ type: "Required", field: "provisioner" });
  else for (const msg of labelKeyErrors(provisioner.toLowerCase())) errors.push({ type: "Invalid", field: "provisioner", value: provisioner, detail: msg });
  errors.push(...parameterErrors(o.parameters));
  if (typeof o.reclaimPolicy === "string" && o.reclaimPolicy !== "" && !["Delete", "Retain"].includes(o.reclaimPolicy)) {
    errors.push({ type: "NotSupported", field: "reclaimPolicy", value: o.reclaimPolicy, supported: ["Delete", "Retain"] });
  }
  if (o.volumeBindingMode == null) errors.push({ type: "Required", field: "volumeBindingMode" });
  else if (!["Immediate", "WaitForFirstConsumer"].includes(o.volumeBindingMode)) {
    errors.push({ type: "NotSupported", field: "volumeBindingMode", value: o.volumeBindingMode, supported: ["Immediate", "WaitForFirstConsumer"] });
  }
  errors.push(...topologyErrors(o.allowedTopologies));
  return errors;
}

/** ValidateStorageClassUpdate's own checks (the strategy runs ValidateStorageClass first). */
export function storageClassUpdateErrors(o: Obj, old: Obj): FieldError[] {
  const errors: FieldError[] = [];
  const params = (x: Obj) => (x.parameters && Object.keys(x.parameters).length ? x.parameters : null);
  if (!sameJson(params(o), params(old))) errors.push({ type: "Forbidden", field: "parameters", detail: "updates to parameters are forbidden." });
  if ((o.provisioner ?? "") !== (old.provisioner ?? "")) errors.push({ type: "Forbidden", field: "provisioner", detail: "updates to provisioner are forbidden." });
  if (o.reclaimPolicy !== old.reclaimPolicy) errors.push({ type: "Forbidden", field: "reclaimPolicy", detail: "updates to reclaimPolicy are forbidden." });
  if (o.volumeBindingMode !== old.volumeBindingMode) errors.push({ type: "Invalid", field: "volumeBindingMode", value: o.volumeBindingMode ?? null, detail: "field is immutable" });
  return errors;
}
