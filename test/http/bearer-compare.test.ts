/**
 * The bearer token compare (runtime/http/auth/bearer.ts): exactly the secret's bytes are
 * accepted, at the fixed width and past it (SHA-256 digests), whatever the presented token looks
 * like. Tokens are presented as header values arrive: one character per byte (`wire`).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { bearerAuth, tokenComparer, WIDTH } from "../../runtime/http/auth/bearer.js";
import type { CallRequest } from "../../runtime/http/exchange.js";
import type { Refusal } from "../../runtime/http/respond.js";

/** A token as a header value carries it: its UTF-8 bytes, one character per byte. */
const wire = (text: string) => Buffer.from(text, "utf8").toString("latin1");

const near = (secret: string) => [
  "",
  secret.slice(0, -1),
  `${secret}x`,
  `${secret}\0`,
  `\0${secret}`,
  secret.slice(0, -1) + String.fromCharCode(secret.charCodeAt(secret.length - 1) ^ 1),
  secret.toUpperCase() === secret ? secret.toLowerCase() : secret.toUpperCase(),
  secret + "y".repeat(WIDTH * 2),
];

for (const [what, secret] of [
  ["a short secret", "s3cret-token"],
  ["a secret of exactly the width", "w".repeat(WIDTH)],
  ["a secret one byte past the width (digests)", "d".repeat(WIDTH + 1)],
  ["a long secret (digests)", "L".repeat(1000)],
  ["a secret with multi-byte characters", "jeton-été-🔑"],
] as const) {
  test(`${what}: only the secret itself is accepted`, () => {
    const same = tokenComparer(secret);
    assert.equal(same(wire(secret)), true);
    // A copy built apart (not the same string object) is accepted too.
    assert.equal(same(wire(secret).split("").join("")), true);
    for (const other of near(secret)) assert.equal(same(wire(other)), false, JSON.stringify(other.slice(0, 40)));
    // The secret's characters themselves are not what a header carries once one is not ASCII.
    if (/[^\x00-\x7f]/.test(secret)) assert.equal(same(secret), false);
  });
}

test("a token that runs past the width does not pass for the secret it starts with", () => {
  // The buffer holds the width only: the secret's bytes and a zero can be all that is written
  // of a longer token. Only the token's own length tells them apart.
  const full = "a".repeat(WIDTH);
  assert.equal(tokenComparer(full)(`${full}\0`), false);
  assert.equal(tokenComparer(full)(`${full}${"\0".repeat(WIDTH)}`), false);
  const secret = "a".repeat(WIDTH - 1);
  const same = tokenComparer(secret);
  assert.equal(same(wire(`${secret}é`)), false);
  assert.equal(same(wire(`${secret}🔑`)), false);
  assert.equal(same(secret), true);
});

test("a character that is not a byte never passes for the byte it ends in", () => {
  // Written as latin1, "Ł" (U+0141) would keep only 0x41, "A".
  for (const secret of ["A", "A".repeat(WIDTH + 1)]) {
    const same = tokenComparer(secret);
    assert.equal(same(secret.replace(/A$/, "\u0141")), false);
    assert.equal(same(secret), true);
  }
});

test("the checker follows the secret when it rotates", () => {
  let value = "first-token";
  const checker = bearerAuth({ name: "rotating", path: "env:ROTATING", value: () => value });
  const presenting = (token: string) => ({ header: (name: string) => (name === "authorization" ? `Bearer ${token}` : null) }) as unknown as CallRequest;
  assert.equal(checker.check(presenting("first-token"), new Uint8Array()), undefined);
  value = "second-token";
  assert.equal((checker.check(presenting("first-token"), new Uint8Array()) as Refusal).status, 403);
  assert.equal(checker.check(presenting("second-token"), new Uint8Array()), undefined);
});

test("one comparer answers call after call (its buffer holds nothing from the last)", () => {
  const same = tokenComparer("abc");
  assert.equal(same("abcdef"), false);
  assert.equal(same("abc"), true);
  assert.equal(same("ab"), false);
  assert.equal(same("abc"), true);
});
