/**
 * @module cluster/pod-spec
 * A pod spec (a Pod's, or a workload's or Job's template) as 1.32's ValidatePodSpec checks it, in
 * its order, for what this emulator models: volumes (their file sources' names, modes and paths,
 * then a name, unique), then
 * each container and init container (a name, an image, its volume mounts naming a volume and a
 * unique path, its pull policy, requests within limits; names unique across both lists), then
 * the restart policy; and what a Job's or a workload's template adds about the restart policy.
 * Probes, ports, env and the many other fields are not checked.
 */
import { compareQuantities, parseQuantity } from "./crd-cel-quantity.js";
import type { FieldError } from "./status.js";
import { nameProblems } from "./validation.js";
import { volumeSourceErrors } from "./volume-sources.js";

type Obj = Record<string, any>;

const RESTART_POLICIES = ["Always", "OnFailure", "Never"];
const PULL_POLICIES = ["Always", "IfNotPresent", "Never"];

/**
 * ValidateVolumes: each volume's source, then its name; the names of the volumes that passed (a
 * volume with an error is not one a mount may name). A volume without a type never gets here: SetDefaults_Volume made it an emptyDir.
 */
function volumeErrors(volumes: unknown, at: string, errors: FieldError[]): Set<string> {
  const names = new Set<string>();
  (Array.isArray(volumes) ? volumes : []).forEach((raw, i) => {
    const volume: Obj = raw && typeof raw === "object" ? raw : {};
    const own: FieldError[] = volumeSourceErrors(volume, `${at}[${i}]`);
    const name = typeof volume.name === "string" ? volume.name : "";
    if (name === "") own.push({ type: "Required", field: `${at}[${i}].name` });
    else for (const detail of nameProblems(name, "label")) own.push({ type: "Invalid", field: `${at}[${i}].name`, value: name, detail });
    if (names.has(name)) own.push({ type: "Duplicate", field: `${at}[${i}].name`, value: name });
    if (own.length === 0) names.add(name);
    else errors.push(...own);
  });
  return names;
}

/** ValidateVolumeMounts: each names a volume of the pod, at a path of its own. */
function mountErrors(mounts: unknown, volumes: Set<string>, at: string): FieldError[] {
  const errors: FieldError[] = [];
  const paths = new Set<string>();
  (Array.isArray(mounts) ? mounts : []).forEach((raw, i) => {
    const mount: Obj = raw && typeof raw === "object" ? raw : {};
    const name = typeof mount.name === "string" ? mount.name : "";
    const path = typeof mount.mountPath === "string" ? mount.mountPath : "";
    if (name === "") errors.push({ type: "Required", field: `${at}[${i}].name` });
    if (!volumes.has(name)) errors.push({ type: "NotFound", field: `${at}[${i}].name`, value: name });
    if (path === "") errors.push({ type: "Required", field: `${at}[${i}].mountPath` });
    if (paths.has(path)) errors.push({ type: "Invalid", field: `${at}[${i}].mountPath`, value: path, detail: "must be unique" });
    paths.add(path);
  });
  return errors;
}

/** IsOvercommitAllowed: a native resource (no domain, or kubernetes.io's) other than huge pages. */
function overcommitAllowed(resource: string): boolean {
  const native = !resource.includes("/") || resource.includes("kubernetes.io/");
  return native && !resource.startsWith("hugepages-");
}

/** ValidateResourceRequirements' request-within-limit rule (field `resources.requests`, as there). */
function requestErrors(resources: Obj | undefined, at: string): FieldError[] {
  const errors: FieldError[] = [];
  const requests: Obj = resources?.requests ?? {};
  const limits: Obj = resources?.limits ?? {};
  for (const [resource, request] of Object.entries(requests)) {
    const limit = limits[resource];
    if (typeof request !== "string" || typeof limit !== "string") continue;
    const [r, l] = [parseQuantity(request), parseQuantity(limit)];
    if (typeof r === "string" || typeof l === "string") continue;
    const order = compareQuantities(r, l);
    if (order !== 0 && !overcommitAllowed(resource)) errors.push({ type: "Invalid", field: `${at}.requests`, value: request, detail: `must be equal to ${resource} limit of ${limit}` });
    else if (order > 0) errors.push({ type: "Invalid", field: `${at}.requests`, value: request, detail: `must be less than or equal to ${resource} limit of ${limit}` });
  }
  return errors;
}

