/**
 * `podfn/testing` with an async route: `deployed.fetch()` gets the 202 at once, and the test
 * waits with `until()` for what the call does in the cluster, as its own ServiceAccount.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { startHarness, until, type Harness } from "../../runtime/testing/index.js";
import { defineFunction } from "../../runtime/index.js";
import { deferred } from "../http/helpers.js";

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.stop());

const recordDelivery = defineFunction({
  name: "record-delivery",
  input: z.object({ id: z.string().regex(/^[a-z0-9-]+$/) }),
  permissions: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["create"] }],
  http: { auth: "none", async: true },
  async handler({ input, kube }) {
    await kube.configMaps.create({ metadata: { name: `delivery-${input.id}` }, data: { id: input.id } });
    return { recorded: input.id };
  },
});

test("an async route answers 202, and its call's write lands in the cluster after", async () => {
  const fn = await h.deploy(recordDelivery);
  const res = await fn.fetch("/record-delivery", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ id: "d-1" }) });
  assert.equal(res.status, 202);
  const body = (await res.json()) as { accepted: boolean; requestId: string };
  assert.equal(body.accepted, true);
  assert.equal(body.requestId, res.headers.get("x-request-id"));
  await until(async () => (await fn.admin.configMaps.get("delivery-d-1").catch(() => undefined))?.data?.id === "d-1", "the ConfigMap the call creates");
  assert.deepEqual(fn.access().filter((a) => a.verb === "create").map((a) => [a.resource, a.allowed]), [["configmaps", true]]);
});

test("bad input is refused before anything runs", async () => {
  const fn = await h.deploy(recordDelivery, { namespace: "async-bad-input" });
  const res = await fn.fetch("/record-delivery", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ id: "Not Valid" }) });
  assert.equal(res.status, 400);
  assert.match(await res.text(), /"path":"id"/);
  assert.deepEqual(fn.access().filter((a) => a.verb === "create"), []);
});

test("the harness's stop() waits for an async call still running, which finishes against the cluster", async () => {
  const own = await startHarness();
  const release = deferred();
  const started = deferred();
  let outcome = "not finished";
  const slowWrite = defineFunction({
    name: "slow-write",
    permissions: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["create"] }],
    http: { auth: "none", async: true },
    async handler({ kube }) {
      started.resolve();
      await release.promise;
      try {
        await kube.configMaps.create({ metadata: { name: "written-late" } });
        outcome = "written";
      } catch (error) {
        outcome = `failed: ${(error as Error).message}`;
      }
    },
  });
  const fn = await own.deploy(slowWrite);
  assert.equal((await fn.fetch("/slow-write", { method: "POST" })).status, 202);
  await started.promise;
  const stopped = own.stop();
  release.resolve();
  await stopped;
  assert.equal(outcome, "written");
});
