/**
 * A Deployment's strategy as 1.32 validates it (Recreate takes no rollingUpdate; maxSurge and
 * maxUnavailable counts or percentages, not both 0, maxUnavailable at most 100%, each printed
 * as Go's `%#v` prints an IntOrString; an unknown type printed as Go prints the strategy), and the strategic merge's `$retainKeys`, which
 * kubectl sends to switch a strategy's type: the map keeps only the keys listed.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { clusterWithNamespaces, type TestCluster } from "./helpers.js";

const DEPLOY = "/apis/apps/v1/namespaces/ds/deployments";
const deployment = (name: string, strategy: unknown) => ({
  apiVersion: "apps/v1", kind: "Deployment", metadata: { name },
  spec: { selector: { matchLabels: { app: name } }, strategy, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "c", image: "nginx" }] } } },
});

describe("deployment strategy", () => {
  let t: TestCluster;
  before(async () => {
    t = await clusterWithNamespaces("ds");
  });
  after(() => t.close());

  test("each strategy mistake is refused in ValidateDeploymentStrategy's words", async () => {
    const cases: [unknown, string][] = [
      [{ type: "Recreate", rollingUpdate: { maxSurge: 1 } }, "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"],
      [{ type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } }, 'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0'],
      [{ type: "RollingUpdate", rollingUpdate: { maxUnavailable: "150%" } }, 'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"150%"}: must not be greater than 100%'],
      [{ rollingUpdate: { maxSurge: "5 percent" } }, "spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"5 percent\"}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"],
      [{ rollingUpdate: { maxSurge: -1 } }, "spec.strategy.rollingUpdate.maxSurge: Invalid value: -1: must be greater than or equal to 0"],
      [{ type: "Blue" }, 'spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:"Blue", RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: "Recreate", "RollingUpdate"'],
    ];
    for (const [i, [strategy, message]] of cases.entries()) {
      const refused = await t.send("POST", DEPLOY, { body: deployment(`bad-${i}`, strategy) });
      assert.equal(refused.status, 422, JSON.stringify(strategy));
      assert.equal(refused.body.message, `Deployment.apps "bad-${i}" is invalid: ${message}`);
    }
    const zeroText = await t.send("POST", DEPLOY, { body: deployment("zero-text", { rollingUpdate: { maxSurge: 0, maxUnavailable: "0" } }) });
    assert.match(zeroText.body.message, /maxUnavailable: Invalid value: intstr\.IntOrString\{Type:1, IntVal:0, StrVal:"0"\}: a valid percent string .*, spec\.strategy\.rollingUpdate\.maxUnavailable: Invalid value: .*: may not be 0 when `maxSurge` is 0/, "a string count is read as Atoi reads it");
    assert.equal((await t.send("POST", DEPLOY, { body: deployment("fine", { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: "100%" } }) })).status, 201);
    const empty = await t.send("POST", DEPLOY, { body: deployment("empty-type", { type: "" }) });
    assert.equal(empty.status, 201, "an empty type is defaulted to RollingUpdate");
    assert.deepEqual(empty.body.spec.strategy, { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" } });
  });

  test("$retainKeys drops what the new strategy type does not keep, as kubectl's apply asks; a key it does not list is 400", async () => {
    assert.equal((await t.send("POST", DEPLOY, { body: deployment("switch", { type: "RollingUpdate", rollingUpdate: { maxSurge: 1 } }) })).status, 201);
    const smp = { contentType: "application/strategic-merge-patch+json" };
    const switched = await t.send("PATCH", `${DEPLOY}/switch`, { body: { spec: { strategy: { $retainKeys: ["type"], type: "Recreate" } } }, ...smp });
    assert.equal(switched.status, 200, switched.text);
    assert.deepEqual(switched.body.spec.strategy, { type: "Recreate" });
    const unlisted = await t.send("PATCH", `${DEPLOY}/switch`, { body: { spec: { strategy: { $retainKeys: ["type"], type: "RollingUpdate", rollingUpdate: { maxSurge: 1 } } } }, ...smp });
    assert.equal(unlisted.status, 400);
    assert.equal(unlisted.body.message, "invalid patch format of retainKeys");
  });
});
