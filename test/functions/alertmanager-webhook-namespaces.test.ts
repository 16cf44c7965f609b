import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";

// own process: sets ALERTMANAGER_ALLOWED_NAMESPACES, which the function reads once when it loads (scripts/run-tests.js).
// Read once when the module loads, as in a pod: set before the function is imported.
process.env.ALERTMANAGER_ALLOWED_NAMESPACES = "team-a, team-b";

const { bearer, json, ensureNamespace, startHarness } = await import("./helpers/harness.js");
const { seedDeployment } = await import("./helpers/objects.js");
const { notification } = await import("./helpers/alertmanager.js");

describe("alertmanager-webhook with ALERTMANAGER_ALLOWED_NAMESPACES", () => {
  let h: Awaited<ReturnType<typeof startHarness>>;
  before(async () => {
    h = await startHarness();
    for (const ns of ["team-a", "team-b"]) await ensureNamespace(h.admin, ns);
  });
  after(() => h.stop());

  test("declares its permissions in exactly the allowed namespaces", async () => {
    const fn = await h.deploy("alertmanager-webhook");
    assert.deepEqual(fn.fn.permissions.map((p) => p.namespace), ["team-a", "team-b"]);
  });

  test("restarts Deployments of the allowed namespaces only, its own included only when listed", async () => {
    const fn = await h.deploy("alertmanager-webhook");
    await seedDeployment(h.admin.with({ namespace: "team-a" }), "api");
    await seedDeployment(fn.admin, "web");
    const body = notification([
      { fingerprint: "a", labels: { action: "restart", namespace: "team-a", deployment: "api" } },
      { fingerprint: "b", labels: { action: "restart", namespace: fn.namespace, deployment: "web" } },
    ]);
    const res = await fn.fetch("/alertmanager-webhook", { method: "POST", headers: { ...bearer("alertmanager-token"), "content-type": "application/json" }, body: JSON.stringify(body) });
    const { results } = await json(res);
    assert.deepEqual(results.map((r: { outcome: string }) => r.outcome), ["restarted", "skipped"]);
    const api = await h.admin.deployments.get("api", { namespace: "team-a" });
    assert.ok(api.spec?.template?.metadata?.annotations?.["kubectl.kubernetes.io/restartedAt"]);
  });
});
