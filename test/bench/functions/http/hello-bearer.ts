/**
 * @module bench/functions/hello-bearer
 * The GET benchmark's trivial function behind bearer-token authentication
 * (secret `bench-token`, written by the benchmark into its secrets folder).
 */
import { z } from "zod";
import { defineFunction } from "podfn";

export default defineFunction({
  name: "hello-bearer",
  http: { method: "GET", auth: { type: "bearer", secret: "bench-token" } },
  input: z.object({ who: z.string().default("world") }),
  handler: ({ input }) => ({ hello: input.who }),
});
