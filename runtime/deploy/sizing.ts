/**
 * @module deploy/sizing
 * How each serving workload is sized — replicas, autoscaler, PodDisruptionBudget, container
 * resources — from `podfn manifests`' sizing options, each a value for every workload and/or
 * values per workload (per-workload.ts; `http` names the default workload), over podfn's
 * defaults. The values for every workload are checked on their own, with the messages they
 * always had (`sizingOf(options)`); a workload with values of its own is checked with them, its
 * errors naming it. A value naming a workload that serves no function is refused, naming those
 * there are. CronJobs take the values for every workload (a function's `resources` over them).
 */
import type { ResourceRequirements } from "kubernetes-types/core/v1.js";
import { ConfigError } from "../errors.js";
import { closestName } from "../edit-distance.js";
import { DEFAULT_WORKLOAD } from "../definition-accept.js";
import { isPerWorkload, namedWorkloads, switchGivenBoolean, valueFor, type OrPerWorkload } from "../per-workload.js";
import { workloadResources, type WorkloadResources } from "./resources.js";

/** CPU and memory as `podfn manifests` is told them: each amount for every workload and/or per workload; a limit of `null` leaves it out. */
export interface ResourceOptions {
  requests?: { cpu?: OrPerWorkload<string>; memory?: OrPerWorkload<string> };
  limits?: { cpu?: OrPerWorkload<string | null>; memory?: OrPerWorkload<string | null> };
}

/** The sizing options of `podfn manifests` (ManifestOptions' fields of the same names). */
export interface SizingOptions {
  replicas?: OrPerWorkload<number>;
  maxReplicas?: OrPerWorkload<number>;
  pdb?: OrPerWorkload<boolean>;
  resources?: ResourceOptions;
}

/** What one serving workload is sized with. */
export interface WorkloadSizing {
  /** The Deployment's replicas, or the autoscaler's minimum. */
  replicas: number;
  /** The autoscaler's maximum; absent: no HorizontalPodAutoscaler. */
  maxReplicas?: number;
  /** Whether it gets a PodDisruptionBudget. */
  pdb: boolean;
  /** Its container's requests and limits. */
  resources: ResourceRequirements;
}

/**
 * Replicas of a serving Deployment unless told: 2, so a rolling update or a node drain keeps one
 * serving, and in-process schedules still fire once (only the Lease holder fires).
 */
export const DEFAULT_REPLICAS = 2;

/** Each sizing option's flag, and where its value is in `SizingOptions`. */
const OPTIONS: readonly { flag: string; given: (o: SizingOptions) => OrPerWorkload<unknown> | undefined }[] = [
  { flag: "--replicas", given: (o) => o.replicas },
  { flag: "--max-replicas", given: (o) => o.maxReplicas },
  { flag: "--pdb", given: (o) => o.pdb },
  { flag: "--cpu-request", given: (o) => o.resources?.requests?.cpu },
  { flag: "--memory-request", given: (o) => o.resources?.requests?.memory },
  { flag: "--cpu-limit", given: (o) => o.resources?.limits?.cpu },
  { flag: "--memory-limit", given: (o) => o.resources?.limits?.memory },
];

/** The amounts of `workload` (undefined: every workload's), leaving out those not given. */
function resourcesOf(told: ResourceOptions | undefined, workload: string | undefined): WorkloadResources {
  const given = <T>(entries: [string, OrPerWorkload<T> | undefined][]) => Object.fromEntries(entries.map(([name, value]) => [name, valueFor(value, workload)]).filter(([, value]) => value !== undefined));
  return {
    requests: given([["cpu", told?.requests?.cpu], ["memory", told?.requests?.memory]]),
    limits: given([["cpu", told?.limits?.cpu], ["memory", told?.limits?.memory]]),
  };
}

/**
 * The sizing of `workload` (a named one, or `http` for the default; undefined: every workload
 * without values of its own). Throws `ConfigError`, naming the workload when one is given, for
 * a PodDisruptionBudget over a Deployment that can never have two replicas (`maxUnavailable: 1`
 * of one pod lets a drain evict it, protecting nothing; with an autoscaler that may go from one to
 * more, it protects the pods once scaled up), for an autoscaler whose maximum is below its
 * minimum (`replicas`), and for a request above its limit (`workloadResources`). With
 * `deployment: false` (the values only CronJobs take, every serving workload having its own),
 * only the resources are checked.
 */
