/**
 * hmac auth's `scheme`: Stripe's `Stripe-Signature` and Standard Webhooks' `webhook-*` headers
 * (runtime/http/auth/signature-schemes.ts), checked as their senders sign: the published
 * Standard Webhooks test vector passes as it is.
 */
// own process: replaces the global Date while it runs (scripts/run-tests.js).
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveDefinition } from "../../runtime/definition-schema.js";
import { defineFunction } from "../../runtime/function.js";
import { loaded, req, testApp } from "./helpers.js";

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "podfn-schemes-"));
  writeFileSync(join(dir, "stripe-key"), "whsec_stripe-endpoint-secret\n");
  writeFileSync(join(dir, "sw-key"), "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n");
});
after(() => rmSync(dir, { recursive: true, force: true }));

const error = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;
const now = () => String(Math.floor(Date.now() / 1000));

describe("scheme: stripe", () => {
  const body = JSON.stringify({ id: "evt_1", type: "invoice.paid" });
  const app = () => testApp([loaded({ name: "stripe", auth: { type: "hmac", secret: "stripe-key", scheme: "stripe" }, handler: () => "ok" })], { secretsDir: dir });
  const v1 = (t: string, key = "whsec_stripe-endpoint-secret", payload = body) => createHmac("sha256", key).update(`${t}.${payload}`).digest("hex");
  const post = (signature?: string, payload = body) =>
    req("/stripe", { method: "POST", body: payload, headers: { "content-type": "application/json", ...(signature === undefined ? {} : { "stripe-signature": signature }) } });

  test("t=<now>,v1=<HMAC of {t}.{body}> passes, also among other schemes and a rolled secret's signature", async () => {
    const a = app();
    const t = now();
    assert.equal((await a.fetch(post(`t=${t},v1=${v1(t)}`))).status, 200);
    const res = await a.fetch(post(`t=${t},v1=${v1(t, "whsec_old")},v1=${v1(t)},v0=${"0".repeat(64)}`));
    assert.equal(res.status, 200);
    assert.equal(await res.json(), "ok");
  });

  test("a tampered body, a wrong key or only a v0 signature: 403 or 401, the handler never runs", async () => {
    const a = app();
    const t = now();
    const tampered = await a.fetch(post(`t=${t},v1=${v1(t)}`, body.replace("paid", "void")));
    assert.equal(tampered.status, 403);
    assert.equal((await error(tampered)).code, "forbidden");
    assert.equal((await a.fetch(post(`t=${t},v1=${v1(t, "whsec_other")}`))).status, 403);
    const v0only = await a.fetch(post(`t=${t},v0=${v1(t)}`));
    assert.equal(v0only.status, 401);
    assert.match((await error(v0only)).message, /^send the stripe-signature header: t=<Unix seconds>,v1=/);
  });

  test("a missing header, a timestamp ten minutes old, or the header twice: 401 saying which", async () => {
    const a = app();
    assert.equal((await a.fetch(post())).status, 401);
    const old = String(Number(now()) - 600);
    const replay = await a.fetch(post(`t=${old},v1=${v1(old)}`));
    assert.equal(replay.status, 401);
    assert.match((await error(replay)).message, /^the stripe-signature's t is 60\d s from the server's clock \(at most 300\)/);
    const t = now();
    const headers = new Headers({ "content-type": "application/json" });
    headers.append("stripe-signature", `t=${t},v1=${v1(t)}`);
    headers.append("stripe-signature", `t=${t},v1=${v1(t)}`);
    const twice = await a.fetch(req("/stripe", { method: "POST", body, headers }));
    assert.equal(twice.status, 401);
    assert.equal((await error(twice)).message, "send the stripe-signature header once: it came more than once");
  });
});

