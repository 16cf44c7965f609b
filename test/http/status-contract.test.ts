import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { reply } from "../../runtime/function.js";
import { HttpError } from "../../runtime/errors.js";
import { kubeApiError, KubeAlreadyExistsError, KubeConflictError, KubeConnectionError, KubeForbiddenError, KubeInvalidError, KubeNotFoundError, KubeTooManyRequestsError, KubeUnauthorizedError } from "../../runtime/kube/errors.js";
import { rememberSecret } from "../../runtime/secret-values.js";
import { loaded, postJson, req, testApp, until } from "./helpers.js";

describe("status contract", () => {
  test("200 with the JSON result, 204 when the handler returns undefined", async () => {
    const app = testApp([
      loaded({ name: "echo", input: z.object({ n: z.number() }), handler: ({ input }) => ({ got: input.n }) }),
      loaded({ name: "nothing", handler: () => undefined }),
    ]);
    const ok = await app.fetch(postJson("/echo", { n: 3 }));
    assert.equal(ok.status, 200);
    assert.match(ok.headers.get("content-type")!, /^application\/json/);
    assert.deepEqual(await ok.json(), { got: 3 });
    const none = await app.fetch(postJson("/nothing", {}));
    assert.equal(none.status, 204);
    assert.equal(await none.text(), "");
  });

  test("reply() chooses the status, body and headers", async () => {
    const app = testApp([loaded({ name: "accepted", handler: () => reply(202, { queued: true }, { "X-Queue": "jobs" }) })]);
    const res = await app.fetch(postJson("/accepted", {}));
    assert.equal(res.status, 202);
    assert.equal(res.headers.get("x-queue"), "jobs");
    assert.deepEqual(await res.json(), { queued: true });
  });

  test("GET takes its input from the query string: repeated keys become arrays, the schema coerces", async () => {
    const input = z.object({ n: z.coerce.number(), tag: z.array(z.string()), one: z.string().optional() });
    const app = testApp([loaded({ name: "query", method: "GET", input, handler: ({ input }) => input })]);
    const res = await app.fetch(req("/query?n=42&tag=a&tag=b&one=x&dryRun=false"));
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { n: 42, tag: ["a", "b"], one: "x" });
  });

  test("a coerced number that is not one names what was sent, a query key sent twice says so: not zod's \"received NaN\"", async () => {
    const input = z.object({ limit: z.coerce.number().int().optional() });
    const app = testApp([loaded({ name: "query", method: "GET", input, handler: ({ input }) => input })]);
    const issuesOf = async (query: string) => {
      const res = await app.fetch(req(`/query?${query}`));
      assert.equal(res.status, 400, query);
      return ((await res.json()) as { error: { issues: { path: string; message: string }[] } }).error.issues;
    };
    assert.deepEqual(await issuesOf("limit=abc"), [{ path: "limit", message: 'expected number, received "abc"' }]);
    assert.deepEqual(await issuesOf("limit=1&limit=2"), [{ path: "limit", message: "was sent 2 times: expected one number" }]);
  });

  test("400 invalid_json for a body that is not JSON", async () => {
    const app = testApp([loaded({ name: "f", handler: () => 1 })]);
    const res = await app.fetch(req("/f", { method: "POST", body: "{nope", headers: { "content-type": "application/json" } }));
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: { code: string; message: string; issues: unknown[] } };
    assert.equal(body.error.code, "invalid_json");
    assert.equal(body.error.issues.length, 1);
  });

  test("400 invalid_input names each field in issues", async () => {
    const app = testApp([loaded({ name: "f", input: z.object({ a: z.object({ b: z.number() }), c: z.string() }), handler: () => 1 })]);
    const res = await app.fetch(postJson("/f", { a: { b: "x" }, c: "ok" }));
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: { code: string; message: string; issues: { path: string; message: string }[] } };
    assert.equal(body.error.code, "invalid_input");
    assert.deepEqual(body.error.issues.map((i) => i.path), ["a.b"]);
    assert.equal(typeof body.error.issues[0]!.message, "string");
  });

  test("404 JSON for an unknown path; 405 with Allow for a wrong method", async () => {
    const app = testApp([loaded({ name: "f", handler: () => 1 }), loaded({ name: "g", method: "GET", path: "/f", handler: () => 2 })]);
    const missing = await app.fetch(req("/nope"));
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { error: { code: string } }).error.code, "not_found");
    const wrong = await app.fetch(req("/f", { method: "DELETE" }));
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get("allow"), "POST, GET, HEAD");
    assert.equal(((await wrong.json()) as { error: { code: string } }).error.code, "method_not_allowed");
    assert.equal((await app.fetch(req("/f"))).status, 200);
    assert.equal((await app.fetch(req("/f", { method: "HEAD" }))).status, 200);
    assert.equal((await app.fetch(req("/healthz", { method: "POST" }))).status, 405);
  });

  test("415 for a content type that is neither JSON nor a form; +json types accepted; an empty body counts as {}", async () => {
    const app = testApp([loaded({ name: "f", input: z.object({ x: z.number().default(7) }), handler: ({ input }) => input })]);
    const text = await app.fetch(req("/f", { method: "POST", body: "x=1", headers: { "content-type": "text/plain" } }));
    assert.equal(text.status, 415);
    assert.equal(((await text.json()) as { error: { code: string } }).error.code, "unsupported_media_type");
    const untyped = await app.fetch(req("/f", { method: "POST", body: new Uint8Array([123, 125]) }));
    assert.equal(untyped.status, 415);
    const vendor = await app.fetch(req("/f", { method: "POST", body: '{"x":1}', headers: { "content-type": "application/vnd.api+json; charset=utf-8" } }));
    assert.deepEqual(await vendor.json(), { x: 1 });
    const empty = await app.fetch(req("/f", { method: "POST" }));
    assert.deepEqual(await empty.json(), { x: 7 });
    const emptyJson = await app.fetch(req("/f", { method: "POST", body: "", headers: { "content-type": "application/json" } }));
    assert.deepEqual(await emptyJson.json(), { x: 7 });
  });

  test("413 for a declared Content-Length or a streamed body over the function's limit", async () => {
    let ran = 0;
    const app = testApp([loaded({ name: "small", bodyLimitBytes: 16, handler: () => ++ran })]);
    const declared = await app.fetch(req("/small", { method: "POST", body: "{}", headers: { "content-type": "application/json", "content-length": "17" } }));
    assert.equal(declared.status, 413);
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode('{"pad":"xxxxxxxx'));
      },
    });
    const streamed = await app.fetch(req("/small", { method: "POST", body: stream, headers: { "content-type": "application/json" }, duplex: "half" } as RequestInit));
    assert.equal(streamed.status, 413);
    assert.equal(((await streamed.json()) as { error: { code: string } }).error.code, "payload_too_large");
    assert.equal((await app.fetch(postJson("/small", { a: 1 }))).status, 200);
    assert.equal(ran, 1);
  });

  test("500 internal with the request id only; the error is logged with its stack; the app keeps serving", async () => {
    const app = testApp([
      loaded({
        name: "boom",
        handler: () => {
          throw new Error("database password is hunter2");
        },
      }),
      loaded({ name: "fine", handler: () => "ok" }),
    ]);
    const res = await app.fetch(postJson("/boom", {}, { "x-request-id": "req-500" }));
    assert.equal(res.status, 500);
    const text = await res.text();
    assert.deepEqual(JSON.parse(text), { error: { code: "internal", message: "internal error", requestId: "req-500" } });
    assert.doesNotMatch(text, /hunter2|stack|at /);
    const logged = app.records().find((r) => r.msg === "call failed");
    assert.equal(logged?.requestId, "req-500");
    assert.match(String((logged?.err as { stack?: string }).stack), /hunter2[\s\S]*at /);
    assert.equal((await app.fetch(postJson("/fine", {}))).status, 200);
  });

  test("the API server denying the function's ServiceAccount answers 403 naming the missing permission", async () => {
    const status = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", reason: "Forbidden", code: 403,
      message: 'pods is forbidden: User "system:serviceaccount:ops:podfn" cannot list resource "pods" in API group "" in the namespace "ops"',
      details: { kind: "pods" } };
    const denied = new KubeForbiddenError(status, 403, { method: "GET", path: "/api/v1/namespaces/ops/pods" });
    const app = testApp([loaded({ name: "lister", handler: () => Promise.reject(new Error("listing failed", { cause: denied })) })]);
    const res = await app.fetch(postJson("/lister", {}));
    assert.equal(res.status, 403);
    const body = (await res.json()) as { error: { code: string; message: string; missingPermission: unknown; requestId: string } };
    assert.equal(body.error.code, "kube_forbidden");
    assert.deepEqual(body.error.missingPermission, { apiGroups: [""], resources: ["pods"], verbs: ["list"] });
    assert.equal(body.error.message, `the function's ServiceAccount is not allowed this call; missing permission: { apiGroups: [""], resources: ["pods"], verbs: ["list"] }`);
    assert.doesNotMatch(JSON.stringify(body), /system:serviceaccount|\/api\/v1|namespaces\/ops/, "neither the ServiceAccount nor the path reach the caller");
    assert.match(String(app.records().find((r) => String(r.msg).includes("forbidden"))?.msg), /GET \/api\/v1\/namespaces\/ops\/pods: pods is forbidden: User "system:serviceaccount:ops:podfn"/, "the log has both");
    assert.equal(body.error.requestId, res.headers.get("x-request-id"));
  });

  test("the API server's answer about what the call named is the caller's: 404, 409, 422, an eviction a PodDisruptionBudget refused (429) with its message; unreachable or overloaded, 503 with Retry-After", async () => {
    const status = (code: number, reason: string, message: string, details: Record<string, unknown> = {}) => ({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", reason, code, message, details });
    const request = { method: "GET", path: "/apis/apps/v1/namespaces/ops/deployments/nope" };
    const cases: [string, unknown, number, Record<string, unknown>][] = [
      ["missing", new KubeNotFoundError(status(404, "NotFound", 'deployments.apps "nope" not found'), 404, request), 404, { code: "kube_not_found", message: 'deployments.apps "nope" not found' }],
      ["stale", new KubeConflictError(status(409, "Conflict", 'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again'), 409, request), 409, { code: "kube_conflict" }],
      ["taken", new KubeAlreadyExistsError(status(409, "AlreadyExists", 'jobs.batch "run-1" already exists'), 409, request), 409, { code: "kube_already_exists", message: 'jobs.batch "run-1" already exists' }],
      ["invalid", new KubeInvalidError(status(422, "Invalid", 'ConfigMap "x" is invalid: metadata.labels: Invalid value: "a b"', { causes: [{ reason: "FieldValueInvalid", message: 'Invalid value: "a b"', field: "metadata.labels" }] }), 422, request), 422, { code: "kube_invalid", causes: [{ reason: "FieldValueInvalid", message: 'Invalid value: "a b"', field: "metadata.labels" }] }],
      ["down", new Error("restart failed", { cause: new KubeConnectionError("connect ECONNREFUSED 10.96.0.1:443") }), 503, { code: "kube_unavailable", message: "the Kubernetes API server could not answer: retry" }],
      ["shed", new KubeTooManyRequestsError(status(429, "TooManyRequests", "too many requests"), 429, request, 7), 503, { code: "kube_unavailable" }],
      ["budget", new KubeTooManyRequestsError(status(429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.", { causes: [{ reason: "DisruptionBudget", message: "The disruption budget web needs 1 healthy pods and has 1 currently" }] }), 429, request), 429, { code: "kube_too_many_requests", message: "Cannot evict pod as it would violate the pod's disruption budget.", causes: [{ reason: "DisruptionBudget", message: "The disruption budget web needs 1 healthy pods and has 1 currently" }] }],
    ];
    const app = testApp(cases.map(([name, error]) => loaded({ name, handler: () => Promise.reject(error) })));
    for (const [name, , code, expected] of cases) {
      const res = await app.fetch(postJson(`/${name}`, {}));
      assert.equal(res.status, code, name);
      const body = (await res.json()) as { error: Record<string, unknown> };
      for (const [key, value] of Object.entries(expected)) assert.deepEqual(body.error[key], value, `${name}: ${key}`);
      assert.equal(body.error.requestId, res.headers.get("x-request-id"));
      assert.doesNotMatch(JSON.stringify(body), /10\.96\.0\.1|\/apis\//, "neither the server nor the request path is told");
      if (code === 503) assert.equal(res.headers.get("retry-after"), name === "shed" ? "7" : "1");
    }
    const proxied = kubeApiError(404, "<html>no route to https://10.0.0.1:6443/api/v1/namespaces/ops/services/x/proxy via gw-7.corp.internal</html>", request);
    const viaProxy = testApp([loaded({ name: "proxied", handler: () => Promise.reject(proxied) })]);
    const page = (await (await viaProxy.fetch(postJson("/proxied", {}))).json()) as { error: { code: string; message: string } };
    assert.deepEqual([page.error.code, page.error.message], ["kube_not_found", "NotFound"], "a body that was not a Status is not relayed");
    rememberSecret("s3cret-label-value-0042");
    const echoing = testApp([loaded({ name: "echo", handler: () => Promise.reject(new KubeNotFoundError(status(404, "NotFound", 'configmaps "s3cret-label-value-0042" not found'), 404, request)) })]);
    assert.equal(((await (await echoing.fetch(postJson("/echo", {}))).json()) as { error: { message: string } }).error.message, 'configmaps "[redacted]" not found', "a secret the server echoes is censored");
    const unauthorized = new KubeUnauthorizedError(status(401, "Unauthorized", "Unauthorized"), 401, request);
    const own = testApp([loaded({ name: "token", handler: () => Promise.reject(unauthorized) })]);
    assert.equal((await own.fetch(postJson("/token", {}))).status, 500, "the function's own credentials refused stay a 500");
  });

  test("a strict input's unknown keys are a 400 naming each, nested ones by their path", async () => {
    const input = z.strictObject({ hours: z.number().optional(), scope: z.strictObject({ ns: z.string() }).optional() });
    const app = testApp([loaded({ name: "strict", input, handler: () => 1 })]);
    const res = await app.fetch(postJson("/strict", { hour: 1, extra: true, scope: { ns: "a", nss: "b" } }));
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: { issues: { path: string; message: string }[] } };
    assert.deepEqual(body.error.issues.map((i) => i.path).sort(), ["extra", "hour", "scope.nss"]);
    // A near miss of a field not given is suggested; `nss` is not `ns`, which is there already.
    assert.deepEqual(Object.fromEntries(body.error.issues.map((i) => [i.path, i.message])), { hour: 'is not a field of this input: did you mean "hours"?', extra: "is not a field of this input", "scope.nss": "is not a field of this input" });
    const many = await app.fetch(postJson("/strict", Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i]))));
    const issues = ((await many.json()) as { error: { issues: { path: string; message: string }[] } }).error.issues;
    assert.equal(issues.length, 21, "twenty named, the rest counted");
    assert.deepEqual(issues[20], { path: "", message: "and 480 more keys that are not fields of this input" });
  });

  test("an input with thousands of bad items is a 400 naming the first twenty zod issues and counting the rest", async () => {
    const input = z.object({ items: z.array(z.object({ status: z.enum(["a", "b"]) })) });
    const app = testApp([loaded({ name: "bulk", input, handler: () => 1 })]);
    const res = await app.fetch(postJson("/bulk", { items: Array.from({ length: 5000 }, () => ({ status: "x" })) }));
    assert.equal(res.status, 400);
    const text = await res.text();
    assert.ok(text.length < 10_000, `a bounded answer (${text.length} bytes)`);
    const body = JSON.parse(text) as { error: { message: string; issues: { path: string; message: string }[] } };
    assert.equal(body.error.issues.length, 21);
    assert.equal(body.error.issues[0]!.path, "items[0].status");
    assert.deepEqual(body.error.issues[20], { path: "", message: "and 4980 more problems" });
    assert.match(body.error.message, /; and 4980 more problems$/);
  });

  test("a form body (Slack's slash commands) is read into its fields as a query is; dryRun in it is refused as in JSON; a bad escape is a 400", async () => {
    let runs = 0;
    const app = testApp([
      loaded({ name: "slash", input: z.object({ command: z.string(), text: z.string(), n: z.coerce.number().optional(), tag: z.array(z.string()).optional() }), handler: ({ input }) => input }),
      loaded({ name: "cleanup", input: z.object({ hours: z.coerce.number().optional() }), handler: () => ++runs }),
    ]);
    const form = (path: string, body: string) => app.fetch(req(path, { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" } }));
    const ok = await form("/slash", "command=%2Fdeploy&text=web+to+prod&n=3&tag=a&tag=b");
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { command: "/deploy", text: "web to prod", n: 3, tag: ["a", "b"] });
    const dry = await form("/cleanup", "hours=1&dryRun=true");
    assert.equal(dry.status, 400);
    assert.match(((await dry.json()) as { error: { message: string } }).error.message, /dryRun: is not an input field of this function: a dry run is asked for with \?dryRun=true/);
    assert.equal(runs, 0);
    const bad = await form("/slash", "command=%E0%A4%A&text=x");
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { error: { issues: { path: string }[] } }).error.issues[0]!.path, "command");
    const latin1 = await app.fetch(req("/slash", { method: "POST", body: "command=x&text=y", headers: { "content-type": "application/x-www-form-urlencoded; charset=latin1" } }));
    assert.equal(latin1.status, 415);
    // JSON sent as a form (curl -d's default content type) is named as such, not read as one field called by the whole text.
    const json = await form("/cleanup", '{"hours": 6}');
    assert.equal(json.status, 415);
    assert.match(((await json.json()) as { error: { message: string } }).error.message, /the body is JSON sent as a form .*curl -d's default.*content-type: application\/json/);
    assert.equal(runs, 0);
    // A form whose first field name merely starts with a brace is still a form.
    assert.equal((await form("/slash", "{command=x&text=y")).status, 400, "read as the form it is: its fields refused by the schema");
  });

  test("HttpError answers with its status, code, message and details", async () => {
    const app = testApp([loaded({ name: "busy", handler: () => Promise.reject(new HttpError(409, "already_running", "a run is in progress", { details: { since: "10:00" } })) })]);
    const res = await app.fetch(postJson("/busy", {}, { "x-request-id": "r-409" }));
    assert.equal(res.status, 409);
    assert.deepEqual(await res.json(), { error: { code: "already_running", message: "a run is in progress", requestId: "r-409", details: { since: "10:00" } } });
  });

  test("query keys a plain object inherits (constructor, toString, valueOf) are input like any other", async () => {
    const input = z.object({ constructor: z.string().optional(), toString: z.array(z.string()).optional(), valueOf: z.string().optional() });
    const app = testApp([loaded({ name: "keys", method: "GET", input, handler: ({ input }) => input })]);
    const res = await app.fetch(req("/keys?constructor=x&toString=1&toString=2&valueOf=v&hasOwnProperty=h"));
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { constructor: "x", toString: ["1", "2"], valueOf: "v" });
  });

  test("an HttpError whose details JSON cannot hold is a 500 with the request id, logged, and the app keeps serving", async () => {
    const app = testApp([
      loaded({ name: "bigint", handler: () => { throw new HttpError(409, "conflict", "busy", { details: { n: 1n } }); } }),
      loaded({ name: "cycle", handler: async () => { const details: Record<string, unknown> = {}; details.self = details; throw new HttpError(422, "bad", "bad", { details }); } }),
    ]);
    for (const path of ["/bigint", "/cycle"]) {
      const res = await app.fetch(postJson(path, {}, { "x-request-id": `r${path}` }));
      assert.equal(res.status, 500, path);
      assert.deepEqual(await res.json(), { error: { code: "internal", message: "internal error", requestId: `r${path}` } });
      const logged = app.records().find((r) => r.requestId === `r${path}` && r.level === "error");
      assert.match(String(logged?.msg), /HttpError details cannot be sent as JSON \(.+\)/);
      assert.match(String((logged?.err as { stack?: string }).stack), /HttpError/, "the handler's error, with its stack");
    }
  });

  test("reply(205) sends no body, as HTTP requires (like 204 and 304)", async () => {
    const app = testApp([loaded({ name: "reset", handler: () => reply(205, { cleared: true }) })]);
    const res = await app.fetch(postJson("/reset", {}));
    assert.equal(res.status, 205);
    assert.equal(await res.text(), "");
  });

  test("504 when timeoutMs passes, and the handler's signal is aborted", async () => {
    let signal: AbortSignal | undefined;
    const app = testApp([
      loaded({
        name: "slow",
        timeoutMs: 20,
        handler: (ctx) => {
          signal = ctx.signal;
          return new Promise(() => {});
        },
      }),
    ]);
    const res = await app.fetch(postJson("/slow", {}));
    assert.equal(res.status, 504);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, "timeout");
    await until(() => signal?.aborted === true);
  });

  test("503 for function calls and /readyz once shutdown begins; /healthz stays 200", async () => {
    let ran = 0;
    const app = testApp([loaded({ name: "f", handler: () => ++ran })]);
    assert.equal((await app.fetch(req("/readyz"))).status, 200);
    app.beginShutdown();
    const refused = await app.fetch(postJson("/f", {}));
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get("connection"), "close");
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, "shutting_down");
    assert.equal((await app.fetch(req("/readyz"))).status, 503);
    assert.equal((await app.fetch(req("/healthz"))).status, 200);
    assert.equal(ran, 0);
  });

  test("429 with Retry-After over maxInflight", async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const app = testApp([loaded({ name: "hold", handler: () => held })], { maxInflight: 1 });
    const first = app.fetch(postJson("/hold", {}));
    await until(() => app.drain.inflight === 1);
    const second = await app.fetch(postJson("/hold", {}));
    assert.equal(second.status, 429);
    assert.equal(second.headers.get("retry-after"), "1");
    assert.equal(((await second.json()) as { error: { message: string } }).error.message, "1 call is in flight, the most this server runs at once: retry");
    release();
    assert.equal((await first).status, 204);
    assert.equal((await app.fetch(postJson("/hold", {}))).status, 204);
  });
});

