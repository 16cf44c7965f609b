/**
 * @module zod-runtime
 * zod for the runtime's own use (schemas built to explain a refusal, the `instanceof` test
 * of invoke, the fast check's version test), reached through `zod()` rather than a static
 * import. In the production bundle (`scripts/build/runtime-plugins.js`, `lazyZod`) this module is replaced by
 * one that `require`s zod's ES module build on first call: a process whose functions declare no
 * schema (a CronJob's `podfn run` of a cleanup task) never initialises zod (~4 ms), and one
 * that does shares the functions' zod instance. From the sources zod is imported as usual.
 */
import { z } from "zod";

/**
 * zod's `z`.
 *
 * @example
 * const schema = zod().object({ name: zod().string() });
 */
export function zod(): typeof z {
  return z;
}
