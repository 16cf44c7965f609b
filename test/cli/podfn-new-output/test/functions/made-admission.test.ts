import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startHarness, type Deployed, type Harness } from "podfn/testing";
import fn from "../../functions/made-admission.js";

describe("made-admission", () => {
  let h: Harness;
  let deployed: Deployed;
  before(async () => {
    h = await startHarness();
    deployed = await h.deploy(fn);
  });
  after(() => h.stop());

  const deployment = (labels: Record<string, string> = {}) => ({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", labels } });

  test("refuses a Deployment without an owner label, saying why", async () => {
    const { response } = await deployed.review({ object: deployment() });
    assert.equal(response.allowed, false);
    assert.match(response.status?.message ?? "", /owner label/);
  });

  test("lets a Deployment with an owner through", async () => {
    assert.equal((await deployed.review({ object: deployment({ owner: "payments" }) })).response.allowed, true);
  });

  test("registered with the cluster, it refuses a real write in a namespace that opts in", async () => {
    const webhook = await deployed.registerWebhook();
    await h.admin.namespaces.create({ metadata: { name: "apps", labels: { "example.com/require-owner": "true" } } });
    const apps = h.admin.with({ namespace: "apps" });
    const spec = { selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: "nginx:1.27" }] } } };
    await assert.rejects(apps.deployments.create({ metadata: { name: "web" }, spec }), /denied the request: a Deployment needs an owner label/);
    await apps.deployments.create({ metadata: { name: "web", labels: { owner: "payments" } }, spec });
    await webhook.stop();
  });
});
