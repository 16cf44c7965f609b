/**
 * A Namespace is the edge between cluster-scoped and namespaced objects: since 1.20
 * (kubernetes#95012) the API server names the namespace itself as the AdmissionRequest's
 * `namespace` on every operation on it (create, update, delete), as its authorization does. The
 * emulated cluster's requests and `review()`'s do too.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { defineFunction } from "../../runtime/function.js";
import { KubeApiError } from "../../runtime/kube/errors.js";
import { startHarness, type Deployed, type Harness } from "../../runtime/testing/index.js";

/** Refuses a probed namespace, saying what the request named. */
const sayNamespace = defineFunction({
  name: "say-namespace",
  admission: { type: "validating", rules: [{ operations: ["*"], resource: "namespaces" }], objectSelector: { matchLabels: { probe: "yes" } } },
  handler: ({ trigger }) => ({ allowed: false, message: `${trigger.request.operation} namespace=${JSON.stringify(trigger.request.namespace ?? null)} name=${JSON.stringify(trigger.request.name ?? null)}` }),
});

describe("a Namespace's admission request names the namespace itself", () => {
  let h: Harness;
  let fn: Deployed;
  before(async () => {
    h = await startHarness();
    fn = await h.deploy(sayNamespace);
    await h.admin.namespaces.create({ metadata: { name: "probed" } });
    await h.admin.namespaces.create({ metadata: { name: "doomed", labels: { probe: "yes" } } });
    await fn.registerWebhook();
  });
  after(() => h.stop());

  const refusal = async (write: Promise<unknown>) => {
    const error = await write.then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof KubeApiError, `refused: ${String(error)}`);
    return error.message.replace(/^.*denied the request: /s, "").replace(/ \(HTTP \d+\)$/, "");
  };

  test("on the emulated cluster: create, update and delete", async () => {
    assert.equal(await refusal(h.admin.namespaces.create({ metadata: { name: "fresh", labels: { probe: "yes" } } })), 'CREATE namespace="fresh" name="fresh"');
    assert.equal(await refusal(h.admin.namespaces.patch("probed", { metadata: { labels: { probe: "yes" } } })), 'UPDATE namespace="probed" name="probed"');
    assert.equal(await refusal(h.admin.namespaces.delete("doomed")), 'DELETE namespace="doomed" name="doomed"');
  });

  test("review(): a Namespace object's request names it", async () => {
    const ns = { apiVersion: "v1", kind: "Namespace", metadata: { name: "team-a", labels: { probe: "yes" } } };
    assert.equal((await fn.review({ object: ns })).response.status?.message, 'CREATE namespace="team-a" name="team-a"');
    assert.equal((await fn.review({ oldObject: ns })).response.status?.message, 'DELETE namespace="team-a" name="team-a"');
  });
});