describe("scheme: standard-webhooks", () => {
  // The specification's own example (github.com/standard-webhooks/standard-webhooks, spec/standard-webhooks.md).
  const body = '{"test": 2432232314}';
  const id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  const timestamp = "1614265330";
  const signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
  const app = () => testApp([loaded({ name: "sw", auth: { type: "hmac", secret: "sw-key", scheme: "standard-webhooks" }, handler: () => "ok" })], { secretsDir: dir });
  const post = (headers: Record<string, string>, payload = body) => req("/sw", { method: "POST", body: payload, headers: { "content-type": "application/json", ...headers } });

  test("the specification's example passes at its time, with webhook-* or svix-* headers, among other signatures", async (t) => {
    t.mock.timers.enable({ apis: ["Date"], now: Number(timestamp) * 1000 + 30_000 });
    const a = app();
    assert.equal((await a.fetch(post({ "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": signature }))).status, 200);
    assert.equal((await a.fetch(post({ "svix-id": id, "svix-timestamp": timestamp, "svix-signature": `v1,AAAA ${signature}` }))).status, 200);
  });

  test("another id, a tampered body or a wrong signature is a 403; a missing header or an old timestamp a 401 naming it", async (t) => {
    t.mock.timers.enable({ apis: ["Date"], now: Number(timestamp) * 1000 });
    const a = app();
    const headers = { "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": signature };
    assert.equal((await a.fetch(post({ ...headers, "webhook-id": "msg_other" }))).status, 403);
    assert.equal((await a.fetch(post(headers, '{"test": 1}'))).status, 403);
    assert.equal((await a.fetch(post({ ...headers, "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA=" }))).status, 403);
    const noId = await a.fetch(post({ "webhook-timestamp": timestamp, "webhook-signature": signature }));
    assert.equal(noId.status, 401);
    assert.match((await error(noId)).message, /^send the webhook-id header/);
    // A Svix sender (svix-* headers) missing one is told the svix-* header it lacks.
    for (const [sent, missing] of [[{ "svix-timestamp": timestamp, "svix-signature": signature }, "svix-id"], [{ "svix-id": id, "svix-signature": signature }, "svix-timestamp"], [{ "svix-id": id, "svix-timestamp": timestamp }, "svix-signature"]] as const) {
      const res = await a.fetch(post(sent));
      assert.equal(res.status, 401);
      assert.match((await error(res)).message, new RegExp(`^send the ${missing} header \\(svix-id, svix-timestamp, and svix-signature: v1,<base64`));
    }
    t.mock.timers.setTime(Number(timestamp) * 1000 + 400_000);
    const late = await a.fetch(post(headers));
    assert.equal(late.status, 401);
    assert.match((await error(late)).message, /^the webhook-timestamp is 400 s from the server's clock \(at most 300\)/);
  });
});

test("a Standard Webhooks secret that is not whsec_ and base64 of 16 bytes or more is refused at start, and never checked as an empty key", async () => {
  const fn = (secret: string) => loaded({ name: "sw", auth: { type: "hmac", secret, scheme: "standard-webhooks" }, handler: () => "ran" });
  writeFileSync(join(dir, "sw-junk"), "whsec_!!!!!!!!!!!!\n");
  writeFileSync(join(dir, "sw-short"), "whsec_c2hvcnQ=\n");
  for (const [secret, why] of [["sw-junk", "not base64"], ["sw-short", "5 bytes"]] as const) {
    assert.throws(() => testApp([fn(secret)], { secretsDir: dir }), (e: Error) => {
      assert.match(e.message, new RegExp(`secret "${secret}" is not a Standard Webhooks key: whsec_ then the base64 of 16 random bytes or more \\(${why}\\)`));
      return true;
    });
  }
  // Started without requiring secrets: a request signed with the empty key Node's lenient decoding made is a 500, the handler never runs.
  const a = testApp([fn("sw-junk")], { secretsDir: dir, requireSecrets: false });
  const t = String(Math.floor(Date.now() / 1000));
  const body = "{}";
  const forged = `v1,${createHmac("sha256", Buffer.alloc(0)).update(`msg_1.${t}.${body}`).digest("base64")}`;
  const res = await a.fetch(req("/sw", { method: "POST", body, headers: { "content-type": "application/json", "webhook-id": "msg_1", "webhook-timestamp": t, "webhook-signature": forged } }));
  assert.equal(res.status, 500);
});

test("a scheme with its own header, prefix or timestamp set too is refused at load, naming them", () => {
  const result = resolveDefinition(
    defineFunction({ name: "bad", http: { auth: { type: "hmac", secret: "k", scheme: "stripe", header: "x-sig", prefix: "v1=" } }, handler: () => 1 }),
    "functions/bad.ts",
  );
  assert.equal(result.ok, false);
  assert.ok(!result.ok && result.problems.includes('http.auth: scheme "stripe" sets the headers and what is signed itself: remove header, prefix'), JSON.stringify(result));
  const unknown = resolveDefinition(defineFunction({ name: "bad", http: { auth: { type: "hmac", secret: "k", scheme: "github" as "stripe" } }, handler: () => 1 }), "functions/bad.ts");
  assert.equal(unknown.ok, false);
  assert.match(JSON.stringify(unknown), /http\.auth\.scheme/);
});
