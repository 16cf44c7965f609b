import { describe, test, before, after } from "node:test";
import type { KubeClient } from "../../runtime/kube/api.js";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { ConfigError } from "../../runtime/errors.js";
import { KubeForbiddenError } from "../../runtime/kube/errors.js";
import { createHttpApp } from "../../runtime/http/index.js";
import { captureLogger, fakeKube, loaded, postJson, req, testApp, until } from "./helpers.js";

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "podfn-auth-"));
  writeFileSync(join(dir, "deploy-token"), "s3cret-token\n");
  writeFileSync(join(dir, "webhook-key"), "hmac-key\n");
});
after(() => rmSync(dir, { recursive: true, force: true }));

const code = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

describe("bearer auth", () => {
  const app = () => testApp([loaded({ name: "f", auth: { type: "bearer", secret: "deploy-token" }, handler: () => "ran" })], { secretsDir: dir });

  test("the right token passes (trailing newline of the file trimmed), with spaces or tabs around it", async () => {
    for (const authorization of ["Bearer s3cret-token", "bearer \t s3cret-token \t"]) {
      const res = await app().fetch(postJson("/f", {}, { authorization }));
      assert.equal(res.status, 200, JSON.stringify(authorization));
    }
  });

  test("missing or malformed Authorization → 401 with WWW-Authenticate", async () => {
    const a = app();
    for (const authorization of [undefined, "Basic czNjcmV0", "Bearer ", "s3cret-token"]) {
      const res = await a.fetch(postJson("/f", {}, authorization === undefined ? {} : { authorization }));
      assert.equal(res.status, 401, String(authorization));
      assert.equal(res.headers.get("www-authenticate"), 'Bearer realm="podfn"');
      assert.equal(await code(res), "unauthenticated");
    }
  });

  test("Authorization sent twice (a client's and a proxy's) → 401 saying so, the right token included: not a 403 about a token that was never sent", async () => {
    const a = app();
    for (const [first, second] of [["Bearer s3cret-token", "Bearer s3cret-token"], ["Bearer wrong", "bearer s3cret-token"], ["Bearer s3cret-token", "BEARER other"]]) {
      const headers = new Headers({ "content-type": "application/json" });
      headers.append("authorization", first!);
      headers.append("authorization", second!);
      const res = await a.fetch(req("/f", { method: "POST", body: "{}", headers }));
      assert.equal(res.status, 401, `${first} + ${second}`);
      assert.equal(res.headers.get("www-authenticate"), 'Bearer realm="podfn"');
      const error = ((await res.json()) as { error: { code: string; message: string } }).error;
      assert.equal(error.code, "unauthenticated");
      assert.equal(error.message, "send the Authorization header once: it came more than once");
    }
  });

  test("a wrong token → 403, and the handler does not run", async () => {
    let ran = false;
    const a = testApp([loaded({ name: "f", auth: { type: "bearer", secret: "deploy-token" }, handler: () => (ran = true) })], { secretsDir: dir });
    // A no-break space (byte 0xA0) is not HTTP whitespace: it is part of the token, so the token is wrong.
    for (const token of ["s3cret-tokem", "s3cret-token-longer", "x", "s3cret-token\xa0", "\xa0s3cret-token"]) {
      const res = await a.fetch(postJson("/f", {}, { authorization: `Bearer ${token}` }));
      assert.equal(res.status, 403);
      assert.equal(await code(res), "forbidden");
    }
    assert.equal(ran, false);
  });

  test("a secret with non-ASCII characters matches a client that sends it in UTF-8", async () => {
    const a = testApp([loaded({ name: "f", auth: { type: "bearer", secret: "utf8-token", env: "UTF8_TOKEN" }, handler: () => "ran" })], { env: { UTF8_TOKEN: "clé-token" } });
    // Header values are bytes: the UTF-8 bytes of "é" arrive as two characters.
    const sent = (text: string) => ({ authorization: Buffer.from(`Bearer ${text}`).toString("latin1") });
    assert.equal((await a.fetch(postJson("/f", {}, sent("clé-token")))).status, 200);
    // "é" as the single byte 0xE9 (latin1) is not the secret's bytes.
    assert.equal((await a.fetch(postJson("/f", {}, { authorization: "Bearer clé-token" }))).status, 403);
  });

  test("the token may come from an environment variable", async () => {
    const a = testApp([loaded({ name: "f", auth: { type: "bearer", secret: "env-token", env: "MY_TOKEN" }, handler: () => "ran" })], { env: { MY_TOKEN: "from-env" } });
    assert.equal((await a.fetch(postJson("/f", {}, { authorization: "Bearer from-env" }))).status, 200);
    assert.equal((await a.fetch(postJson("/f", {}, { authorization: "Bearer from-file" }))).status, 403);
  });

  test("auth runs before the body is read: an unauthenticated caller gets 401, not 400/415", async () => {
    const res = await app().fetch(req("/f", { method: "POST", body: "not json", headers: { "content-type": "text/plain" } }));
    assert.equal(res.status, 401);
  });
});

