/**
 * Secrets stay out of the log when they ride on what is logged: an error carrying a request
 * (axios's `config.headers.Authorization`), a `token` field, a cause or an AggregateError member
 * holding one; a handler's `log.info({ headers: { Authorization } })`. What makes an error
 * useful (type, message, stack, code, a Kubernetes Status, its cause) is kept.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createLogger } from "../../runtime/log.js";
import { serializeError } from "../../runtime/log-error.js";
import { defineFunction } from "../../runtime/function.js";
import { resolveDefinition } from "../../runtime/definition-schema.js";
import { invoke } from "../../runtime/invoke.js";
import type { KubeClient } from "../../runtime/kube/api.js";

const SECRET = "s3cr3t-value-9f8e7d";

function logged(write: (logger: ReturnType<typeof createLogger>) => void): string {
  const lines: string[] = [];
  const logger = createLogger({ level: "debug", destination: { write: (line: string) => void lines.push(line) } });
  write(logger);
  return lines.join("");
}

/** An error as axios throws it: the request's config, headers included, hung on the error. */
function axiosLikeError(): Error {
  const error = Object.assign(new Error("Request failed with status code 500"), {
    code: "ERR_BAD_RESPONSE",
    config: { url: "https://api.example/x", method: "post", headers: { Accept: "application/json", Authorization: `Bearer ${SECRET}` }, auth: { username: "u", password: SECRET } },
    response: { status: 500, headers: { "set-cookie": [`session=${SECRET}`] }, data: { error: "boom" } },
  });
  return error;
}

test("an error carrying credentials (axios's config, a token field, in a cause or an AggregateError) is logged without them", () => {
  const withToken = Object.assign(new Error("login failed"), { token: SECRET, apiKey: SECRET });
  const aggregate = new AggregateError([axiosLikeError()], "several failed");
  const wrapped = new Error("outer", { cause: withToken });
  const out = logged((log) => {
    log.error({ err: axiosLikeError() }, "call failed");
    log.error({ err: wrapped }, "call failed");
    log.error({ err: aggregate }, "call failed");
  });
  assert.ok(!out.includes(SECRET), out);
  const [first, second, third] = out.trim().split("\n").map((l) => JSON.parse(l) as { err: Record<string, any> });
  // What makes the error useful is still there.
  assert.equal(first!.err.type, "Error");
  assert.equal(first!.err.message, "Request failed with status code 500");
  assert.equal(first!.err.code, "ERR_BAD_RESPONSE");
  assert.match(first!.err.stack, /log-secrets\.test\.ts/);
  assert.equal(first!.err.config.url, "https://api.example/x");
  assert.equal(first!.err.config.headers.Authorization, "[redacted]");
  assert.equal(first!.err.response.data.error, "boom");
  assert.equal(second!.err.cause.message, "login failed");
  assert.equal(second!.err.cause.token, "[redacted]");
  assert.equal(third!.err.errors[0].config.auth, "[redacted]");
});

