/**
 * `podfn/testing`: a failed `http.async` call (answered 202, run in the background) ends a
 * pending `until()` at once with an `AsyncCallFailedError` carrying the request id, the function
 * and the handler's error, instead of the wait timing out with no cause;
 * `deploy(fn, { expectAsyncCallFailures: true })` opts out for tests that expect calls to fail.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { AsyncCallFailedError, startHarness, until, type Harness } from "../../runtime/testing/index.js";
import { defineFunction, type PermissionRule } from "../../runtime/index.js";
import { KubeForbiddenError } from "../../runtime/kube/errors.js";

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.stop());

/** Creates a ConfigMap named by its input: needs `create configmaps`, which `permissions` may leave out (`get` alone by default). */
const recorder = (name: string, permissions: PermissionRule[] = [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get"] }]) =>
  defineFunction({
    name,
    input: z.object({ id: z.string() }),
    permissions,
    http: { auth: "none", async: true },
    async handler({ input, kube }) {
      await kube.configMaps.create({ metadata: { name: `delivery-${input.id}` } });
    },
  });

const post = (body: unknown) => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

const created = (fn: { admin: Harness["admin"] }, name: string) => async () => (await fn.admin.configMaps.get(name).catch(() => undefined)) !== undefined;

test("a forbidden async call ends the pending until() at once with AsyncCallFailedError, its request id, function and cause", async () => {
  const fn = await h.deploy(recorder("async-denied"));
  const res = await fn.fetch("/async-denied", post({ id: "d-1" }));
  assert.equal(res.status, 202);
  const requestId = res.headers.get("x-request-id")!;
  // A timeout this long would fail the test runner's own patience: an until_timeout cannot pass as the answer.
  await assert.rejects(until(created(fn, "delivery-d-1"), "the ConfigMap", 60_000), (e: unknown) => {
    assert.ok(e instanceof AsyncCallFailedError, String(e));
    assert.equal(e.code, "async_call_failed");
    assert.equal(e.requestId, requestId);
    assert.equal(e.fn, "async-denied");
    assert.ok(e.cause instanceof KubeForbiddenError, String(e.cause));
    assert.match(e.message, new RegExp(`^waiting for the ConfigMap: async-denied's async call ${requestId} failed \\(403 kube_forbidden\\): .*cannot create resource "configmaps"`));
    return true;
  });
  assert.equal(fn.asyncCallFailures.length, 1);
});

test("harness.until() is ended by its own deployments' failed async calls too, each failure once", async () => {
  const fn = await h.deploy(recorder("async-denied-scoped"));
  assert.equal((await fn.fetch("/async-denied-scoped", post({ id: "d-2" }))).status, 202);
  await assert.rejects(h.until(() => false, "anything", 60_000), { code: "async_call_failed" });
  let polls = 0;
  await h.until(() => ++polls === 3, "three polls");
});

test("the error's message is censored as the log is; its cause is the handler's own error", async () => {
  const fn = await h.deploy(
    defineFunction({
      name: "async-throws",
      http: { auth: "none", async: true },
      handler() {
        throw new Error("upstream refused Authorization: Bearer s3cr3t-t0ken-value-123");
      },
    }),
  );
  assert.equal((await fn.fetch("/async-throws", { method: "POST" })).status, 202);
  await assert.rejects(until(() => false, "nothing", 60_000), (e: unknown) => {
    assert.ok(e instanceof AsyncCallFailedError, String(e));
    assert.doesNotMatch(e.message, /s3cr3t-t0ken-value-123/);
    assert.match(e.message, /async-throws's async call \S+ failed \(500 internal\): upstream refused Authorization: Bearer \[redacted\]/);
    assert.match(String((e.cause as Error).message), /s3cr3t-t0ken-value-123/);
    return true;
  });
});

test("a secret the function holds is censored from the message by value, as in the log", async () => {
  const own = await startHarness({ secrets: { "pager-key": "pk-9f8e7d6c5b4a" } });
  try {
    const fn = await own.deploy(
      defineFunction({
        name: "async-leaks-key",
        http: { auth: "none", async: true },
        secrets: ["pager-key"],
        handler({ secret }) {
          throw new Error(`the pager refused key ${secret("pager-key")}`);
        },
      }),
    );
    assert.equal((await fn.fetch("/async-leaks-key", { method: "POST" })).status, 202);
    await assert.rejects(own.until(() => false, "nothing", 60_000), (e: unknown) => {
      assert.ok(e instanceof AsyncCallFailedError, String(e));
      assert.doesNotMatch(e.message, /pk-9f8e7d6c5b4a/);
      assert.match(e.message, /the pager refused key \[redacted\]/);
      return true;
    });
  } finally {
    await own.stop();
  }
});

test("a succeeding async call: the wait resolves and nothing failed", async () => {
  const fn = await h.deploy(recorder("async-allowed", [{ apiGroups: [""], resources: ["configmaps"], verbs: ["create"] }]));
  assert.equal((await fn.fetch("/async-allowed", post({ id: "d-3" }))).status, 202);
  await until(created(fn, "delivery-d-3"), "the ConfigMap");
  assert.deepEqual(fn.asyncCallFailures, []);
});

test("expectAsyncCallFailures: a failed async call ends no wait, and is read from asyncCallFailures", async () => {
  const fn = await h.deploy(recorder("async-expected"), { expectAsyncCallFailures: true });
  const res = await fn.fetch("/async-expected", post({ id: "d-4" }));
  assert.equal(res.status, 202);
  await until(() => fn.asyncCallFailures.length === 1, "the failure recorded");
  const [failure] = fn.asyncCallFailures;
  assert.equal(failure!.requestId, res.headers.get("x-request-id"));
  assert.equal(failure!.status, 403);
  assert.ok(failure!.error instanceof KubeForbiddenError);
  await assert.rejects(until(() => false, "the failure not ending waits", 300), { code: "until_timeout" });
});
