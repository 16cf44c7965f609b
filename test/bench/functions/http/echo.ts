/**
 * @module bench/functions/echo
 * The POST benchmark's function: a ~1 KB JSON body validated by a zod schema, answered with
 * a small summary (the same work as the fastify and raw node:http peers).
 */
import { defineFunction } from "podfn";
import { payloadSchema, summarize } from "../../lib/payload.js";

export default defineFunction({
  name: "echo",
  http: { method: "POST", auth: "none" },
  input: payloadSchema,
  handler: ({ input }) => summarize(input),
});