test("credentials inside strings are censored: a URL's access_token, a JSON body's password, a Bearer value in a message; other words stay", () => {
  const error = Object.assign(new Error(`upstream said: Authorization: Bearer ${SECRET} was refused`), {
    config: { url: `https://api.example/x?page=2&access_token=${SECRET}&q=ok`, data: JSON.stringify({ user: "u", password: SECRET, client_secret: SECRET }), headers: { bearer: SECRET, "x-auth": SECRET } },
  });
  const out = logged((log) => log.error({ err: error }, "call failed"));
  assert.ok(!out.includes(SECRET), out);
  const err = (JSON.parse(out) as { err: Record<string, any> }).err;
  assert.equal(err.config.url, "https://api.example/x?page=2&access_token=[redacted]&q=ok");
  assert.deepEqual(JSON.parse(err.config.data), { user: "u", password: "[redacted]", client_secret: "[redacted]" });
  assert.equal(err.message, "upstream said: Authorization: Bearer [redacted] was refused");
  // A form body whose first parameter is the credential, and a URL carrying a login.
  const form = serializeError(Object.assign(new Error(`proxy https://alice:${SECRET}@proxy.corp:3128 refused`), { config: { data: `refresh_token=${SECRET}&grant_type=refresh_token` } })) as { message: string; config: { data: string } };
  assert.equal(form.config.data, "refresh_token=[redacted]&grant_type=refresh_token");
  assert.equal(form.message, "proxy https://[redacted]@proxy.corp:3128 refused");
  // A password holding "@", a token-long login, and an "@" in a query (not a login) too.
  const scrub = (text: string) => (serializeError(new Error(text)) as { message: string }).message;
  assert.equal(scrub(`https://alice:p@${SECRET}@proxy.corp:3128`), "https://[redacted]@proxy.corp:3128");
  assert.equal(scrub(`https://oauth2:${"t".repeat(250)}@gitlab.example/x`), "https://[redacted]@gitlab.example/x");
  assert.equal(scrub("GET https://api.example?email=bob@corp.com"), "GET https://api.example?email=bob@corp.com");
  assert.equal(serializeError(new Error("the Bearer token is missing") as unknown as Error) && (serializeError(new Error("the Bearer token is missing")) as { message: string }).message, "the Bearer token is missing");
});

test("a Kubernetes Status and other plain data on an error are kept; sockets and cycles are named, not walked", () => {
  const error = Object.assign(new Error("forbidden"), { status: { kind: "Status", code: 403, reason: "Forbidden" }, socket: new (class Socket {})() });
  (error as unknown as { self: unknown }).self = error;
  const out = serializeError(error) as Record<string, any>;
  assert.deepEqual(out.status, { kind: "Status", code: 403, reason: "Forbidden" });
  assert.equal(out.socket, "[Socket]");
  assert.equal(out.self, "[circular]");
});

test("serializeError never throws, even for a value whose every read and conversion throws", () => {
  const hostile = new Proxy({}, { getPrototypeOf: () => { throw { toString: () => { throw new Error("no"); } }; } });
  assert.deepEqual(serializeError(hostile), { type: "Unserializable", message: "the thrown value could not be read: [unreadable]" });
});

test("a field whose getter throws is written as unreadable; the rest of the error is kept", () => {
  const error = Object.defineProperty(new Error("getter"), "boom", { enumerable: true, get: () => { throw new Error("no"); } });
  const out = serializeError(error) as Record<string, unknown>;
  assert.equal(out.message, "getter");
  assert.equal(out.boom, "[unreadable]");
});

test("a handler logging request headers with Authorization in either letter case gets it censored", () => {
  const out = logged((log) => {
    log.info({ headers: { Authorization: `Bearer ${SECRET}`, "content-type": "application/json" } }, "incoming");
    log.info({ headers: { authorization: `Bearer ${SECRET}` } }, "incoming");
  });
  assert.ok(!out.includes(SECRET), out);
  assert.ok(out.includes("application/json"));
});

test("a secret the process holds is censored by value wherever a line carries it: a handler's own message, a field, a thrown error", async () => {
  const { rememberSecret } = await import("../../runtime/secret-values.js");
  const held = "held-secret-value-7c6b5a";
  rememberSecret(held);
  rememberSecret("short"); // under 8 characters: not remembered, ordinary words stay
  const out = logged((log) => {
    log.info(`calling with ${held}`);
    log.info({ note: `x${held}y`, other: "short" }, "fields");
    log.error({ err: new Error(`failed with token ${held}`) }, "call failed");
  });
  assert.ok(!out.includes(held), out);
  assert.match(out, /calling with \[redacted\]/);
  assert.match(out, /"note":"x\[redacted\]y","other":"short"/);
  assert.match(out, /failed with token \[redacted\]/);
});

