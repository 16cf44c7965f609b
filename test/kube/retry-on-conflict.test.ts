import { test } from "node:test";
import assert from "node:assert/strict";
import { retryOnConflict, retryAfterMs } from "../../runtime/kube/retry.js";
import { KubeConflictError, KubeNotFoundError, kubeApiError } from "../../runtime/kube/errors.js";

const request = { method: "PUT", path: "/api/v1/namespaces/golden/configmaps/settings" };
const conflict = () => kubeApiError(409, { kind: "Status", reason: "Conflict", code: 409, message: "the object has been modified" }, request);

test("retryOnConflict runs the read-modify-write again after a Conflict", async () => {
  let calls = 0;
  const result = await retryOnConflict(
    async () => {
      calls++;
      if (calls < 3) throw conflict();
      return "written";
    },
    { sleep: async () => {} },
  );
  assert.equal(result, "written");
  assert.equal(calls, 3);
});

test("retryOnConflict gives up after its attempts with the last Conflict", async () => {
  let calls = 0;
  await assert.rejects(
    retryOnConflict(
      async () => {
        calls++;
        throw conflict();
      },
      { attempts: 4, sleep: async () => {} },
    ),
    KubeConflictError,
  );
  assert.equal(calls, 4);
});

test("retryOnConflict passes other errors through at once", async () => {
  let calls = 0;
  await assert.rejects(
    retryOnConflict(async () => {
      calls++;
      throw kubeApiError(404, { kind: "Status", reason: "NotFound", code: 404 }, request);
    }),
    KubeNotFoundError,
  );
  assert.equal(calls, 1);
});

test("Retry-After is read as seconds or as an HTTP date, and capped", () => {
  const now = Date.parse("2024-01-01T00:00:00Z");
  assert.equal(retryAfterMs("3", 30_000, now), 3000);
  assert.equal(retryAfterMs("Mon, 01 Jan 2024 00:00:10 GMT", 30_000, now), 10_000);
  assert.equal(retryAfterMs("120", 30_000, now), 30_000);
  assert.equal(retryAfterMs("soon", 30_000, now), undefined);
  assert.equal(retryAfterMs(undefined, 30_000, now), undefined);
});
