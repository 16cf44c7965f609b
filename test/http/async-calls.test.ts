/**
 * `http.async`: a 202 with the request id once the caller is authenticated and the input valid,
 * the call running on after it (its outcome counted and logged when it ends, its slot held
 * until then, waited for on shutdown); bad input and unauthenticated callers refused before
 * anything runs.
 */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { HttpError } from "../../runtime/errors.js";
import { deferred, loaded, postJson, req, testApp, until } from "./helpers.js";

/** The value of one sample line of a Prometheus text body. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

type App = ReturnType<typeof testApp>;

/** The `background call finished` line of `requestId`, once written. */
async function finished(app: App, requestId: string): Promise<Record<string, unknown>> {
  let line: Record<string, unknown> | undefined;
  await until(() => (line = app.records().find((r) => r.msg === "background call finished" && r.requestId === requestId)) !== undefined);
  return line!;
}

describe("an async route", () => {
  test("answers 202 with the request id before the handler ends, then logs and counts the call's outcome", async () => {
    const gate = deferred();
    const seen: unknown[] = [];
    const app = testApp([
      loaded({
        name: "sync-repo",
        async: true,
        input: z.object({ repo: z.string(), depth: z.number().default(1) }),
        handler: async ({ input, requestId }) => {
          seen.push({ input, requestId });
          await gate.promise;
          return { synced: true };
        },
      }),
    ]);
    const res = await app.fetch(postJson("/sync-repo", { repo: "ops" }, { "x-request-id": "delivery-1" }));
    assert.equal(res.status, 202);
    assert.equal(res.headers.get("x-request-id"), "delivery-1");
    assert.deepEqual(await res.json(), { accepted: true, requestId: "delivery-1" });
    await until(() => seen.length === 1);
    assert.deepEqual(seen, [{ input: { repo: "ops", depth: 1 }, requestId: "delivery-1" }]);
    assert.equal(app.drain.inflight, 1, "the running call holds its slot");

    const during = await (await app.fetch(req("/metrics"))).text();
    assert.equal(sample(during, 'podfn_invocations_total{function="sync-repo",outcome="success"}'), 0, "the 202 is not the call's outcome");
    gate.resolve();
    const line = await finished(app, "delivery-1");
    assert.equal(line.level, "info");
    assert.equal(line.status, 200);
    assert.equal(line.outcome, "success");
    assert.equal(line.fn, "sync-repo");
    assert.equal(app.drain.inflight, 0);
    const after = await (await app.fetch(req("/metrics"))).text();
    assert.equal(sample(after, 'podfn_invocations_total{function="sync-repo",outcome="success"}'), 1);
    assert.equal(sample(after, 'podfn_invocation_duration_seconds_count{function="sync-repo"}'), 1);
    const access = app.records().filter((r) => r.path === "/sync-repo");
    assert.deepEqual(access.map((r) => r.status), [202], "one access line, the 202's");
  });

  test("refuses bad input with a 400 naming the field, and runs nothing", async () => {
    let calls = 0;
    const app = testApp([loaded({ name: "a", async: true, input: z.object({ repo: z.string() }), handler: () => void calls++ })]);
    const res = await app.fetch(postJson("/a", { repoo: "ops" }));
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: { code: string; issues: { path: string }[] } };
    assert.equal(body.error.code, "invalid_input");
    assert.deepEqual(body.error.issues.map((i) => i.path), ["repo"]);
    assert.equal(calls, 0);
    assert.equal(app.drain.inflight, 0);
  });

  test("a handler that throws is a logged 500 outcome with the request id; the server goes on serving", async () => {
    const app = testApp([
      loaded({
        name: "boom",
        async: true,
        input: z.object({ fail: z.boolean() }),
        handler: ({ input }) => {
          if (input.fail) throw new Error("the token sk-do-not-echo was refused");
          return "ok";
        },
      }),
    ]);
    const res = await app.fetch(postJson("/boom", { fail: true }, { "x-request-id": "r-throw" }));
    assert.equal(res.status, 202);
    const body = await res.text();
    assert.doesNotMatch(body, /sk-do-not-echo/);
    const line = await finished(app, "r-throw");
    assert.equal(line.level, "warn");
    assert.equal(line.status, 500);
    assert.equal(line.outcome, "error");
    assert.ok(app.records().some((r) => r.level === "error" && r.requestId === "r-throw"), "the error itself is logged with the request id");
    assert.equal((await app.fetch(postJson("/boom", { fail: false }))).status, 202);
    const metrics = await (await app.fetch(req("/metrics"))).text();
    await until(() => app.drain.inflight === 0);
    assert.equal(sample(metrics, 'podfn_invocations_total{function="boom",outcome="error"}'), 1);
  });

  test("a handler's HttpError and reply() decide the logged status", async () => {
    const app = testApp([
      loaded({ name: "gone", async: true, handler: () => { throw new HttpError(404, "no_such_repo", "no repo ops"); } }),
    ]);
    await app.fetch(postJson("/gone", {}, { "x-request-id": "r-404" }));
    const line = await finished(app, "r-404");
    assert.equal(line.status, 404);
    assert.equal(line.outcome, "client_error");
    assert.equal(line.code, "no_such_repo");
  });

  test("a call past its timeoutMs ends as a timeout", async () => {
    const app = testApp([loaded({ name: "slow", async: true, timeoutMs: 20, handler: () => new Promise(() => {}) })]);
    await app.fetch(postJson("/slow", {}, { "x-request-id": "r-slow" }));
    const line = await finished(app, "r-slow");
    assert.equal(line.status, 504);
    assert.equal(line.outcome, "timeout");
  });

  test("running calls count against maxInflight: past it, 429 until one ends", async () => {
    const gate = deferred();
    const app = testApp([loaded({ name: "hold", async: true, handler: () => gate.promise })], { maxInflight: 1 });
    assert.equal((await app.fetch(postJson("/hold", {}))).status, 202);
    await until(() => app.drain.inflight === 1);
    assert.equal((await app.fetch(postJson("/hold", {}))).status, 429);
    gate.resolve();
    await until(() => app.drain.inflight === 0);
    assert.equal((await app.fetch(postJson("/hold", {}))).status, 202);
  });

  test("shutdown waits for a running call, and refuses new ones", async () => {
    const gate = deferred();
    let ended = false;
    const app = testApp([
      loaded({
        name: "hold",
        async: true,
        handler: async () => {
          await gate.promise;
          ended = true;
        },
      }),
    ]);
    assert.equal((await app.fetch(postJson("/hold", {}))).status, 202);
    await until(() => app.drain.inflight === 1);
    const settled = app.drain.settle(60_000);
    assert.equal((await app.fetch(postJson("/hold", {}))).status, 503);
    gate.resolve();
    assert.equal(await settled, true);
    assert.equal(ended, true);
    assert.equal(app.drain.signal.aborted, false);
  });

  test("shutdown beginning while the input is checked refuses the call with 503, counted as rejected: nothing ran", async () => {
    const checking = deferred();
    const gate = deferred();
    let calls = 0;
    const input = z.object({ repo: z.string().refine(async () => (checking.resolve(), await gate.promise, true)) });
    const app = testApp([loaded({ name: "a", async: true, input, handler: () => void calls++ })]);
    const pending = app.fetch(postJson("/a", { repo: "ops" }));
    await checking.promise;
    app.drain.begin();
    gate.resolve();
    const res = await pending;
    assert.equal(res.status, 503);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, "shutting_down");
    assert.equal(calls, 0);
    const metrics = await (await app.fetch(req("/metrics"))).text();
    assert.equal(sample(metrics, 'podfn_invocations_total{function="a",outcome="rejected"}'), 1);
    assert.equal(sample(metrics, 'podfn_invocations_total{function="a",outcome="error"}'), 0);
  });

  test("a dry run is a dry run in the background too, and says so on the 202", async () => {
    const dryRuns: boolean[] = [];
    const app = testApp([loaded({ name: "d", async: true, handler: ({ dryRun }) => void dryRuns.push(dryRun) })]);
    const res = await app.fetch(postJson("/d?dryRun=true", {}));
    assert.equal(res.status, 202);
    assert.equal(res.headers.get("x-podfn-dry-run"), "true");
    await until(() => dryRuns.length === 1);
    assert.deepEqual(dryRuns, [true]);
  });
});

describe("an async route with caller auth", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "podfn-async-"));
    writeFileSync(join(dir, "deploy-token"), "s3cret-token\n");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("refuses a caller without the token (401) or with a wrong one (403) before anything runs", async () => {
    let calls = 0;
    const app = testApp([loaded({ name: "f", async: true, auth: { type: "bearer", secret: "deploy-token" }, handler: () => void calls++ })], { secretsDir: dir });
    assert.equal((await app.fetch(postJson("/f", {}))).status, 401);
    assert.equal((await app.fetch(postJson("/f", {}, { authorization: "Bearer wrong" }))).status, 403);
    assert.equal((await app.fetch(postJson("/f", {}, { authorization: "Bearer s3cret-token" }))).status, 202);
    await until(() => calls === 1);
    assert.ok(!app.lines.some((l) => l.includes("s3cret-token")), "the token is never logged");
  });
});