describe("a shared token in a header of the function's choosing (GitLab's X-Gitlab-Token)", () => {
  const app = () => testApp([loaded({ name: "gitlab", auth: { type: "bearer", secret: "deploy-token", header: "X-Gitlab-Token" }, handler: () => "ok" })], { secretsDir: dir });

  test("the header's whole value is the token; Authorization is not read", async () => {
    const a = app();
    const token = "s3cret-token";
    assert.equal((await a.fetch(postJson("/gitlab", {}, { "x-gitlab-token": ` ${token} ` }))).status, 200);
    const wrong = await a.fetch(postJson("/gitlab", {}, { "x-gitlab-token": "nope" }));
    assert.equal(wrong.status, 403);
    assert.equal(((await wrong.json()) as { error: { message: string } }).error.message, "the x-gitlab-token token is not valid for this function");
    for (const headers of [{ authorization: `Bearer ${token}` }, { "x-gitlab-token": "  " }] as Record<string, string>[]) {
      const missing = await a.fetch(postJson("/gitlab", {}, headers));
      assert.equal(missing.status, 401, JSON.stringify(headers));
      assert.equal(((await missing.json()) as { error: { message: string } }).error.message, "send the x-gitlab-token header: the shared token");
    }
  });

  test("a non-ASCII token sent in UTF-8 matches in the header as in Authorization, even when its last byte is 0xA0 (the à of voilà), which String.trim would drop", async () => {
    const a = testApp([loaded({ name: "f", auth: { type: "bearer", secret: "utf8-token", env: "UTF8_TOKEN", header: "x-token" }, handler: () => "ran" })], { env: { UTF8_TOKEN: "jeton-secret-voilà" } });
    const bytes = (text: string) => Buffer.from(text).toString("latin1");
    assert.equal(bytes("à").charCodeAt(1), 0xa0);
    assert.equal((await a.fetch(postJson("/f", {}, { "x-token": bytes("jeton-secret-voilà") }))).status, 200);
    assert.equal((await a.fetch(postJson("/f", {}, { "x-token": `\t${bytes("jeton-secret-voilà")} ` }))).status, 200, "spaces and tabs around it are trimmed");
    assert.equal((await a.fetch(postJson("/f", {}, { "x-token": bytes("jeton-secret-voil") }))).status, 403);
  });

  test("a header name that is not one is refused as the function loads", async () => {
    const { resolveDefinition } = await import("../../runtime/definition-schema.js");
    const { defineFunction } = await import("../../runtime/function.js");
    const result = resolveDefinition(defineFunction({ name: "bad", http: { auth: { type: "bearer", secret: "api-token", header: "x token" } }, handler: () => 1 }), "functions/bad.ts");
    assert.equal(result.ok, false);
    assert.match(JSON.stringify(result), /http\.auth.*must be an HTTP header name/);
  });
});

