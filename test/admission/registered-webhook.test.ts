/**
 * A deployed function's `registerWebhook()`: the emulated cluster calls its webhook on the
 * writes its rules match in other namespaces (a refusal arrives as the API server's Status, a
 * mutating change is stored), never in the function's own namespace (the generated
 * namespaceSelector leaves it out), and after `stop()` the writes go through unreviewed.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { defineFunction } from "../../runtime/function.js";
import { KubeApiError } from "../../runtime/kube/errors.js";
import { startHarness, type Deployed, type Harness, type RegisteredWebhook } from "../../runtime/testing/index.js";

const requireOwner = defineFunction({
  name: "require-owner",
  admission: { type: "validating", rules: [{ operations: ["CREATE", "UPDATE"], resource: "configmaps" }] },
  handler: ({ trigger }) => (trigger.request.object?.metadata?.labels?.owner ? { allowed: true } : { allowed: false, message: "a ConfigMap needs an owner label" }),
});
const stampTeam = defineFunction({
  name: "stamp-team",
  admission: { type: "mutating", rules: [{ operations: ["CREATE"], resource: "secrets" }], failurePolicy: "Ignore" },
  handler: ({ trigger }) => {
    const secret = trigger.request.object!;
    return { allowed: true, object: { ...secret, metadata: { ...secret.metadata, labels: { ...secret.metadata?.labels, team: "ops" } } } };
  },
});

describe("registerWebhook()", () => {
  let h: Harness;
  let validating: Deployed;
  let mutating: Deployed;
  let registered: RegisteredWebhook;
  before(async () => {
    h = await startHarness();
    [validating, mutating] = await Promise.all([h.deploy(requireOwner), h.deploy(stampTeam)]);
    await h.admin.namespaces.create({ metadata: { name: "apps" } });
    registered = await validating.registerWebhook();
    await mutating.registerWebhook();
  });
  after(() => h.stop());

  const apps = () => h.admin.with({ namespace: "apps" });

  test("a write its rules match is refused with the API server's Status, quoting the webhook; an allowed one is stored", async () => {
    await assert.rejects(apps().configMaps.create({ metadata: { name: "bare" } }), (error: unknown) => error instanceof KubeApiError && error.message.includes(`admission webhook "${registered.name}" denied the request: a ConfigMap needs an owner label`));
    await apps().configMaps.create({ metadata: { name: "owned", labels: { owner: "payments" } } });
    assert.equal((await apps().configMaps.get("owned")).metadata?.labels?.owner, "payments");
  });

  test("a mutating webhook's change is in the stored object", async () => {
    const created = await apps().secrets.create({ metadata: { name: "token" }, stringData: { value: "x" } });
    assert.equal(created.metadata?.labels?.team, "ops");
  });

  test("the function's own namespace is never reviewed", async () => {
    await validating.admin.configMaps.create({ metadata: { name: "bare" } });
  });

  test("after stop() the writes go through unreviewed", async () => {
    await registered.stop();
    await apps().configMaps.create({ metadata: { name: "bare-later" } });
  });
});

test("a second webhook registered in one namespace is refused, naming the first, and may register once it stops", async () => {
  const h = await startHarness();
  try {
    const [a, b] = await Promise.all([h.deploy(requireOwner, { namespace: "hooks" }), h.deploy(stampTeam, { namespace: "hooks" })]);
    const first = await a.registerWebhook();
    await assert.rejects(b.registerWebhook(), /require-owner's webhook is registered in namespace hooks already/);
    await assert.rejects(a.registerWebhook(), /require-owner's webhook is registered already: stop\(\) it first/);
    await first.stop();
    await (await b.registerWebhook()).stop();
  } finally {
    await h.stop();
  }
});

test("a registration that fails leaves nothing behind (no Service, no configuration, no server), and may be tried again", async () => {
  const h = await startHarness();
  try {
    const fn = await h.deploy(requireOwner, { namespace: "hooks" });
    const release = h.cluster.inject({ match: { verb: "create", resource: "validatingwebhookconfigurations" }, status: 403, times: 1 });
    await assert.rejects(fn.registerWebhook(), (error: unknown) => error instanceof KubeApiError);
    release();
    assert.deepEqual((await fn.admin.services.listPage()).items.map((s) => s.metadata?.name), []);
    const configurations = h.admin.resource({ group: "admissionregistration.k8s.io", version: "v1", resource: "validatingwebhookconfigurations", namespaced: false, kind: "ValidatingWebhookConfiguration" });
    assert.deepEqual((await configurations.listPage()).items.map((c) => c.metadata?.name), []);
    await h.admin.namespaces.create({ metadata: { name: "apps" } });
    // Nothing of the failed one is called on writes: a bare ConfigMap goes through.
    await h.admin.with({ namespace: "apps" }).configMaps.create({ metadata: { name: "bare" } });
    const registered = await fn.registerWebhook();
    await assert.rejects(h.admin.with({ namespace: "apps" }).configMaps.create({ metadata: { name: "bare-2" } }), /needs an owner label/);
    await registered.stop();
  } finally {
    await h.stop();
  }
});
