/**
 * @module cron/schedule-entry
 * Which of a function's schedules `podfn run --schedule NAME` runs as: the entry, its trigger
 * and its default input. `podfn/testing` fires schedules through it too, so a test resolves an
 * entry as its CronJob will.
 */
import { ConfigError } from "../errors.js";
import type { LoadedFunction, Trigger } from "../function.js";

/** One resolved schedule of a loaded function. */
type LoadedSchedule = LoadedFunction["schedules"][number];

/**
 * The function's schedule named `name`, as the trigger and the default input (no name: a plain
 * `run`); a name it has no schedule by is a `ConfigError` naming those it has.
 *
 * @example
 * scheduleOf(fn, "hourly"); // { entry, trigger: { type: "schedule", schedule: "hourly" }, input: entry.input }
 */
export function scheduleOf(fn: LoadedFunction, name: string | undefined): { trigger: Trigger; input?: unknown; entry?: LoadedSchedule } {
  if (name === undefined) return { trigger: { type: "run" } };
  const entry = fn.schedules.find((s) => s.name === name);
  if (!entry) {
    const known = fn.schedules.map((s) => `"${s.name}"`).join(", ") || "none";
    throw new ConfigError(`--schedule: ${fn.name} has no schedule named "${name}" (its schedules: ${known})`);
  }
  return { entry, trigger: { type: "schedule", schedule: entry.name }, input: entry.input };
}
