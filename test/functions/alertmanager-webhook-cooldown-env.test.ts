import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";

// own process: sets ALERTMANAGER_COOLDOWN_MINUTES, which the function reads once when it loads (scripts/run-tests.js).
// Read once when the module loads, as in a pod: set (empty, as a manifest with `value: ""` does) before the function is imported.
process.env.ALERTMANAGER_COOLDOWN_MINUTES = "";

const { bearer, json, startHarness } = await import("./helpers/harness.js");
const { seedDeployment } = await import("./helpers/objects.js");
const { notification } = await import("./helpers/alertmanager.js");

describe("alertmanager-webhook with ALERTMANAGER_COOLDOWN_MINUTES set but empty", () => {
  let h: Awaited<ReturnType<typeof startHarness>>;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.stop());

  test("keeps the default cool-down (an empty value is unset, not 0 minutes)", async () => {
    const fn = await h.deploy("alertmanager-webhook");
    await seedDeployment(fn.admin, "web");
    const alert = notification([{ fingerprint: "e1", labels: { action: "restart", namespace: fn.namespace, deployment: "web" } }]);
    const post = () => fn.fetch("/alertmanager-webhook", { method: "POST", headers: { ...bearer("alertmanager-token"), "content-type": "application/json" }, body: JSON.stringify(alert) });
    assert.equal((await json(await post())).results[0].outcome, "restarted");
    const again = (await json(await post())).results[0];
    assert.equal(again.outcome, "skipped");
    assert.match(again.reason, /^cool-down: /);
  });
});