describe("hmac auth with a signed timestamp (Slack's scheme)", () => {
  const slack = { type: "hmac" as const, secret: "webhook-key", header: "x-slack-signature", prefix: "v0=", timestamp: { header: "x-slack-request-timestamp" } };
  const app = () => testApp([loaded({ name: "slash", auth: slack, handler: () => "ok" })], { secretsDir: dir });
  // The Events API's JSON (a slash command's form is signed the same way).
  const body = JSON.stringify({ type: "event_callback", event: { type: "app_mention", text: "deploy" } });
  const signed = (ts: string, payload = body) => `v0=${createHmac("sha256", "hmac-key").update(`v0:${ts}:${payload}`).digest("hex")}`;
  const post = (headers: Record<string, string>) => req("/slash", { method: "POST", body, headers: { "content-type": "application/json", ...headers } });
  const now = () => String(Math.floor(Date.now() / 1000));

  test("a signature of v0:<timestamp>:<body> with a timestamp within five minutes passes", async () => {
    const ts = now();
    const res = await app().fetch(post({ "x-slack-signature": signed(ts), "x-slack-request-timestamp": ts }));
    assert.equal(res.status, 200);
    assert.equal(await res.json(), "ok");
  });

  test("an old or missing timestamp is a 401 saying why; a timestamp changed after signing is a 403", async () => {
    const a = app();
    const old = String(Math.floor(Date.now() / 1000) - 600);
    const replay = await a.fetch(post({ "x-slack-signature": signed(old), "x-slack-request-timestamp": old }));
    assert.equal(replay.status, 401);
    assert.match(((await replay.json()) as { error: { message: string } }).error.message, /^the x-slack-request-timestamp is 60\d s from the server's clock \(at most 300\): a replayed request/);
    const missing = await a.fetch(post({ "x-slack-signature": signed(now()) }));
    assert.equal(missing.status, 401);
    assert.equal(((await missing.json()) as { error: { message: string } }).error.message, "send the x-slack-request-timestamp header: the request's time in Unix seconds, signed with the body");
    const ts = now();
    const moved = await a.fetch(post({ "x-slack-signature": signed(ts), "x-slack-request-timestamp": String(Number(ts) - 1) }));
    assert.equal(moved.status, 403);
  });

  test("signed must hold {body} once and {timestamp}", async () => {
    const { resolveDefinition } = await import("../../runtime/definition-schema.js");
    const { defineFunction } = await import("../../runtime/function.js");
    const result = resolveDefinition(defineFunction({ name: "bad", http: { auth: { ...slack, timestamp: { header: "x-ts", signed: "{timestamp}" } } }, handler: () => 1 }), "functions/bad.ts");
    assert.equal(result.ok, false);
    assert.match(JSON.stringify(result), /must hold \{body\} once and \{timestamp\}/);
  });
});

describe("hmac auth", () => {
  const body = JSON.stringify({ ref: "refs/heads/main" });
  const sign = (payload: string, key = "hmac-key", algorithm = "sha256", encoding: "hex" | "base64" = "hex") =>
    createHmac(algorithm, key).update(payload).digest(encoding);
  const input = z.object({ ref: z.string() });
  const app = () => testApp([loaded({ name: "hook", input, auth: { type: "hmac", secret: "webhook-key" }, handler: ({ input }) => input })], { secretsDir: dir });

  test("a signature of the raw body passes (default header, sha256, hex, prefix)", async () => {
    const res = await app().fetch(postJson("/hook", JSON.parse(body), { "x-hub-signature-256": `sha256=${sign(body)}` }));
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { ref: "refs/heads/main" });
  });

  test("the signature covers the raw bytes: same JSON with other whitespace fails", async () => {
    const spaced = JSON.stringify({ ref: "refs/heads/main" }, null, 2);
    const res = await app().fetch(req("/hook", { method: "POST", body: spaced, headers: { "content-type": "application/json", "x-hub-signature-256": `sha256=${sign(body)}` } }));
    assert.equal(res.status, 403);
  });

  test("missing or malformed signature → 401", async () => {
    const a = app();
    for (const signature of [undefined, sign(body), "sha256=zz", "sha1=" + sign(body)]) {
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (signature !== undefined) headers["x-hub-signature-256"] = signature;
      const res = await a.fetch(req("/hook", { method: "POST", body, headers }));
      assert.equal(res.status, 401, String(signature));
      assert.equal(await code(res), "unauthenticated");
    }
  });

  test("a signature header sent twice → 401 saying so, not that it is missing", async () => {
    const headers = new Headers({ "content-type": "application/json" });
    headers.append("x-hub-signature-256", `sha256=${sign(body)}`);
    headers.append("x-hub-signature-256", `sha256=${sign(body)}`);
    const res = await app().fetch(req("/hook", { method: "POST", body, headers }));
    assert.equal(res.status, 401);
    assert.equal(((await res.json()) as { error: { message: string } }).error.message, "send the x-hub-signature-256 header once: it came more than once");
  });

  test("a tampered body or a wrong key → 403, and the handler does not run", async () => {
    let ran = false;
    const a = testApp([loaded({ name: "hook", auth: { type: "hmac", secret: "webhook-key" }, handler: () => (ran = true) })], { secretsDir: dir });
    const tampered = body.replace("main", "evil");
    const res = await a.fetch(req("/hook", { method: "POST", body: tampered, headers: { "content-type": "application/json", "x-hub-signature-256": `sha256=${sign(body)}` } }));
    assert.equal(res.status, 403);
    assert.equal(await code(res), "forbidden");
    const wrongKey = await a.fetch(req("/hook", { method: "POST", body, headers: { "content-type": "application/json", "x-hub-signature-256": `sha256=${sign(body, "other")}` } }));
    assert.equal(wrongKey.status, 403);
    assert.equal(ran, false);
  });

  test("header, algorithm, prefix and base64 encoding are configurable", async () => {
    const a = testApp(
      [loaded({ name: "hook", auth: { type: "hmac", secret: "webhook-key", header: "X-Signature", algorithm: "sha512", prefix: "", encoding: "base64" }, handler: () => "ok" })],
      { secretsDir: dir },
    );
    const headers = { "content-type": "application/json", "x-signature": sign(body, "hmac-key", "sha512", "base64") };
    assert.equal((await a.fetch(req("/hook", { method: "POST", body, headers }))).status, 200);
  });

  test("a header name that is not one is refused as the function loads, as bearer's is: no request could ever carry it, so every call was a 401", async () => {
    const { resolveDefinition } = await import("../../runtime/definition-schema.js");
    const { defineFunction } = await import("../../runtime/function.js");
    for (const header of ["X-Hub-Signature-256:", "x signature", " x-signature", "x-signature "]) {
      const result = resolveDefinition(defineFunction({ name: "bad", http: { auth: { type: "hmac", secret: "webhook-key", header } }, handler: () => 1 }), "functions/bad.ts");
      assert.equal(result.ok, false, header);
      assert.match(JSON.stringify(result), /http\.auth.*must be an HTTP header name/, header);
    }
    assert.equal(resolveDefinition(defineFunction({ name: "ok", http: { auth: { type: "hmac", secret: "webhook-key", header: "X-Shopify-Hmac-Sha256" } }, handler: () => 1 }), "functions/ok.ts").ok, true);
  });
});

