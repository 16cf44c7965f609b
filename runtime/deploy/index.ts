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
import { assertDistinctNames, workloadLabels, type OwnedObjects } from "./names.js";
import { planWorkloads, servingWorkloads, type HttpWorkload } from "./plan.js";
import type { ResolvedOptions } from "./options.js";
import { KUSTOMIZATION_FILE, renderFile, renderKustomization, type ManifestFile } from "./render.js";
import { byCodeUnits } from "./order.js";
import { sizingOf, workloadSizings, type WorkloadSizing } from "./sizing.js";
import { DEFAULT_WORKLOAD } from "../definition-accept.js";

export type { ManifestOptions } from "./options.js";
export type { ManifestFile } from "./render.js";
export { planWorkloads, servingWorkloads } from "./plan.js";
export { leaseRules } from "./rbac.js";
export { isClusterScoped } from "./rules.js";

/** The objects of one output file. */
export interface ManifestGroup {
  /** File name, e.g. `http.yaml`, `workload-public.yaml` or `cronjob-cleanup.yaml`. */
  path: string;
  objects: KubeObject[];
}

/**
 * The files of one serving workload: the default one's `http.yaml` and `admission.yaml` (its
 * webhooks), as ever; a named one's `workload-<name>.yaml` and `admission-<name>.yaml`.
 */
function servingGroups(workload: HttpWorkload, options: ResolvedOptions, sizing: WorkloadSizing): (ManifestGroup & OwnedObjects)[] {
  const named = workload.workload;
  const names = (fns: readonly { name: string }[]) => fns.map((fn) => fn.name).join(", ");
  const groups: (ManifestGroup & OwnedObjects)[] = [
    {
      path: named === undefined ? "http.yaml" : `workload-${named}.yaml`,
      owner: `${named === undefined ? "the HTTP workload" : `the workload "${named}"`} (functions ${names(workload.functions)})`,
      objects: httpObjects(workload, options, sizing),
    },
  ];
  const labels = workloadLabels(options.app, options.namespace, named);
  const webhooks = admissionObjects(workload.functions, { app: options.app, namespace: options.namespace, service: workload.name, labels, ...(named !== undefined ? { workload: named } : {}) });
  if (webhooks.length > 0) {
    groups.push({
      path: named === undefined ? "admission.yaml" : `admission-${named}.yaml`,
      owner: `the admission webhooks${named === undefined ? "" : ` of the workload "${named}"`} (functions ${names(workload.functions.filter((fn) => fn.admission))})`,
      objects: webhooks,
    });
  }
  return groups;
}

/**
 * The objects for `functions`, grouped by workload (one group per output file). Throws a
 * `PodfnError` (code `manifest_name_conflict`) naming both functions when two objects would
 * share a name, and a `ConfigError` for sizing options it cannot apply (deploy/sizing): a
 * value for a workload that serves none of `functions`, or a workload's sizing refused.
 *
 * @example
 * const groups = generateManifests(await loadFunctions("functions"), { namespace: "ops", image: "registry/app:1.2" });
 */
export function generateManifests(functions: LoadedFunction[], options: ManifestOptions = {}): ManifestGroup[] {
  const resolved = resolveOptions(options);
  const plan = planWorkloads(functions, resolved);
  const groups: (ManifestGroup & OwnedObjects)[] = [];
  const serving = servingWorkloads(plan);
  // Sized by the values for every workload unless the options give it its own (`http`: the default one).
  const sizings = workloadSizings(options, serving.map((w) => w.workload ?? DEFAULT_WORKLOAD));
  // The values for every workload size a Deployment only where one has none of its own: checked as a Deployment's then.
  const everyWorkload = serving.some((w) => !sizings.has(w.workload ?? DEFAULT_WORKLOAD)) ? sizingOf(options) : resolved.sizing;
  for (const workload of serving) groups.push(...servingGroups(workload, resolved, sizings.get(workload.workload ?? DEFAULT_WORKLOAD) ?? everyWorkload));
  for (const workload of plan.cron) groups.push({ path: `cronjob-${workload.fn.name}.yaml`, owner: `function "${workload.fn.name}"`, objects: cronObjects(workload, resolved) });
  assertDistinctNames(groups);
  return groups.map(({ path, objects }) => ({ path, objects }));
}

/**
 * The manifest files for `functions`: one per workload and a `Kustomization`, sorted by
 * path. The same input always gives byte-identical output.
 *
 * @example
 * for (const file of renderManifests(functions, { image: "registry/app:1.2" })) await writeFile(join(out, file.path), file.content);
 */
export function renderManifests(functions: LoadedFunction[], options: ManifestOptions = {}): ManifestFile[] {
  return renderGroups(generateManifests(functions, options));
}

/** The files of generated groups: one per group, and the kustomization (`Kustomization`) naming them. */
export function renderGroups(groups: readonly ManifestGroup[]): ManifestFile[] {
  const files = groups.map((g) => ({ path: g.path, content: renderFile(g.objects) }));
  files.push({ path: KUSTOMIZATION_FILE, content: renderKustomization(groups.map((g) => g.path)) });
  return files.sort((a, b) => byCodeUnits(a.path, b.path));
}
