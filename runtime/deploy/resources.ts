/**
 * @module deploy/resources
 * CPU and memory of the generated containers: podfn's defaults (`DEFAULT_RESOURCES`),
 * `podfn manifests`' flags over them for every workload, and a function's own `resources` over
 * those for its CronJobs, amount by amount. A request the result puts above its limit, which the
 * API server would refuse on apply, is a `ConfigError` here, naming where each amount came from.
 */
import type { ResourceRequirements } from "kubernetes-types/core/v1.js";
import { ConfigError } from "../errors.js";
import type { FunctionResources, ResourceAmounts } from "../function.js";
import { requestsAboveLimits } from "../quantity.js";

/**
 * Requests and limits of a podfn container unless told otherwise. The memory limit sits above
 * Node 20's heap limit (259 MiB in a 256 or 512 MiB cgroup) plus the ~100 MiB outside the heap,
 * so a run that outgrows its heap ends as a JavaScript heap-out-of-memory error, stack and logs
 * flushed, rather than a silent OOM kill (exit 137) by the kernel at 256 MiB, which came first.
 * A flag capping the heap instead (`--max-old-space-size`) would make V8 reject the build's code
 * cache.
 */
export const DEFAULT_RESOURCES = { requests: { cpu: "50m", memory: "96Mi" }, limits: { cpu: "1", memory: "512Mi" } } as const;

/** A memory limit below this leaves less than Node 20's heap limit plus what lives outside the heap: see `DEFAULT_RESOURCES`. */
export const OOM_KILL_BELOW_BYTES = 384 * 2 ** 20;

/**
 * What `podfn manifests` was told for every workload: amounts over the defaults; a limit of
 * `null` (`--cpu-limit none`) leaves that limit out.
 */
export interface WorkloadResources {
  requests?: ResourceAmounts;
  limits?: { cpu?: string | null; memory?: string | null };
}

const FLAGS = { requests: { cpu: "--cpu-request", memory: "--memory-request" }, limits: { cpu: "--cpu-limit", memory: "--memory-limit" } } as const;

/** Requests and limits without the limits left out (and without `limits` when none is left). */
function requirements(requests: ResourceAmounts, limits: Record<string, string | null | undefined>): ResourceRequirements {
  const kept = Object.fromEntries(Object.entries(limits).filter((e): e is [string, string] => typeof e[1] === "string"));
  return { requests: { ...requests } as Record<string, string>, ...(Object.keys(kept).length > 0 ? { limits: kept } : {}) };
}

/**
 * The resources of every workload: the defaults with `podfn manifests`' amounts over them.
 * Throws `ConfigError` when a request ends above its limit.
 */
export function workloadResources(told: WorkloadResources = {}): ResourceRequirements {
  const requests = { ...DEFAULT_RESOURCES.requests, ...told.requests };
  const limits = { ...DEFAULT_RESOURCES.limits, ...told.limits };
  const result = requirements(requests, limits);
  for (const name of requestsAboveLimits(result)) {
    const request = told.requests?.[name] !== undefined ? `${FLAGS.requests[name]} ${requests[name]}` : `the default ${name} request ${requests[name]}`;
    const limit = told.limits?.[name] !== undefined ? `${FLAGS.limits[name]} ${limits[name]}` : `the default ${name} limit ${limits[name]}`;
    throw new ConfigError(`${request} is more than ${limit}: Kubernetes refuses a request above its limit; raise ${FLAGS.limits[name]} or lower ${FLAGS.requests[name]}`);
  }
  return result;
}

/**
 * The resources of one function's CronJob pods: `base` (the workloads') with the function's own
 * amounts over it. Throws `ConfigError` when a request ends above its limit.
 */
export function functionResources(base: ResourceRequirements, fn: { name: string; resources?: FunctionResources }): ResourceRequirements {
  if (!fn.resources) return base;
  const requests = { ...base.requests, ...fn.resources.requests };
  const limits = { ...base.limits, ...fn.resources.limits };
  const result = requirements(requests as ResourceAmounts, limits);
  for (const name of requestsAboveLimits(result)) {
    const own = (side: "requests" | "limits") => fn.resources?.[side]?.[name] !== undefined;
    const request = own("requests") ? `resources.requests.${name} ${requests[name]}` : `the ${name} request ${requests[name]} (${FLAGS.requests[name]} or the default)`;
    const limit = own("limits") ? `resources.limits.${name} ${limits[name]}` : `the ${name} limit ${limits[name]} (${FLAGS.limits[name]} or the default)`;
    throw new ConfigError(`function "${fn.name}": ${request} is more than ${limit}: Kubernetes refuses a request above its limit; set resources.${own("limits") ? "requests" : "limits"}.${name} in its definition too`);
  }
  return result;
}