describe("serviceAccount auth", () => {
  const tokens = { "tok-ci": "system:serviceaccount:ci:deployer", "tok-other": "system:serviceaccount:ci:other", "tok-ops": "system:serviceaccount:ops:bot", "tok-user": "jane" };
  function app() {
    const fake = fakeKube(tokens);
    const log = captureLogger();
    const http = createHttpApp({
      functions: [loaded({ name: "f", auth: { type: "serviceAccount", allow: ["system:serviceaccount:ci:deployer", "system:serviceaccount:ops:*"] }, handler: () => "ran" })],
      kube: fake.kube,
      logger: log.logger,
    });
    return { http, fake };
  }

  test("an allowed identity (exact, or namespace wildcard) passes", async () => {
    const { http } = app();
    assert.equal((await http.fetch(postJson("/f", {}, { authorization: "Bearer tok-ci" }))).status, 200);
    assert.equal((await http.fetch(postJson("/f", {}, { authorization: "Bearer tok-ops" }))).status, 200);
  });

  test("an authenticated identity not in allow → 403", async () => {
    const { http } = app();
    for (const token of ["tok-other", "tok-user"]) {
      const res = await http.fetch(postJson("/f", {}, { authorization: `Bearer ${token}` }));
      assert.equal(res.status, 403);
      assert.equal(await code(res), "forbidden");
    }
  });

  test("a token the API server does not authenticate → 401 invalid_token; no token → 401", async () => {
    const { http, fake } = app();
    const bad = await http.fetch(postJson("/f", {}, { authorization: "Bearer forged" }));
    assert.equal(bad.status, 401);
    assert.match(bad.headers.get("www-authenticate")!, /error="invalid_token"/);
    const none = await http.fetch(postJson("/f", {}));
    assert.equal(none.status, 401);
    assert.equal(none.headers.get("www-authenticate"), 'Bearer realm="podfn"');
    assert.deepEqual(fake.reviewed, ["forged"]);
  });

  test("with audiences, the review's answer must name one of them: a token an authenticator passed for another audience is a 401", async () => {
    const answered: Record<string, string[] | undefined> = { "tok-ours": ["https://podfn.example", "other"], "tok-api": ["https://kubernetes.default.svc"], "tok-none": undefined };
    const asked: (string[] | undefined)[] = [];
    const kube = {
      namespace: "team-a",
      with: () => kube,
      async tokenReview(token: string, audiences?: string[]) {
        asked.push(audiences);
        return { authenticated: true, user: { username: "system:serviceaccount:ci:deployer" }, ...(answered[token] ? { audiences: answered[token] } : {}) };
      },
    };
    const http = createHttpApp({
      functions: [loaded({ name: "f", auth: { type: "serviceAccount", allow: ["system:serviceaccount:ci:deployer"], audiences: ["https://podfn.example"] }, handler: () => "ran" })],
      kube: kube as unknown as KubeClient,
      logger: captureLogger().logger,
    });
    assert.equal((await http.fetch(postJson("/f", {}, { authorization: "Bearer tok-ours" }))).status, 200);
    for (const token of ["tok-api", "tok-none"]) {
      const res = await http.fetch(postJson("/f", {}, { authorization: `Bearer ${token}` }));
      assert.equal(res.status, 401, token);
      assert.match(res.headers.get("www-authenticate")!, /error="invalid_token"/);
      assert.equal(((await res.json()) as { error: { message: string } }).error.message, "the token is not for this function's audience: request one for https://podfn.example (a projected ServiceAccount token's audience)");
    }
    assert.deepEqual(asked, [["https://podfn.example"], ["https://podfn.example"], ["https://podfn.example"]]);
  });

  test("Authorization sent twice → 401 saying so; the joined value is never sent for review", async () => {
    const { http, fake } = app();
    const headers = new Headers({ "content-type": "application/json" });
    headers.append("authorization", "Bearer tok-ci");
    headers.append("authorization", "Bearer tok-ci");
    const res = await http.fetch(req("/f", { method: "POST", body: "{}", headers }));
    assert.equal(res.status, 401);
    assert.equal(((await res.json()) as { error: { message: string } }).error.message, "send the Authorization header once: it came more than once");
    assert.deepEqual(fake.reviewed, []);
  });

  test("reviews are cached briefly, a token the API server did not authenticate too: one review each, not one per request", async () => {
    const { http, fake } = app();
    for (let i = 0; i < 3; i++) assert.equal((await http.fetch(postJson("/f", {}, { authorization: "Bearer tok-ci" }))).status, 200);
    for (let i = 0; i < 2; i++) {
      const res = await http.fetch(postJson("/f", {}, { authorization: "Bearer forged" }));
      assert.equal(res.status, 401);
      assert.match(res.headers.get("www-authenticate")!, /error="invalid_token"/);
    }
    for (let i = 0; i < 2; i++) assert.equal((await http.fetch(postJson("/f", {}, { authorization: "Bearer tok-other" }))).status, 403);
    assert.deepEqual(fake.reviewed, ["tok-ci", "forged", "tok-other"]);
  });

  test("calls arriving together with a token not yet cached wait for one review (as the API server's token cache joins them); a failed review fails each of them and is not kept", async () => {
    const reviewed: string[] = [];
    const held: (() => void)[] = [];
    let failing = false;
    const fake = fakeKube();
    (fake.kube as unknown as { tokenReview: (token: string) => Promise<unknown> }).tokenReview = async (token) => {
      reviewed.push(token);
      await new Promise<void>((resolve) => held.push(resolve));
      if (failing) throw new Error("connect ECONNREFUSED 10.96.0.1:443");
      const username = tokens[token as keyof typeof tokens];
      return username ? { authenticated: true, user: { username } } : { authenticated: false, error: "invalid bearer token" };
    };
    const http = createHttpApp({
      functions: [loaded({ name: "f", auth: { type: "serviceAccount", allow: ["system:serviceaccount:ci:deployer"] }, handler: () => "ran" })],
      kube: fake.kube,
      logger: captureLogger().logger,
    });
    const burst = (token: string) => Array.from({ length: 20 }, () => http.fetch(postJson("/f", {}, { authorization: `Bearer ${token}` })));
    /** Every call of the burst waiting on its check, then the reviews answered. */
    async function answered(calls: Promise<Response>[]): Promise<number[]> {
      await until(() => http.drain.inflight === calls.length);
      held.splice(0).forEach((release) => release());
      return (await Promise.all(calls)).map((r) => r.status);
    }
    assert.deepEqual(await answered([...burst("tok-ci"), ...burst("forged")]), [...Array(20).fill(200), ...Array(20).fill(401)]);
    assert.deepEqual(reviewed, ["tok-ci", "forged"]);

    failing = true;
    assert.deepEqual(await answered(burst("tok-other")), Array(20).fill(500));
    assert.deepEqual(reviewed, ["tok-ci", "forged", "tok-other"]);
    failing = false;
    assert.deepEqual(await answered(burst("tok-other")), Array(20).fill(403));
    assert.deepEqual(reviewed, ["tok-ci", "forged", "tok-other", "tok-other"]);
  });

  test("a cached identity expires after the TTL", async () => {
    const fake = fakeKube(tokens);
    const http = createHttpApp({
      functions: [loaded({ name: "f", auth: { type: "serviceAccount", allow: ["system:serviceaccount:ci:deployer"] }, handler: () => "ran" })],
      kube: fake.kube,
      logger: captureLogger().logger,
      serviceAccount: { cacheTtlMs: 0 },
    });
    for (let i = 0; i < 2; i++) await http.fetch(postJson("/f", {}, { authorization: "Bearer tok-ci" }));
    assert.deepEqual(fake.reviewed, ["tok-ci", "tok-ci"]);
  });
});

