/**
 * @module cluster/revision-template-validation
 * 1.32's validation of the two plain workload-history types: apps/v1 ControllerRevision
 * (ValidateControllerRevision: `data` is required, `revision` not negative; on update `data`
 * is immutable, its value printed as Go's `%#v` of the runtime.Unknown the RawExtension becomes)
 * and v1 PodTemplate (ValidatePodTemplate: its template's pod spec as a pod's, no ephemeral
 * containers). Their metadata is checked by the server's common rules.
 */
import { validatePodSpec } from "./pod-spec.js";
import { sameJson } from "./go-equality.js";
import type { FieldError } from "./status.js";

type Obj = Record<string, any>;

/** Go's `%#v` of the runtime.Unknown a ControllerRevision's data decodes to (its JSON bytes). */
function goUnknown(data: unknown): string {
  const bytes = [...Buffer.from(JSON.stringify(data))].map((b) => `0x${b.toString(16)}`).join(", ");
  return `runtime.Unknown{TypeMeta:runtime.TypeMeta{APIVersion:"", Kind:""}, Raw:[]uint8{${bytes}}, ContentEncoding:"", ContentType:"application/json"}`;
}

/** ValidateControllerRevision's own checks. */
export function controllerRevisionErrors(o: Obj): FieldError[] {
  const errors: FieldError[] = [];
  if (o.data == null) errors.push({ type: "Required", field: "data", detail: "data is mandatory" });
  const revision = typeof o.revision === "number" ? o.revision : 0;
  if (revision < 0) errors.push({ type: "Invalid", field: "revision", value: revision, detail: "must be greater than or equal to 0" });
  return errors;
}

/** ValidateControllerRevisionUpdate's last check: the data never changes. */
export function controllerRevisionUpdateErrors(o: Obj, old: Obj): FieldError[] {
  if (sameJson(o.data ?? null, old.data ?? null)) return [];
  return [{ type: "Invalid", field: "data", rendered: o.data == null ? '"null"' : goUnknown(o.data), detail: "field is immutable" }];
}

/** ValidatePodTemplate past the metadata: ValidatePodTemplateSpec at `template`. */
export function podTemplateErrors(o: Obj): FieldError[] {
  const spec = o.template?.spec;
  const errors = [...validatePodSpec(spec, "template.spec")];
  if (Array.isArray(spec?.ephemeralContainers) && spec.ephemeralContainers.length > 0) {
    errors.push({ type: "Forbidden", field: "template.spec.ephemeralContainers", detail: "ephemeral containers not allowed in pod template" });
  }
  return errors;
}
