/**
 * @module bench/payload
 * The POST benchmark's request: a ~1 KB JSON document, and the same rules written twice,
 * as a zod schema (podfn, raw node:http) and as a JSON schema (fastify), so every peer
 * validates the same thing.
 */
import { z } from "zod";

/** The zod form of the rules. */
export const payloadSchema = z.object({
  id: z.string().regex(/^[0-9a-f-]{36}$/),
  name: z.string().min(1).max(100),
  enabled: z.boolean(),
  tags: z.array(z.string().max(40)).max(20),
  items: z
    .array(
      z.object({
        key: z.string().min(1).max(40),
        value: z.string().max(100),
        count: z.number().int().min(0),
      }),
    )
    .max(50),
});

export type Payload = z.output<typeof payloadSchema>;

/** The JSON-schema form of the same rules (fastify compiles it with ajv). */
export const payloadJsonSchema = {
  type: "object",
  required: ["id", "name", "enabled", "tags", "items"],
  properties: {
    id: { type: "string", pattern: "^[0-9a-f-]{36}$" },
    name: { type: "string", minLength: 1, maxLength: 100 },
    enabled: { type: "boolean" },
    tags: { type: "array", maxItems: 20, items: { type: "string", maxLength: 40 } },
    items: {
      type: "array",
      maxItems: 50,
      items: {
        type: "object",
        required: ["key", "value", "count"],
        properties: {
          key: { type: "string", minLength: 1, maxLength: 40 },
          value: { type: "string", maxLength: 100 },
          count: { type: "integer", minimum: 0 },
        },
      },
    },
  },
} as const;

/** The request body every POST peer gets (about 1 KB of JSON). */
export const payload: Payload = {
  id: "3f2b9c1e-7a4d-4e8b-9c2f-1a2b3c4d5e6f",
  name: "nightly-cleanup-of-finished-jobs",
  enabled: true,
  tags: ["team-platform", "env-prod", "region-eu-west-1", "tier-batch", "owner-sre"],
  items: Array.from({ length: 12 }, (_, i) => ({ key: `label-key-${i}`, value: `some value number ${i} for the benchmark`, count: i * 7 })),
};

/** What every POST peer answers: a summary of the validated body. */
export function summarize(body: Payload): { id: string; items: number; total: number } {
  return { id: body.id, items: body.items.length, total: body.items.reduce((sum, item) => sum + item.count, 0) };
}
