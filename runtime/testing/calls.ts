/**
 * @module testing/calls
 * What a harness `run()` calls a function with, and as which workload: a schedule trigger's
 * entry is resolved as `podfn run --schedule NAME` resolves it (the same `scheduleOf`: an unknown
 * name is its `ConfigError` naming the schedules there are), and its `input` is the default, as
 * `podfn run` takes it; the call is made as the workload that would make it in the cluster.
 */
import type { LoadedFunction, Trigger } from "../function.js";
import { scheduleOf } from "../cron/schedule-entry.js";

/** The workload whose ServiceAccount makes a call: the function's CronJob, or the HTTP Deployment. */
export type Workload = "cronJob" | "deployment";

/** A call resolved: its input, its trigger and the workload that makes it. */
export interface PlannedCall {
  input: unknown;
  trigger: Trigger;
  workload: Workload;
}

/**
 * Resolve a call of `fn` by `trigger` with the input a test gave (`undefined`: none). A given
 * input replaces a schedule's whole, as `--input` does beside `--schedule` (no merge); with none
 * a schedule's input is taken, else `{}` (`cron/input.ts`). A schedule's call is its CronJob's,
 * an in-process schedule's the Deployment's; a `run` is the CronJob's where the function has one
 * (`hasCronJob`: a `cronjob` schedule), else the Deployment's, the only workload the manifests
 * give it; any other trigger is the Deployment's.
 * Throws `ConfigError` for a schedule the function does not have.
 *
 * @example
 * planCall(fn, undefined, { type: "schedule", schedule: "halfhour" }, true); // { input: { label: "team" }, trigger, workload: "cronJob" }
 */
export function planCall(fn: LoadedFunction, input: unknown, trigger: Trigger, hasCronJob: boolean): PlannedCall {
  if (trigger.type === "schedule") {
    const resolved = scheduleOf(fn, trigger.schedule);
    return { input: input !== undefined ? input : (resolved.input ?? {}), trigger: resolved.trigger, workload: resolved.entry!.mode === "in-process" ? "deployment" : "cronJob" };
  }
  return { input: input !== undefined ? input : {}, trigger, workload: trigger.type === "run" && hasCronJob ? "cronJob" : "deployment" };
}
