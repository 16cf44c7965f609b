import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { bearer, json, startHarness, type Deployed, type Harness } from "./helpers/harness.js";
import whoami from "../../functions/whoami.js";
import { compileFastCheck } from "../../runtime/validate/compile.js";

describe("whoami", () => {
  let h: Harness;
  let fn: Deployed;
  before(async () => {
    h = await startHarness();
    fn = await h.deploy("whoami");
  });
  after(() => h.stop());

  test("answers the ServiceAccount it runs as and its namespace", async () => {
    const res = await fn.fetch("/whoami", { headers: bearer("api-token") });
    assert.equal(res.status, 200);
    const body = await json(res);
    assert.equal(body.username, `system:serviceaccount:${fn.namespace}:whoami`);
    assert.ok(body.groups.includes(`system:serviceaccounts:${fn.namespace}`));
    assert.equal(body.namespace, fn.namespace);
    assert.deepEqual(body.checks, []);
  });

  test("answers whether each listed permission is granted, as the RBAC of the cluster says", async () => {
    await fn.admin.roles.create({ metadata: { name: "scale-web" }, rules: [{ apiGroups: ["apps"], resources: ["deployments/scale"], verbs: ["patch"] }] });
    await fn.admin.roleBindings.create({
      metadata: { name: "scale-web" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "scale-web" },
      subjects: [{ kind: "ServiceAccount", name: "whoami", namespace: fn.namespace }],
    });
    const res = await fn.fetch(`/whoami?check=${encodeURIComponent("list pods, patch deployments.apps/scale")}&check=delete%20jobs.batch`, { headers: bearer("api-token") });
    assert.equal(res.status, 200);
    const { checks } = await json(res);
    assert.deepEqual(
      checks.map((c: { verb: string; resource: string; group: string; subresource?: string; allowed: boolean }) => [c.verb, c.group, c.resource, c.subresource ?? "", c.allowed]),
      [
        ["list", "", "pods", "", false],
        ["patch", "apps", "deployments", "scale", true],
        ["delete", "batch", "jobs", "", false],
      ],
    );
  });

  test("checks another namespace when asked", async () => {
    const res = await fn.fetch("/whoami?check=patch%20deployments.apps/scale&namespace=elsewhere", { headers: bearer("api-token") });
    const { checks } = await json(res);
    assert.equal(checks[0].namespace, "elsewhere");
    assert.equal(checks[0].allowed, false);
  });

  test("answers 400 naming the field when a check is not VERB RESOURCE", async () => {
    const res = await fn.fetch("/whoami?check=pods", { headers: bearer("api-token") });
    assert.equal(res.status, 400);
    const body = await json(res);
    assert.ok(body.error.issues.some((i: { path: string }) => i.path === "check"), JSON.stringify(body));
  });

  test("refuses callers without the api-token: 401 without a token, 403 with a wrong one", async () => {
    assert.equal((await fn.fetch("/whoami")).status, 401);
    assert.equal((await fn.fetch("/whoami", { headers: { authorization: "Bearer wrong" } })).status, 403);
  });
});

test("the whoami input (a transform and a pipe) compiles to no fast check: zod alone validates it", () => {
  assert.equal(compileFastCheck(whoami.input), undefined);
});