test("a TokenReview the pod may not make answers 500 with the request id only: nothing about the pod reaches the caller", async () => {
  const status = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", reason: "Forbidden", code: 403,
    message: 'tokenreviews.authentication.k8s.io is forbidden: User "system:serviceaccount:ops:podfn" cannot create resource "tokenreviews" in API group "authentication.k8s.io" at the cluster scope' };
  const fake = fakeKube();
  (fake.kube as unknown as { tokenReview: () => Promise<never> }).tokenReview = () =>
    Promise.reject(new KubeForbiddenError(status, 403, { method: "POST", path: "/apis/authentication.k8s.io/v1/tokenreviews" }));
  const log = captureLogger();
  const http = createHttpApp({
    functions: [loaded({ name: "f", auth: { type: "serviceAccount", allow: ["system:serviceaccount:ci:deployer"] }, handler: () => "ran" })],
    kube: fake.kube,
    logger: log.logger,
  });
  const res = await http.fetch(postJson("/f", {}, { authorization: "Bearer anything" }));
  assert.equal(res.status, 500);
  const text = await res.text();
  assert.doesNotMatch(text, /podfn|tokenreviews|ops/);
  assert.equal(JSON.parse(text).error.code, "internal");
  assert.ok(log.records().some((r) => r.msg === "caller auth could not be checked"));
});

