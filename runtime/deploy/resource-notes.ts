/**
 * @module deploy/resource-notes
 * What `podfn manifests` says about CPU and memory that are valid but likely not what is meant:
 * a memory limit too small for Node's heap limit (the kernel's OOM kill comes first, silently),
 * and a function's `resources` that size nothing (it has no CronJob).
 */
import type { CronJob } from "kubernetes-types/batch/v1.js";
import type { Deployment } from "kubernetes-types/apps/v1.js";
import type { PodSpec } from "kubernetes-types/core/v1.js";
import type { KubeObject } from "../kube/api.js";
import type { LoadedFunction } from "../function.js";
import { quantityNanos } from "../quantity.js";
import { OOM_KILL_BELOW_BYTES } from "./resources.js";

/** The pod spec of a generated workload (Deployment or CronJob), if `object` is one. */
function podSpecOf(object: KubeObject): PodSpec | undefined {
  if (object.kind === "Deployment") return (object as Deployment).spec?.template.spec;
  if (object.kind === "CronJob") return (object as CronJob).spec?.jobTemplate.spec?.template.spec;
  return undefined;
}

/**
 * The notes about the resources of `objects` (every generated object) and `functions`, one line each.
 *
 * @example
 * for (const note of resourceNotes(objects, functions)) io.stderr(`note: ${note}\n`);
 */
export function resourceNotes(objects: readonly KubeObject[], functions: readonly Pick<LoadedFunction, "name" | "resources" | "schedules">[]): string[] {
  const notes: string[] = [];
  const small = new Map<string, string[]>();
  for (const object of objects) {
    for (const container of podSpecOf(object)?.containers ?? []) {
      const limit = container.resources?.limits?.memory;
      const nanos = limit === undefined ? undefined : quantityNanos(String(limit));
      if (nanos === undefined || nanos >= BigInt(OOM_KILL_BELOW_BYTES) * 10n ** 9n) continue;
      small.set(String(limit), [...(small.get(String(limit)) ?? []), `${object.kind} ${object.metadata?.name ?? ""}`]);
    }
  }
  for (const [limit, workloads] of small) {
    notes.push(
      `memory limit ${limit} (${workloads.join(", ")}) is below 384Mi: Node 20's heap may grow to ~259 MiB whatever the limit, so a process outgrowing its memory is OOM-killed by the kernel (exit 137, no error logged) rather than failing with a heap error; give 384Mi or more (--memory-limit, resources.limits.memory)`,
    );
  }
  for (const fn of functions) {
    if (fn.resources && !fn.schedules.some((s) => s.mode === "cronjob")) {
      notes.push(`function "${fn.name}" declares resources, which size its CronJobs, and it has none: its route, watches and in-process schedules run in the HTTP Deployment, sized by --cpu-request, --memory-request, --cpu-limit and --memory-limit`);
    }
  }
  return notes;
}
