/**
 * @module cron/run-id
 * The request id of a `podfn run`: a version 4 UUID drawn from `Math.random`, not from
 * `node:crypto`, whose first use costs ~2.5 ms of a CronJob's start-up (loading the crypto
 * module and its streams). The id only names the run in logs and in `ctx.requestId`; nothing
 * depends on it being unpredictable. The HTTP server's ids keep `crypto.randomUUID`.
 */

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/**
 * A random version 4 (variant 10) UUID.
 *
 * @example
 * runId(); // "0b6e8a5c-3f1d-4c2a-9e7b-5d4f3a2b1c0d"
 */
export function runId(): string {
  const b = Array.from({ length: 16 }, () => Math.floor(Math.random() * 256));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.map((x) => HEX[x]!);
  return `${h.slice(0, 4).join("")}-${h.slice(4, 6).join("")}-${h.slice(6, 8).join("")}-${h.slice(8, 10).join("")}-${h.slice(10).join("")}`;
}
