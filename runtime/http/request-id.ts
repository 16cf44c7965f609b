/**
 * @module http/request-id
 * The id of a call: the caller's `X-Request-Id` when it is printable ASCII of at most 128
 * characters (so it cannot forge log lines), otherwise a fresh random (version 4) UUID.
 *
 * Fresh ids are made 128 at a time from one `randomFillSync`, each already a flat string: what
 * `crypto.randomUUID` does per call (16 table lookups joined into a string that the header
 * check and the log line then flatten) cost a busy server ~0.3 µs of each request.
 */
import { randomFillSync } from "node:crypto";

const ACCEPTABLE = /^[\x20-\x7e]{1,128}$/;
const BATCH = 128;
const HEX = Buffer.from("0123456789abcdef", "latin1");

let random: Buffer | undefined;
let text: Buffer | undefined;
const ids: string[] = [];
let next = BATCH;

/** Draw the next `BATCH` UUIDs: random bytes, version and variant bits, hex with dashes. */
function refill(): void {
  random ??= Buffer.alloc(16 * BATCH);
  text ??= Buffer.alloc(36 * BATCH);
  randomFillSync(random);
  let o = 0;
  for (let u = 0; u < BATCH; u++) {
    const r = u * 16;
    random[r + 6] = (random[r + 6]! & 0x0f) | 0x40;
    random[r + 8] = (random[r + 8]! & 0x3f) | 0x80;
    for (let i = 0; i < 16; i++) {
      if (i === 4 || i === 6 || i === 8 || i === 10) text[o++] = 0x2d;
      const byte = random[r + i]!;
      text[o++] = HEX[byte >> 4]!;
      text[o++] = HEX[byte & 15]!;
    }
    ids[u] = text.toString("latin1", u * 36, u * 36 + 36);
  }
  next = 0;
}

/**
 * A random version 4 (variant 10) UUID, as `crypto.randomUUID()` gives.
 *
 * @example
 * freshRequestId(); // "3b241101-e2bb-4255-8caf-4136c566a962"
 */
export function freshRequestId(): string {
  if (next === BATCH) refill();
  return ids[next++]!;
}

/**
 * The id of a request whose `X-Request-Id` header is `given` (null when absent).
 *
 * @example
 * requestIdOf("abc"); // "abc"
 * requestIdOf(null); // "3b241101-e2bb-4255-8caf-4136c566a962"
 */
export function requestIdOf(given: string | null): string {
  return given !== null && ACCEPTABLE.test(given) ? given : freshRequestId();
}

/**
 * The id of a request from its parsed `X-Request-Id` header (`incoming.headers["x-request-id"]`):
 * the caller's when it is one acceptable value, otherwise a fresh one.
 */
export function requestIdOfHeader(header: string | string[] | undefined): string {
  return requestIdOf(typeof header === "string" ? header : null);
}
