import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { bearer, json, startHarness, type Deployed, type Harness } from "./helpers/harness.js";
import { seedPod } from "./helpers/objects.js";
import listPods, { formatAge } from "../../functions/list-pods.js";
import { assertAgreesOnMutants, assertSeedsPass } from "../validate/agreement.js";

describe("list-pods", () => {
  let h: Harness;
  let fn: Deployed;
  before(async () => {
    h = await startHarness();
    fn = await h.deploy("list-pods");
    await seedPod(fn.admin, "web-1", { labels: { app: "web" }, phase: "Running", node: "node-a", restarts: 2 });
    await seedPod(fn.admin, "web-2", { labels: { app: "web" }, phase: "Pending" });
    await seedPod(fn.admin, "batch-1", { labels: { app: "batch" }, phase: "Succeeded" });
    await seedPod(h.admin.with({ namespace: "default" }), "elsewhere", { phase: "Running" });
  });
  after(() => h.stop());

  const get = async (query = "") => {
    const res = await fn.fetch(`/list-pods${query}`, { headers: bearer("api-token") });
    return { status: res.status, body: await json(res) };
  };

  test("lists the pods of its own namespace with phase, node, restarts and age", async () => {
    const { status, body } = await get();
    assert.equal(status, 200);
    assert.equal(body.namespace, fn.namespace);
    assert.deepEqual(body.pods.map((p: { name: string }) => p.name).sort(), ["batch-1", "web-1", "web-2"]);
    const web1 = body.pods.find((p: { name: string }) => p.name === "web-1");
    assert.equal(web1.phase, "Running");
    assert.equal(web1.node, "node-a");
    assert.equal(web1.restarts, 2);
    assert.equal(typeof web1.ageSeconds, "number");
    assert.equal(web1.age, formatAge(web1.ageSeconds));
  });

  test("filters by label selector and by phase", async () => {
    const byLabel = await get("?labelSelector=app%3Dweb");
    assert.deepEqual(byLabel.body.pods.map((p: { name: string }) => p.name).sort(), ["web-1", "web-2"]);
    const byPhase = await get("?phase=Running");
    assert.deepEqual(byPhase.body.pods.map((p: { name: string }) => p.name), ["web-1"]);
  });

  test("answers 400 naming the field for an unknown phase", async () => {
    const { status, body } = await get("?phase=Sleeping");
    assert.equal(status, 400);
    assert.ok(body.error.issues.some((i: { path: string }) => i.path === "phase"), JSON.stringify(body));
  });

  test("answers 400 naming labelSelector for one the API server cannot parse (not a 500)", async () => {
    const { status, body } = await get("?labelSelector=!!!");
    assert.equal(status, 400, JSON.stringify(body));
    assert.equal(body.error.code, "invalid_input");
    assert.deepEqual(body.error.issues.map((i: { path: string }) => i.path), ["labelSelector"]);
  });

  test("refuses callers without the api-token", async () => {
    assert.equal((await fn.fetch("/list-pods")).status, 401);
    assert.equal((await fn.fetch("/list-pods", { headers: bearer("alertmanager-token") })).status, 403);
  });

  test("prints ages like kubectl: the two largest units", () => {
    assert.equal(formatAge(42), "42s");
    assert.equal(formatAge(3 * 60 + 5), "3m5s");
    assert.equal(formatAge(26 * 3600 + 120), "1d2h");
  });
});

// Its input compiles to the validation fast path, which must agree with zod on it.
const listPodsSeeds = [{}, { labelSelector: "app=x" }, { phase: "Running" }, { labelSelector: "", phase: "Failed" }, { phase: undefined }];

test("list-pods input: every value the fast check accepts, zod accepts and returns unchanged", () => {
  assertAgreesOnMutants("list-pods input", listPods.input!, listPodsSeeds);
});

test("list-pods input: the valid seeds pass the fast check", () => {
  assertSeedsPass(listPods.input!, listPodsSeeds);
});
