/**
 * @module bench/functions/noop
 * The run-once benchmark's function: does nothing, so `podfn run noop` measures the runtime.
 */
import { defineFunction } from "podfn";

export default defineFunction({
  name: "noop",
  handler: () => ({ ok: true }),
});