describe("missing secrets", () => {
  test("refused at startup with a ConfigError naming the function, the secret and its path", () => {
    assert.throws(
      () => testApp([loaded({ name: "f", auth: { type: "bearer", secret: "absent" }, handler: () => 1 })], { secretsDir: dir }),
      (error: unknown) => error instanceof ConfigError && error.message.includes("f:") && error.message.includes('"absent"') && error.message.includes(join(dir, "absent")),
    );
  });

  test("with requireSecrets: false, a warning at startup and 500 for the calls, each logged with the secret's name and path", async () => {
    const app = testApp([loaded({ name: "f", auth: { type: "hmac", secret: "absent" }, handler: () => 1 })], { secretsDir: dir, requireSecrets: false });
    const warning = app.records().find((r) => r.level === "warn");
    assert.equal(warning?.secretName, "absent");
    const res = await app.fetch(postJson("/f", {}, { "x-hub-signature-256": "sha256=00" }));
    assert.equal(res.status, 500);
    assert.equal(await code(res), "internal");
    const error = app.records().find((r) => r.level === "error");
    assert.equal(error?.secretName, "absent");
    assert.equal(error?.secretPath, join(dir, "absent"));
  });

  test("a secret that appears or rotates later is picked up without a restart", async () => {
    const local = mkdtempSync(join(tmpdir(), "podfn-rotate-"));
    try {
      const app = testApp([loaded({ name: "f", auth: { type: "bearer", secret: "rotating" }, handler: () => "ran" })], { secretsDir: local, requireSecrets: false });
      assert.equal((await app.fetch(postJson("/f", {}, { authorization: "Bearer one" }))).status, 500);
      writeFileSync(join(local, "rotating"), "one\n");
      assert.equal((await app.fetch(postJson("/f", {}, { authorization: "Bearer one" }))).status, 200);
    } finally {
      rmSync(local, { recursive: true, force: true });
    }
  });
});
