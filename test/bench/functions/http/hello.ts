/**
 * @module bench/functions/hello
 * The GET benchmark's trivial function: a small JSON answer, no authentication.
 */
import { z } from "zod";
import { defineFunction } from "podfn";

export default defineFunction({
  name: "hello",
  http: { method: "GET", auth: "none" },
  input: z.object({ who: z.string().default("world") }),
  handler: ({ input }) => ({ hello: input.who }),
});