describe("request id and dry run", () => {
  test("X-Request-Id is echoed, reaches the handler and every log line of the call; an invalid one is replaced", async () => {
    const app = testApp([
      loaded({
        name: "f",
        handler: (ctx) => {
          ctx.log.info("inside");
          return { id: ctx.requestId };
        },
      }),
    ]);
    const res = await app.fetch(postJson("/f", {}, { "x-request-id": "abc-123" }));
    assert.equal(res.headers.get("x-request-id"), "abc-123");
    assert.deepEqual(await res.json(), { id: "abc-123" });
    const lines = app.records();
    assert.deepEqual(lines.map((l) => [l.msg, l.requestId]), [["inside", "abc-123"], ["request", "abc-123"]]);
    const access = lines[1]!;
    assert.deepEqual([access.method, access.path, access.status, access.fn, typeof access.durationMs], ["POST", "/f", 200, "f", "number"]);

    const generated = await app.fetch(postJson("/f", {}, { "x-request-id": "x".repeat(129) }));
    assert.match(generated.headers.get("x-request-id")!, /^[0-9a-f-]{36}$/);
    const none = await app.fetch(postJson("/f", {}));
    assert.match(none.headers.get("x-request-id")!, /^[0-9a-f-]{36}$/);
    assert.notEqual(none.headers.get("x-request-id"), generated.headers.get("x-request-id"));
  });

  test("?dryRun=true or X-Podfn-Dry-Run: true makes the call a dry run (kube view and ctx.dryRun)", async () => {
    const app = testApp([loaded({ name: "f", handler: (ctx) => (ctx.kube ? { dryRun: ctx.dryRun } : {}) })]);
    const byQuery = await app.fetch(postJson("/f?dryRun=true", {}));
    assert.deepEqual(await byQuery.json(), { dryRun: true });
    assert.equal(byQuery.headers.get("x-podfn-dry-run"), "true");
    const byHeader = await app.fetch(postJson("/f", {}, { "x-podfn-dry-run": "true" }));
    assert.deepEqual(await byHeader.json(), { dryRun: true });
    const plain = await app.fetch(postJson("/f?dryRun=false", {}));
    assert.deepEqual(await plain.json(), { dryRun: false });
    assert.equal(plain.headers.get("x-podfn-dry-run"), null);
    assert.deepEqual(app.fake.views.map((v) => v.dryRun), [true, true, false]);
  });
});
