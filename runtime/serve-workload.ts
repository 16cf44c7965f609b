/**
 * @module serve-workload
 * `podfn serve --workload NAME`: which of the served functions one workload's Deployment runs.
 * Functions naming `workload: NAME` are that workload's; `http`, the default workload's name,
 * takes those naming none. Without the flag every served function is (a local `serve`, and the
 * Deployment of a project naming no workload, whose args stay `["serve"]`).
 */
import { DEFAULT_WORKLOAD } from "./definition-accept.js";
import { ConfigError } from "./errors.js";
import type { LoadedFunction } from "./function.js";

/** The workloads `served` make up, by name: `http` for those naming none, first; then the named ones, sorted. */
export function workloadNames(served: readonly LoadedFunction[]): string[] {
  const named = [...new Set(served.flatMap((fn) => (fn.workload === undefined ? [] : [fn.workload])))].sort();
  return [...(served.some((fn) => fn.workload === undefined) ? [DEFAULT_WORKLOAD] : []), ...named];
}

/**
 * The functions of `served` (the functions a Deployment may run) that the workload `workload`
 * serves; all of them when `workload` is undefined. Throws `ConfigError` (`config_invalid`) for
 * a workload no function makes up, listing those there are.
 *
 * @example
 * functionsOfWorkload(servedByDeployment(all), config.workload);
 */
export function functionsOfWorkload(served: readonly LoadedFunction[], workload: string | undefined): LoadedFunction[] {
  if (workload === undefined) return [...served];
  const own = served.filter((fn) => (fn.workload ?? DEFAULT_WORKLOAD) === workload);
  if (own.length > 0) return own;
  const known = workloadNames(served);
  const listed = known.map((name) => (name === DEFAULT_WORKLOAD ? `${name} (the functions naming none)` : name)).join(", ");
  throw new ConfigError(`--workload ${workload}: no function served by a Deployment is in that workload; ${known.length ? `the workloads are ${listed}` : "there are none (no function has http, watch, admission or an in-process schedule)"}`);
}