test("a secret that holds a shorter remembered one is censored whole, whichever was remembered first", async () => {
  const { censorSecrets, rememberSecret } = await import("../../runtime/secret-values.js");
  const short = { name: "a kubeconfig's token" };
  const long = { name: "a token file" };
  rememberSecret("prefix-shared-9f3a", short);
  rememberSecret("prefix-shared-9f3a-value-42", long);
  assert.equal(censorSecrets("token prefix-shared-9f3a-value-42 and prefix-shared-9f3a"), "token [redacted] and [redacted]");
  rememberSecret("later-long-secret-77-tail", long);
  rememberSecret("later-long-secret-77", short);
  assert.equal(censorSecrets("a later-long-secret-77-tail b"), "a [redacted] b");
});

test("a secret with a character JSON escapes (a quote, a backslash, a tab) is censored as the JSON line carries it", async () => {
  const { rememberSecret } = await import("../../runtime/secret-values.js");
  const held = 'wh"sec\\ret\t-1234';
  rememberSecret(held);
  const out = logged((log) => {
    log.info(`signature check used key ${held}`);
    log.error({ err: new Error(`key ${held} refused`), path: `/x/${held}` }, "call failed");
  });
  assert.ok(!out.includes(JSON.stringify(held).slice(1, -1)), out);
  assert.ok(!out.includes("sec\\\\ret"), out);
  assert.match(out, /signature check used key \[redacted\]/);
  assert.match(out, /"path":"\/x\/\[redacted\]"/);
  assert.match(out, /key \[redacted\] refused/);
});

test("what a handler logs through ctx.log is censored by shape: a credential-named field at any depth, a Bearer value or an access_token in a message or a field; the rest is kept whole", async () => {
  const lines: string[] = [];
  const logger = createLogger({ level: "info", destination: { write: (line: string) => void lines.push(line) } });
  const resolved = resolveDefinition(
    defineFunction({
      name: "chatty",
      schedule: { cron: "0 3 * * *" },
      handler: ({ log }) => {
        log.info({ upstream: { password: "hunter2hunter2", host: "idp.example" }, callback: "https://idp.example/cb?access_token=abcdef123456&state=ok" }, "calling upstream with Bearer abcdefgh12345678");
        log.info({ request: { headers: { Authorization: "Bearer qwertyuiop12345" } }, deleted: Array.from({ length: 60 }, (_, i) => `job-${i}`) }, "done");
        log.info("token for %s is Bearer zxcvbnm987654321", "alice");
        return 1;
      },
    }),
    "chatty.ts",
  );
  assert.ok(resolved.ok);
  const kube = { namespace: "team-a", with: () => kube } as unknown as KubeClient;
  await invoke({ fn: resolved.fn, input: undefined, trigger: { type: "run" }, requestId: "r1", dryRun: false, kube, logger });
  const out = lines.join("");
  for (const secret of ["hunter2hunter2", "abcdef123456", "abcdefgh12345678", "qwertyuiop12345", "zxcvbnm987654321"]) assert.ok(!out.includes(secret), `${secret} in ${out}`);
  const [first, second, third] = lines.map((l) => JSON.parse(l) as Record<string, any>);
  assert.deepEqual(first!.upstream, { password: "[redacted]", host: "idp.example" });
  assert.equal(first!.callback, "https://idp.example/cb?access_token=[redacted]&state=ok");
  assert.equal(first!.msg, "calling upstream with Bearer [redacted]");
  assert.equal(first!.fn, "chatty");
  assert.equal(second!.request.headers.Authorization, "[redacted]");
  assert.equal(second!.deleted.length, 60, "nothing dropped or shortened");
  assert.equal(third!.msg, "token for alice is Bearer [redacted]");
});

