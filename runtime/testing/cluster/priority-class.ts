/**
 * @module cluster/priority-class
 * A scheduling.k8s.io/v1 PriorityClass as 1.32 serves it: the v1 default (preemptionPolicy
 * PreemptLowerPriority), ValidatePriorityClass (the `system-` prefix reserved for the two known
 * system classes with their values, user values at most one billion, preemptionPolicy
 * PreemptLowerPriority or Never), ValidatePriorityClassUpdate (value and preemptionPolicy never
 * change), generation 1 from the strategy's PrepareForCreate and never bumped, the Priority
 * admission plugin's single global default, the REST storage's refusal to delete a system
 * class, and the two system classes the apiserver's post-start hook creates.
 */
import type { Call } from "./call.js";
import { forbidden, type ApiError, type FieldError } from "./status.js";

type Obj = Record<string, any>;

const SYSTEM_PREFIX = "system-";
const HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000;
const SYSTEM_CRITICAL_PRIORITY = 2 * HIGHEST_USER_DEFINABLE_PRIORITY;
const FIELD_ORDER = ["kind", "apiVersion", "metadata", "value", "globalDefault", "description", "preemptionPolicy"];

/** The system classes (SystemPriorityClasses), in the order the post-start hook creates them. */
export function systemPriorityClasses(): Obj[] {
  return [
    { metadata: { name: "system-node-critical" }, value: SYSTEM_CRITICAL_PRIORITY + 1000, description: "Used for system critical pods that must not be moved from their current node." },
    { metadata: { name: "system-cluster-critical" }, value: SYSTEM_CRITICAL_PRIORITY, description: "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary." },
  ];
}

/** SetDefaults_PriorityClass, and the fields in Go's order. */
export function defaultPriorityClass(o: Obj): void {
  o.preemptionPolicy ??= "PreemptLowerPriority";
  const entries = Object.entries(o);
  for (const k of Object.keys(o)) delete o[k];
  for (const k of FIELD_ORDER) {
    const found = entries.find(([key]) => key === k);
    if (found) o[k] = found[1];
  }
  for (const [k, v] of entries) if (!(k in o)) o[k] = v;
}

/** The strategy's PrepareForCreate: generation 1 (no update bumps it). */
export function preparePriorityClassCreate(o: Obj): void {
  o.metadata.generation = 1;
}

/** IsKnownSystemPriorityClass's error, or undefined for a known system class with its value and globalDefault. */
function systemClassError(name: string, value: number, globalDefault: boolean): string | undefined {
  const known = systemPriorityClasses().find((c) => c.metadata.name === name);
  if (!known) return `${name} is not a known system priority class`;
  if (known.value !== value) return `value of ${name} PriorityClass must be ${known.value}`;
  if (globalDefault) return `globalDefault of ${name} PriorityClass must be false`;
  return undefined;
}

/** ValidatePriorityClass past the metadata. */
export function priorityClassErrors(o: Obj): FieldError[] {
  const errors: FieldError[] = [];
  const name = String(o.metadata?.name ?? "");
  const value = typeof o.value === "number" ? o.value : 0;
  if (name.startsWith(SYSTEM_PREFIX)) {
    const problem = systemClassError(name, value, o.globalDefault === true);
    if (problem) errors.push({ type: "Forbidden", field: "metadata.name", detail: `priority class names with '${SYSTEM_PREFIX}' prefix are reserved for system use only. error: ${problem}` });
  } else if (value > HIGHEST_USER_DEFINABLE_PRIORITY) {
    errors.push({ type: "Forbidden", field: "value", detail: `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}` });
  }
  if (o.preemptionPolicy != null) {
    if (o.preemptionPolicy === "") errors.push({ type: "Required", field: "preemptionPolicy" });
    else if (!["PreemptLowerPriority", "Never"].includes(o.preemptionPolicy)) {
      errors.push({ type: "NotSupported", field: "preemptionPolicy", value: o.preemptionPolicy, supported: ["PreemptLowerPriority", "Never"] });
    }
  }
  return errors;
}

/** ValidatePriorityClassUpdate's own checks. */
export function priorityClassUpdateErrors(o: Obj, old: Obj): FieldError[] {
  const errors: FieldError[] = [];
  if ((o.value ?? 0) !== (old.value ?? 0)) errors.push({ type: "Forbidden", field: "value", detail: "may not be changed in an update." });
  if ((o.preemptionPolicy ?? null) !== (old.preemptionPolicy ?? null)) errors.push({ type: "Invalid", field: "preemptionPolicy", value: o.preemptionPolicy ?? null, detail: "field is immutable" });
  return errors;
}

const PRIORITY_CLASSES = { group: "scheduling.k8s.io", resource: "priorityclasses" };
const refused = (name: string, reason: string): ApiError => forbidden(PRIORITY_CLASSES, name, reason);

/** The Priority admission plugin on a PriorityClass: one global default (the stored one of lowest value) at a time. */
export function admitPriorityClass(call: Call, o: Obj, old: Obj | undefined): void {
  if (o.globalDefault !== true) return;
  let current: Obj | undefined;
  for (const { entry: { obj } } of call.registry.store.list(call.def)) {
    if (obj.globalDefault === true && (!current || current.value > obj.value)) current = obj;
  }
  if (current && (!old || current.metadata.name !== o.metadata.name)) {
    throw refused(String(o.metadata.name), `PriorityClass ${current.metadata.name} is already marked as default. Only one default can exist`);
  }
}

/** The REST storage's Delete: a system class is never deleted. */
export function refusePriorityClassDelete(name: string): void {
  if (systemPriorityClasses().some((c) => c.metadata.name === name)) throw refused(name, "this is a system priority class and cannot be deleted");
}
