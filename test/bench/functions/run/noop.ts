/**
 * @module bench/functions/noop
 * The run-once benchmark's function: does nothing, so `podfn run noop` measures the runtime.
 * A daily schedule makes it a CronJob function, the kind `podfn run` is the entrypoint of.
 */
import { defineFunction } from "podfn";

export default defineFunction({
  name: "noop",
  schedule: { cron: "0 3 * * *" },
  handler: () => ({ ok: true }),
});