test("inside a message, a JSON key or a query parameter is taken for a credential by the same words as a field name: a cookie, a credential, a private key, a bearer", () => {
  const key = { type: "service_account", private_key: "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkq\n-----END PRIVATE KEY-----\n", client_email: "a@b" };
  const headers = { cookie: "sid=COOKIEVALUE123456", "x-credential": "CREDVALUE123456", bearer: "BEARERVALUE123456" };
  const out = logged((log) => {
    log.info("as %j %j", key, headers);
    log.info(`as text: ${JSON.stringify(key)} ${JSON.stringify(headers)}`);
    log.info("as a query: https://api.example/x?cookie=COOKIEVALUE123456&privateKey=MIIEvQIBADANBgkq&q=ok");
  });
  for (const secret of ["MIIEvQIBADANBgkq", "COOKIEVALUE123456", "CREDVALUE123456", "BEARERVALUE123456"]) assert.ok(!out.includes(secret), `${secret}: ${out}`);
  const lines = out.trim().split("\n").map((l) => JSON.parse(l) as { msg: string });
  const redactedKey = '{"type":"service_account","private_key":"[redacted]","client_email":"a@b"}';
  const redactedHeaders = '{"cookie":"[redacted]","x-credential":"[redacted]","bearer":"[redacted]"}';
  assert.deepEqual(lines.map((l) => l.msg), [`as ${redactedKey} ${redactedHeaders}`, `as text: ${redactedKey} ${redactedHeaders}`, "as a query: https://api.example/x?cookie=[redacted]&privateKey=[redacted]&q=ok"]);
});

test("a message is censored as pino writes it: an error's own message, a credential split across format and argument, an object for %j", () => {
  const out = logged((log) => {
    log.error(new Error("GET https://x/y?access_token=ERRMSGTOKEN123 failed"));
    log.error({ err: new Error("with Bearer ERRFIELDTOKEN1234") });
    log.info("Bearer %s", "SPLITTOKEN12345678");
    log.info("nested %j", { upstream: { password: "NESTEDPW12345" } });
    log.info({ a: 1 }, "%s=%s and %d%%", "refresh_token", "SPLITREFRESH99", 5);
    log.info(null, "Bearer NULLFIRSTTOKEN123");
    log.info(undefined, "Bearer UNDEFFIRSTTOKEN123");
  });
  for (const secret of ["ERRMSGTOKEN123", "ERRFIELDTOKEN1234", "SPLITTOKEN12345678", "NESTEDPW12345", "SPLITREFRESH99", "NULLFIRSTTOKEN123", "UNDEFFIRSTTOKEN123"]) assert.ok(!out.includes(secret), `${secret}: ${out}`);
  const lines = out.trim().split("\n").map((l) => JSON.parse(l) as { msg: string });
  assert.deepEqual(lines.map((l) => l.msg), [
    "GET https://x/y?access_token=[redacted] failed",
    "with Bearer [redacted]",
    "Bearer [redacted]",
    'nested {"upstream":{"password":"[redacted]"}}',
    "refresh_token=[redacted] and 5%",
    "Bearer [redacted]",
    "Bearer [redacted]",
  ]);
});

test("censoring a handler's fields never throws and never lets a credential through a cycle or deep nesting", async () => {
  const { censorFields } = await import("../../runtime/log-error.js");
  const cyclic: Record<string, any> = { a: { password: "CYCLEPW12345" } };
  cyclic.a.self = cyclic;
  assert.deepEqual(censorFields(cyclic), { a: { password: "[redacted]", self: "[circular]" } });
  let deep: Record<string, unknown> = { password: "DEEPPW12345" };
  for (let i = 0; i < 20; i++) deep = { next: deep };
  assert.ok(!JSON.stringify(censorFields(deep)).includes("DEEPPW12345"));
  const shared = { k: 1 };
  assert.deepEqual(censorFields({ x: shared, y: shared }), { x: { k: 1 }, y: { k: 1 } }, "a value seen twice, not in a cycle, is written twice");
  const throwing = { wrapper: { ok: 1, get bad(): never { throw new Error("getter boom"); } } };
  assert.deepEqual(censorFields(throwing), { wrapper: { ok: 1, bad: "[unreadable]" } });
  const hostile = new Proxy({}, { ownKeys() { throw new Error("no keys"); }, getPrototypeOf() { return Object.prototype; } });
  assert.deepEqual(censorFields({ hostile }), { fields: "[unreadable]" });
});