export function sizingOf(options: SizingOptions, workload?: string, { deployment = true }: { deployment?: boolean } = {}): WorkloadSizing {
  const where = workload === undefined ? "" : `workload "${workload}": `;
  const told = valueFor(options.replicas, workload);
  const replicas = told ?? DEFAULT_REPLICAS;
  const maxReplicas = valueFor(options.maxReplicas, workload);
  const pdb = valueFor(options.pdb, workload) ?? false;
  // Sizing only CronJobs (`deployment: false`): their resources are checked, not a Deployment's replicas.
  if (!deployment) return { replicas, ...(maxReplicas !== undefined ? { maxReplicas } : {}), pdb, resources: checkedResources(options, workload, where) };
  if (maxReplicas !== undefined && maxReplicas < replicas) {
    throw new ConfigError(`${where}--max-replicas ${maxReplicas} is below --replicas ${replicas} (the autoscaler's minimum${told === undefined ? `, ${DEFAULT_REPLICAS} by default` : ""}): raise --max-replicas or lower --replicas`);
  }
  if (pdb && (maxReplicas ?? replicas) < 2) {
    const flag = maxReplicas !== undefined ? "--max-replicas" : "--replicas";
    throw new ConfigError(`${where}--pdb with one replica protects nothing (a drain may evict the only pod): use ${flag} ${workload === undefined ? "" : `${workload}=`}2 or more`);
  }
  return { replicas, ...(maxReplicas !== undefined ? { maxReplicas } : {}), pdb, resources: checkedResources(options, workload, where) };
}

/** The container resources of `workload`; a request above its limit refused, naming the workload. */
function checkedResources(options: SizingOptions, workload: string | undefined, where: string): ResourceRequirements {
  try {
    return workloadResources(resourcesOf(options.resources, workload));
  } catch (error) {
    if (workload === undefined || !(error instanceof ConfigError)) throw error;
    throw new ConfigError(`${where}${error.message}`, { cause: error });
  }
}

/** An entry of a sizing option as it was written: `public=4`, `public=none`; `--pdb`'s is the name. */
function entryText(flag: string, workload: string, value: unknown): string {
  if (flag === "--pdb") return workload;
  return `${workload}=${value === null ? "none" : String(value)}`;
}

/** Why no workload `workload` is there to size, and which there are; `--pdb=false` as a switch given a boolean. */
function unknownWorkload(flag: string, workload: string, value: unknown, known: readonly string[]): ConfigError {
  const word = flag === "--pdb" ? switchGivenBoolean(flag, workload) : undefined;
  if (word !== undefined) return new ConfigError(`${flag}: ${word}`);
  const why = workload === DEFAULT_WORKLOAD ? `the default workload (${DEFAULT_WORKLOAD}) serves no function here: each names its workload` : `no function names the workload "${workload}"`;
  const meant = closestName(workload, known);
  const there = known.length > 0 ? `the serving workloads are ${known.join(", ")}` : "no function is served by a Deployment (only CronJobs)";
  return new ConfigError(`${flag}: ${entryText(flag, workload, value)}: ${why}${meant !== undefined ? ` (did you mean ${meant}?)` : ""}; ${there}`);
}

/**
 * The sizing of each workload the options give values of its own, by name (`http`: the
 * default workload); every other workload is sized as `sizingOf(options)`. `known` are the
 * serving workloads' names, the default's first. Throws `ConfigError` for a value naming a
 * workload not among them, or for one whose sizing `sizingOf` refuses.
 */
export function workloadSizings(options: SizingOptions, known: readonly string[]): ReadonlyMap<string, WorkloadSizing> {
  const named = new Set<string>();
  for (const { flag, given } of OPTIONS) {
    const value = given(options);
    for (const workload of namedWorkloads(value)) {
      if (!known.includes(workload)) throw unknownWorkload(flag, workload, isPerWorkload(value) ? value.workloads[workload] : value, known);
      named.add(workload);
    }
  }
  return new Map(known.filter((workload) => named.has(workload)).map((workload) => [workload, sizingOf(options, workload)]));
}
