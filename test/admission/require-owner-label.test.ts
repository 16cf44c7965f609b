/**
 * The admission webhook the README shows (require-owner-label, a fixture here: an example in
 * functions/ would make every deployment of the examples need cert-manager): refuses a
 * Deployment without an owner label, warns of pods without one, lets deletions through.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Deployment } from "kubernetes-types/apps/v1.js";
import { startHarness, type Deployed, type Harness } from "../../runtime/testing/index.js";
import requireOwnerLabel from "./fixtures/require-owner-label.js";

const deployment = (labels: Record<string, string> = {}, podLabels: Record<string, string> = {}): Deployment => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "apps", labels },
  spec: { selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web", ...podLabels } }, spec: { containers: [{ name: "web", image: "nginx" }] } } },
});

describe("require-owner-label", () => {
  let h: Harness;
  let fn: Deployed;
  before(async () => {
    h = await startHarness();
    fn = await h.deploy(requireOwnerLabel);
  });
  after(() => h.stop());

  test("refuses a Deployment without an owner label, saying how to add one", async () => {
    const { response } = await fn.review({ object: deployment() });
    assert.equal(response.allowed, false);
    assert.equal(response.status?.code, 403);
    assert.match(response.status?.message ?? "", /^Deployment web has no "owner" label: .*kubectl label deployment web owner=payments/);
  });

  test("allows one with the label, and warns when its pods have none", async () => {
    let { response } = await fn.review({ object: deployment({ owner: "payments" }, { owner: "payments" }) });
    assert.deepEqual([response.allowed, response.warnings], [true, undefined]);
    ({ response } = await fn.review({ operation: "UPDATE", object: deployment({ owner: "payments" }), oldObject: deployment() }));
    assert.equal(response.allowed, true);
    assert.deepEqual(response.warnings, ['the pod template of Deployment web has no "owner" label: its pods cannot be traced to payments']);
  });

  test("lets a Deployment being deleted through, labelled or not", async () => {
    const unlabelled = deployment();
    const going: Deployment = { ...unlabelled, metadata: { ...unlabelled.metadata, deletionTimestamp: "2026-01-01T00:00:00Z" } };
    assert.equal((await fn.review({ operation: "UPDATE", object: going, oldObject: going })).response.allowed, true);
  });

  test("needs no permission: it reads the review alone", async () => {
    await fn.review({ object: deployment() });
    assert.deepEqual(fn.access(), []);
    assert.deepEqual(fn.fn.permissions, []);
  });
});
