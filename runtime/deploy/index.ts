/**
 * @module deploy
 * `podfn manifests` as pure functions: loaded functions and options in, typed Kubernetes objects
 * (`generateManifests`) or deterministic YAML files (`renderManifests`) out. Writing the files is
 * the command's job.
 */
import type { LoadedFunction } from "../function.js";
import type { KubeObject } from "../kube/api.js";
import { cronObjects } from "./cronjob.js";
import { httpObjects } from "./http.js";
import { admissionObjects } from "./admission.js";
import { resolveOptions, type ManifestOptions } from "./options.js";
import { assertDistinctNames, commonLabels, type OwnedObjects } from "./names.js";
import { planWorkloads } from "./plan.js";
import { renderFile, renderKustomization, type ManifestFile } from "./render.js";
import { byCodeUnits } from "./order.js";

export type { ManifestOptions } from "./options.js";
export type { ManifestFile } from "./render.js";
export { planWorkloads } from "./plan.js";
export { leaseRules } from "./rbac.js";
export { isClusterScoped } from "./rules.js";

/** The objects of one output file. */
export interface ManifestGroup {
  /** File name, e.g. `http.yaml` or `cronjob-cleanup.yaml`. */
  path: string;
  objects: KubeObject[];
}

/**
 * The objects for `functions`, grouped by workload (one group per output file). Throws a
 * `PodfnError` (code `manifest_name_conflict`) naming both functions when two objects would
 * share a name.
 *
 * @example
 * const groups = generateManifests(await loadFunctions("functions"), { namespace: "ops", image: "registry/app:1.2" });
 */
export function generateManifests(functions: LoadedFunction[], options: ManifestOptions = {}): ManifestGroup[] {
  const resolved = resolveOptions(options);
  const plan = planWorkloads(functions, resolved);
  const groups: (ManifestGroup & OwnedObjects)[] = [];
  if (plan.http) groups.push({ path: "http.yaml", owner: `the HTTP workload (functions ${plan.http.functions.map((fn) => fn.name).join(", ")})`, objects: httpObjects(plan.http, resolved) });
  const webhooks = plan.http ? admissionObjects(plan.http.functions, { app: resolved.app, namespace: resolved.namespace, service: plan.http.name, labels: commonLabels(resolved.app, "http", resolved.namespace) }) : [];
  if (webhooks.length > 0) groups.push({ path: "admission.yaml", owner: `the admission webhooks (functions ${plan.http!.functions.filter((fn) => fn.admission).map((fn) => fn.name).join(", ")})`, objects: webhooks });
  for (const workload of plan.cron) groups.push({ path: `cronjob-${workload.fn.name}.yaml`, owner: `function "${workload.fn.name}"`, objects: cronObjects(workload, resolved) });
  assertDistinctNames(groups);
  return groups.map(({ path, objects }) => ({ path, objects }));
}

/**
 * The manifest files for `functions`: one per workload and a `kustomization.yaml`, sorted by
 * path. The same input always gives byte-identical output.
 *
 * @example
 * for (const file of renderManifests(functions, { image: "registry/app:1.2" })) await writeFile(join(out, file.path), file.content);
 */
export function renderManifests(functions: LoadedFunction[], options: ManifestOptions = {}): ManifestFile[] {
  return renderGroups(generateManifests(functions, options));
}

/** The files of generated groups: one per group, and `kustomization.yaml` naming them. */
export function renderGroups(groups: readonly ManifestGroup[]): ManifestFile[] {
  const files = groups.map((g) => ({ path: g.path, content: renderFile(g.objects) }));
  files.push({ path: "kustomization.yaml", content: renderKustomization(groups.map((g) => g.path)) });
  return files.sort((a, b) => byCodeUnits(a.path, b.path));
}
