import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { bearer, json, startHarness, type Deployed, type Harness } from "./helpers/harness.js";
import { seedDeployment } from "./helpers/objects.js";
import { notification, type AlertSeed } from "./helpers/alertmanager.js";
import alertmanagerWebhook, { RESTARTED_FOR } from "../../functions/alertmanager-webhook.js";
import { compileFastCheck } from "../../runtime/validate/compile.js";

const RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";

describe("alertmanager-webhook", () => {
  let h: Harness;
  let fn: Deployed;
  before(async () => {
    h = await startHarness();
  });
  beforeEach(async () => {
    fn = await h.deploy("alertmanager-webhook");
    await seedDeployment(fn.admin, "web");
  });
  after(() => h.stop());

  const post = (body: unknown, headers: Record<string, string> = bearer("alertmanager-token")) =>
    fn.fetch("/alertmanager-webhook", { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify(body) });
  const restartAlert = (fingerprint: string, labels: Record<string, string> = {}): AlertSeed => ({
    fingerprint,
    labels: { action: "restart", namespace: fn.namespace, deployment: "web", ...labels },
  });

  test("restarts the Deployment a firing restart alert names, as kubectl rollout restart does", async () => {
    const res = await post(notification([restartAlert("a1")]));
    assert.equal(res.status, 200);
    assert.deepEqual(await json(res), { results: [{ fingerprint: "a1", namespace: fn.namespace, deployment: "web", outcome: "restarted" }] });
    const web = await fn.admin.deployments.get("web");
    assert.match(web.spec?.template?.metadata?.annotations?.[RESTARTED_AT] ?? "", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.match(web.metadata?.annotations?.[RESTARTED_FOR] ?? "", /^a1@/);
  });

  test("restarts at most once within the cool-down, even when Alertmanager re-sends", async () => {
    assert.equal((await post(notification([restartAlert("a1")]))).status, 200);
    const first = await fn.admin.deployments.get("web");
    const again = await json(await post(notification([restartAlert("a1")])));
    assert.equal(again.results[0].outcome, "skipped");
    assert.match(again.results[0].reason, /^cool-down: restarted for a1 at /);
    const second = await fn.admin.deployments.get("web");
    assert.equal(second.spec?.template?.metadata?.annotations?.[RESTARTED_AT], first.spec?.template?.metadata?.annotations?.[RESTARTED_AT]);
    assert.equal(second.metadata?.generation, first.metadata?.generation);
  });

  test("of concurrent deliveries of one alert, exactly one restarts", async () => {
    const results = await Promise.all([1, 2, 3].map(async () => (await json(await post(notification([restartAlert("a1")])))).results[0].outcome));
    assert.deepEqual(results.sort(), ["restarted", "skipped", "skipped"]);
  });

  test("a delivery whose writes fail records no cool-down without the restart: Alertmanager's re-delivery restarts", async () => {
    const user = `system:serviceaccount:${fn.namespace}:alertmanager-webhook`;
    // Each write the function may use fails once (a restarted API server, say).
    const faults = ["update", "patch"].map((verb) => h.cluster.inject({ match: { verb, resource: "deployments", name: "web", user }, status: 500, times: 1 }));
    try {
      let res = await post(notification([restartAlert("f1")]));
      for (let delivery = 2; res.status !== 200 && delivery <= 3; delivery++) res = await post(notification([restartAlert("f1")]));
      assert.equal(res.status, 200);
      assert.equal((await json(res)).results[0].outcome, "restarted");
      const web = await fn.admin.deployments.get("web");
      assert.match(web.spec?.template?.metadata?.annotations?.[RESTARTED_AT] ?? "", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.match(web.metadata?.annotations?.[RESTARTED_FOR] ?? "", /^f1@/);
    } finally {
      for (const remove of faults) remove();
    }
  });

  test("declares get and update on Deployments only (the restart is part of the update)", () => {
    assert.deepEqual(fn.fn.permissions.map((p) => p.verbs), [["get", "update"]]);
  });

  test("restarts again once the cool-down recorded on the Deployment has passed", async () => {
    const longAgo = new Date(Date.now() - 11 * 60_000).toISOString();
    await fn.admin.deployments.patch("web", { metadata: { annotations: { [RESTARTED_FOR]: `old@${longAgo}` } } });
    const { results } = await json(await post(notification([restartAlert("a2")])));
    assert.equal(results[0].outcome, "restarted");
  });

  test("skips resolved alerts, alerts without the restart labels, other namespaces and missing Deployments", async () => {
    const res = await post(
      notification([
        { ...restartAlert("r1"), status: "resolved" },
        { fingerprint: "n1", labels: { namespace: fn.namespace, deployment: "web" } },
        restartAlert("o1", { namespace: "kube-system" }),
        restartAlert("m1", { deployment: "missing" }),
      ]),
    );
    const { results } = await json(res);
    assert.deepEqual(
      results.map((r: { fingerprint: string; outcome: string; reason: string }) => [r.fingerprint, r.outcome, r.reason]),
      [
        ["r1", "skipped", "resolved"],
        ["n1", "skipped", "not a restart alert (needs labels action=restart, namespace, deployment)"],
        ["o1", "skipped", "namespace kube-system is not allowed (ALERTMANAGER_ALLOWED_NAMESPACES)"],
        ["m1", "skipped", "deployment not found"],
      ],
    );
    const web = await fn.admin.deployments.get("web");
    assert.equal(web.spec?.template?.metadata?.annotations?.[RESTARTED_AT], undefined);
  });

  test("in a dry run, restarts nothing and records nothing", async () => {
    const res = await fn.fetch("/alertmanager-webhook?dryRun=true", { method: "POST", headers: { ...bearer("alertmanager-token"), "content-type": "application/json" }, body: JSON.stringify(notification([restartAlert("d1")])) });
    assert.equal((await json(res)).results[0].outcome, "restarted");
    const web = await fn.admin.deployments.get("web");
    assert.equal(web.spec?.template?.metadata?.annotations?.[RESTARTED_AT], undefined);
    assert.equal(web.metadata?.annotations?.[RESTARTED_FOR], undefined);
  });

  test("answers 400 naming the field of a payload that is not version 4", async () => {
    const res = await post({ ...notification([restartAlert("v1")]), version: "3" });
    assert.equal(res.status, 400);
    assert.ok((await json(res)).error.issues.some((i: { path: string }) => i.path === "version"));
  });

  test("refuses callers without the alertmanager-token", async () => {
    assert.equal((await post(notification([restartAlert("x")]), {})).status, 401);
    assert.equal((await post(notification([restartAlert("x")]), bearer("api-token"))).status, 403);
  });
});

test("the alertmanager-webhook input (defaults, records) compiles to no fast check: zod alone validates it", () => {
  assert.equal(compileFastCheck(alertmanagerWebhook.input), undefined);
});