/** validateContainerCommon's checks, as far as modelled. */
function containerErrors(container: Obj, volumes: Set<string>, at: string, requireImage: boolean): FieldError[] {
  const errors: FieldError[] = [];
  const name = typeof container.name === "string" ? container.name : "";
  if (name === "") errors.push({ type: "Required", field: `${at}.name` });
  else for (const detail of nameProblems(name, "label")) errors.push({ type: "Invalid", field: `${at}.name`, value: name, detail });
  if (requireImage && !container.image) errors.push({ type: "Required", field: `${at}.image` });
  errors.push(...mountErrors(container.volumeMounts, volumes, `${at}.volumeMounts`));
  const pull = container.imagePullPolicy;
  if (pull !== undefined && pull !== "" && !PULL_POLICIES.includes(pull)) errors.push({ type: "NotSupported", field: `${at}.imagePullPolicy`, value: pull, supported: PULL_POLICIES });
  errors.push(...requestErrors(container.resources, `${at}.resources`));
  return errors;
}

/** ValidatePodSpec of the spec at `field` (`spec`, `spec.template.spec`), as far as modelled. */
export function validatePodSpec(spec: Obj | undefined, field: string, requireImage = true): FieldError[] {
  const errors: FieldError[] = [];
  const volumes = volumeErrors(spec?.volumes, `${field}.volumes`, errors);
  const containers: Obj[] = Array.isArray(spec?.containers) ? spec!.containers : [];
  const initContainers: Obj[] = Array.isArray(spec?.initContainers) ? spec!.initContainers : [];
  const names = new Set<string>();
  if (containers.length === 0) errors.push({ type: "Required", field: `${field}.containers` });
  // validateContainers, then validateInitContainers (which does not note an empty name as taken).
  for (const [list, kind] of [[containers, "containers"], [initContainers, "initContainers"]] as const) {
    list.forEach((raw, i) => {
      const container: Obj = raw && typeof raw === "object" ? raw : {};
      const at = `${field}.${kind}[${i}]`;
      errors.push(...containerErrors(container, volumes, at, requireImage));
      const name = String(container.name ?? "");
      if (names.has(name)) errors.push({ type: "Duplicate", field: `${at}.name`, value: name });
      else if (name !== "" || kind === "containers") names.add(name);
    });
  }
  const restart = spec?.restartPolicy;
  if (restart !== undefined && restart !== "" && !RESTART_POLICIES.includes(restart)) {
    errors.push({ type: "NotSupported", field: `${field}.restartPolicy`, value: restart, supported: RESTART_POLICIES });
  }
  return errors;
}

/**
 * A Job's pods restart `OnFailure` or `Never` (after the pod template's own check). The pod
 * template's default (`Always`) is refused as the real server does, with the same message
 * whether the field was omitted or set.
 */
export function validateJobRestartPolicy(podSpec: Obj | undefined, field: string): FieldError[] {
  const policy = podSpec?.restartPolicy;
  if (policy === undefined || policy === "" || policy === "Always") return [{ type: "Required", field, detail: 'valid values: "OnFailure", "Never"' }];
  return policy === "OnFailure" || policy === "Never" ? [] : [{ type: "NotSupported", field, value: policy, supported: ["OnFailure", "Never"] }];
}

/** ValidatePodTemplateSpecForReplicaSet (and the StatefulSet's and DaemonSet's): a workload's pods restart Always. */
export function validateWorkloadRestartPolicy(podSpec: Obj | undefined, field: string): FieldError[] {
  const policy = podSpec?.restartPolicy ?? "Always";
  return policy === "Always" ? [] : [{ type: "NotSupported", field, value: policy, supported: ["Always"] }];
}