test("through ctx.log, an error under any key (not only err) is written as the err serializer writes it, and a child's or setBindings' fields are censored as fields are, at any generation", async () => {
  const lines: string[] = [];
  const logger = createLogger({ level: "info", destination: { write: (line: string) => void lines.push(line) } });
  const resolved = resolveDefinition(
    defineFunction({
      name: "bound",
      schedule: { cron: "0 3 * * *" },
      handler: ({ log }) => {
        log.error({ error: axiosLikeError(), nested: { e: new AggregateError([axiosLikeError()], "many") } }, "upstream call failed");
        const child = log.child({ upstream: { url: "https://api.example", password: SECRET, headers: { "x-api-key": SECRET } } });
        child.info("calling upstream");
        const grandchild = child.child({ session: SECRET, step: 2 });
        grandchild.info("deeper");
        grandchild.setBindings({ credentials: { token: SECRET }, phase: "late" });
        grandchild.info("rebound");
        log.child({ ok: 1 }, { formatters: { log: (o: object) => ({ ...o, added: `Bearer ${SECRET}` }) } }).info("their formatter");
        return 1;
      },
    }),
    "bound.ts",
  );
  assert.ok(resolved.ok);
  const kube = { namespace: "team-a", with: () => kube } as unknown as KubeClient;
  await invoke({ fn: resolved.fn, input: undefined, trigger: { type: "run" }, requestId: "r2", dryRun: false, kube, logger });
  const out = lines.join("");
  assert.ok(!out.includes(SECRET), out);
  const [failed, calling, deeper, rebound, theirs] = lines.map((l) => JSON.parse(l) as Record<string, any>);
  assert.equal(failed!.error.type, "Error");
  assert.equal(failed!.error.config.headers.Authorization, "[redacted]");
  assert.equal(failed!.error.message, "Request failed with status code 500");
  assert.equal(failed!.nested.e.errors[0].config.auth, "[redacted]");
  assert.equal(failed!.nested.e.errors[0].config.url, "https://api.example/x");
  assert.deepEqual(calling!.upstream, { url: "https://api.example", password: "[redacted]", headers: { "x-api-key": "[redacted]" } });
  assert.equal(deeper!.session, "[redacted]");
  assert.equal(deeper!.step, 2);
  assert.equal(rebound!.credentials, "[redacted]");
  assert.equal(rebound!.phase, "late");
  assert.equal(theirs!.added, "Bearer [redacted]");
  assert.equal(theirs!.fn, "bound");
});

test("a secret with a character a URL escapes is censored percent-encoded too, as a connection string or a query string carries it; 64 replaced ones are still kept", async () => {
  const { rememberSecret, censorSecrets } = await import("../../runtime/secret-values.js");
  const held = "p@ss w/rd+&=x!'(";
  rememberSecret(held);
  const out = logged((log) => {
    log.error({ err: new Error(`connect postgres://app:${encodeURIComponent(held)}@db/app refused`) }, "call failed");
    log.info({ url: `https://hooks.example/x?${new URLSearchParams({ key: held })}` }, "posting");
  });
  assert.ok(!out.includes(encodeURIComponent(held)), out);
  assert.ok(!out.includes(new URLSearchParams({ key: held }).toString().slice(4)), out);
  assert.match(out, /postgres:\/\/app:\[redacted\]@db\/app refused/);
  assert.match(out, /"url":"https:\/\/hooks.example\/x\?key=\[redacted\]"/);
  const holder = {};
  for (let i = 0; i < 64; i++) rememberSecret(`url token/${String(i).padStart(2, "0")}+x`, holder);
  rememberSecret("url-token-current-value", holder);
  assert.equal(censorSecrets(encodeURIComponent("url token/00+x")), "[redacted]", "the oldest of the last 64 replaced values, in a form of its own");
});

