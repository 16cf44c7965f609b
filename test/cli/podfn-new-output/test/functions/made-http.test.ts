import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startHarness, type Deployed, type Harness } from "podfn/testing";
import fn from "../../functions/made-http.js";

describe("made-http", () => {
  let h: Harness;
  let deployed: Deployed;
  before(async () => {
    h = await startHarness();
    deployed = await h.deploy(fn);
    for (const pod of ["web-1", "web-2", "batch-1"]) {
      await deployed.admin.pods.create({ metadata: { name: pod }, spec: { containers: [{ name: "main", image: "busybox:1.36" }] } });
    }
  });
  after(() => h.stop());

  const post = (body: unknown, headers: Record<string, string> = deployed.authHeaders()) =>
    deployed.fetch("/made-http", { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify(body) });

  test("counts the pods whose names start with the prefix, by phase", async () => {
    const res = await post({ prefix: "web-" });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { namespace: deployed.namespace, phases: { Pending: 2 } });
  });

  test("refuses a caller without the token", async () => {
    assert.equal((await post({}, {})).status, 401);
  });

  test("answers 400 naming a misspelt field", async () => {
    const res = await post({ prefx: "web-" });
    assert.equal(res.status, 400);
    assert.match(JSON.stringify(await res.json()), /prefx/);
  });
});
