/**
 * `podfn/testing`: a function with caller auth deploys without the test naming its secrets: the
 * harness makes up any it was not given (random, per harness), and `fn.secret()` and
 * `fn.authHeaders()` give a test what a caller would send. Secrets given to `startHarness` are
 * used as before.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { startHarness, type Harness } from "../../runtime/testing/index.js";
import { loaded } from "../schedule/helpers.js";

let h: Harness;
before(async () => {
  h = await startHarness({ secrets: { "given-token": "a-given-token-0123" } });
});
after(() => h.stop());

const bearer = (name: string, secret: string, extra: { header?: string; env?: string } = {}) =>
  loaded({ name, http: { auth: { type: "bearer", secret, ...extra } }, handler: () => ({ ok: true }) });

test("a bearer function deploys with no secrets given; authHeaders() carry the token the harness made up", async () => {
  const fn = await h.deploy(bearer("set-image-noscale", "api-token"));
  assert.match(fn.secret(), /^[0-9a-f]{64}$/);
  assert.equal(fn.secret("api-token"), fn.secret());
  assert.equal((await fn.fetch("/set-image-noscale", { method: "POST", headers: fn.authHeaders() })).status, 200);
  assert.equal((await fn.fetch("/set-image-noscale", { method: "POST", headers: { authorization: "Bearer wrong" } })).status, 403);
});

test("a secret given to startHarness is the one served, as before", async () => {
  const fn = await h.deploy(bearer("uses-given", "given-token"));
  assert.equal(fn.secret(), "a-given-token-0123");
  assert.equal((await fn.fetch("/uses-given", { method: "POST", headers: { authorization: "Bearer a-given-token-0123" } })).status, 200);
});

test("one name, one value: two functions sharing a secret get the same made-up value", async () => {
  const a = await h.deploy(bearer("shares-a", "shared-token"));
  const b = await h.deploy(bearer("shares-b", "shared-token"));
  assert.equal(a.secret(), b.secret());
});

test("a token in a header of the function's choosing, or read from an unset variable, is made up too", async () => {
  const gitlab = await h.deploy(bearer("gitlab-hook", "gitlab-token", { header: "x-gitlab-token" }));
  assert.deepEqual(gitlab.authHeaders(), { "x-gitlab-token": gitlab.secret() });
  assert.equal((await gitlab.fetch("/gitlab-hook", { method: "POST", headers: gitlab.authHeaders() })).status, 200);
  const fromEnv = await h.deploy(bearer("env-token", "env-token-secret", { env: "HARNESS_TEST_UNSET_TOKEN_VARIABLE" }));
  assert.equal((await fromEnv.fetch("/env-token", { method: "POST", headers: fromEnv.authHeaders() })).status, 200);
  assert.equal(process.env.HARNESS_TEST_UNSET_TOKEN_VARIABLE, undefined, "the test's own environment is left alone");
});

test("an HMAC function deploys with no key given; a body signed with secret() is accepted", async () => {
  const fn = await h.deploy(loaded({ name: "signed-hook", http: { auth: { type: "hmac", secret: "hook-key" } }, handler: () => ({ ok: true }) }));
  const body = "{}";
  const signature = `sha256=${createHmac("sha256", fn.secret()).update(body).digest("hex")}`;
  assert.equal((await fn.fetch("/signed-hook", { method: "POST", body, headers: { "content-type": "application/json", "x-hub-signature-256": signature } })).status, 200);
  assert.throws(() => fn.authHeaders(), (e: Error & { code?: string }) => e.code === "not_bearer_auth" && /signed-hook authenticates callers by hmac/.test(e.message));
});

test("secret() of a function without a secret, or of a name never seen, names what there is", async () => {
  const fn = await h.deploy(loaded({ name: "open", http: { auth: "none" }, handler: () => 1 }));
  assert.throws(() => fn.secret(), (e: Error & { code?: string }) => e.code === "unknown_secret" && /open reads no caller-auth secret/.test(e.message));
  assert.throws(() => fn.secret("nope"), (e: Error & { code?: string }) => e.code === "unknown_secret" && /no caller-auth secret named "nope"/.test(e.message));
});

test("a given value is what the runtime reads of its file: trailing newlines (\\n, \\r\\n) dropped, for callers and ctx.secret() alike", async () => {
  const own = await startHarness({ secrets: { "crlf-token": "tok-123\r\n\n", "pager-key": "key-9\n", blank: "\n" } });
  try {
    const fn = await own.deploy(bearer("crlf", "crlf-token"));
    assert.equal(fn.secret(), "tok-123");
    assert.deepEqual(fn.authHeaders(), { authorization: "Bearer tok-123" });
    assert.equal((await fn.fetch("/crlf", { method: "POST", headers: fn.authHeaders() })).status, 200);
    const readBlank = (read: (name: string) => string) => {
      try {
        return read("blank");
      } catch (error) {
        return `${(error as Error & { code?: string }).code}: ${(error as Error).message}`;
      }
    };
    const reader = await own.deploy(loaded({ name: "reader", http: { auth: "none" }, secrets: ["pager-key", "blank"], handler: ({ secret }) => ({ key: secret("pager-key"), blank: readBlank(secret) }) }));
    const read = (await reader.run()) as { key: string; blank: string };
    assert.equal(read.key, "key-9");
    assert.match(read.blank, /^secret_missing: secret "blank" is empty/);
  } finally {
    await own.stop();
  }
});