test("a secret still held is censored however many values another holder rotated through; replaced values are kept, the last 64", async () => {
  const { rememberSecret, censorSecrets } = await import("../../runtime/secret-values.js");
  const apiToken = {};
  const tokenFile = {};
  rememberSecret("apitoken-STILL-IN-USE-0123456789", apiToken);
  for (let i = 0; i < 70; i++) rememberSecret(`sa-token-rotation-${String(i).padStart(2, "0")}-abcdef`, tokenFile);
  assert.equal(censorSecrets("caller sent apitoken-STILL-IN-USE-0123456789"), "caller sent [redacted]");
  assert.equal(censorSecrets("sa-token-rotation-69-abcdef"), "[redacted]", "the current token");
  assert.equal(censorSecrets("sa-token-rotation-68-abcdef"), "[redacted]", "a recently replaced one");
  assert.equal(censorSecrets("sa-token-rotation-00-abcdef"), "sa-token-rotation-00-abcdef", "the oldest replaced one is forgotten");
  // Remembering the same value again changes nothing.
  rememberSecret("apitoken-STILL-IN-USE-0123456789", apiToken);
  assert.equal(censorSecrets("apitoken-STILL-IN-USE-0123456789"), "[redacted]");
});

test("ctx.log's children keep pino's ways: a formatter of the handler's own is inherited by grandchildren (its output still censored), and an error under a key its own serializer writes reaches that serializer as the Error", async () => {
  const { handlerLogger } = await import("../../runtime/log-handler.js");
  const lines: string[] = [];
  const root = createLogger({ level: "info", destination: { write: (line: string) => void lines.push(line) } });
  const log = handlerLogger(root, { fn: "f", requestId: "r" });
  const tagged = log.child({ a: 1 }, { formatters: { log: (o: object) => ({ ...o, tagged: true, note: `Bearer ${SECRET}` }) } });
  tagged.child({ b: 2 }).info("grandchild");
  const serialized = log.child({}, { serializers: { failure: (e: unknown) => ({ kind: (e as object).constructor.name, isError: e instanceof Error }) } });
  serialized.error({ failure: new TypeError("boom"), other: { password: SECRET } }, "own serializer");
  serialized.child({ c: 3 }).error({ failure: new RangeError("again") }, "inherited serializer");
  const [grandchild, own, inherited] = lines.map((l) => JSON.parse(l) as Record<string, any>);
  assert.equal(grandchild!.tagged, true);
  assert.equal(grandchild!.b, 2);
  assert.equal(grandchild!.note, "Bearer [redacted]");
  assert.deepEqual(own!.failure, { kind: "TypeError", isError: true });
  assert.equal(own!.other.password, "[redacted]");
  assert.deepEqual(inherited!.failure, { kind: "RangeError", isError: true });
  // What a serializer of the handler's own returns (pino's err serializer copies an error's fields) is censored too.
  const stdErr = log.child({}, { serializers: { err: (e: Error) => ({ type: e.constructor.name, message: e.message, ...(e as unknown as Record<string, unknown>) }) } });
  stdErr.error({ err: axiosLikeError() }, "their err serializer");
  const theirs = JSON.parse(lines[3]!) as Record<string, any>;
  assert.equal(theirs.err.type, "Error");
  assert.equal(theirs.err.config.headers.Authorization, "[redacted]");
  assert.ok(!lines.join("").includes(SECRET));
});

test("many holders of one value (a podfn dev reload's new secret store) count as one: the value stays censored until the last lets go, then joins the replaced ones", async () => {
  const { rememberSecret, censorSecrets } = await import("../../runtime/secret-values.js");
  const holders = Array.from({ length: 2000 }, () => ({}));
  const { rememberedCount } = await import("../../runtime/secret-values.js");
  const countBefore = rememberedCount();
  for (const holder of holders) rememberSecret("shared-secret-value-42", holder);
  assert.equal(rememberedCount(), countBefore + 2, "2000 holders of one value: one value (as written and base64-encoded)");
  rememberSecret("rotated-secret-value-1", holders[0]!);
  assert.equal(censorSecrets("shared-secret-value-42 rotated-secret-value-1"), "[redacted] [redacted]");
  for (const holder of holders) rememberSecret("rotated-secret-value-1", holder);
  assert.equal(censorSecrets("shared-secret-value-42"), "[redacted]", "replaced: kept among the last 64");
});
