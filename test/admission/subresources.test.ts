/**
 * A webhook on a subresource: `pods/exec` reached by CONNECT (review() fills in the operation
 * and `subResource` from the rule), its handler reading the pod it is about by name with the
 * function's own rights, as a "no exec into production pods" policy does.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { defineFunction } from "../../runtime/function.js";
import { startHarness, type Deployed, type Harness } from "../../runtime/testing/index.js";

const noExecInProduction = defineFunction({
  name: "no-exec-in-production",
  admission: { type: "validating", rules: [{ operations: ["CONNECT"], resource: "pods/exec" }], failurePolicy: "Ignore" },
  permissions: [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }],
  async handler({ trigger, kube }) {
    const { name, namespace, subResource, operation } = trigger.request;
    const pod = await kube.pods.get(name!, { namespace: namespace! });
    if (pod.metadata?.labels?.env === "production") return { allowed: false, message: `${operation} ${subResource} into ${name}: not in production (env=production)` };
    return { allowed: true };
  },
});

const pod = (name: string, env: string) => ({ metadata: { name, labels: { env } }, spec: { containers: [{ name: "app", image: "nginx" }] } });
const execOptions = { apiVersion: "v1", kind: "PodExecOptions", stdin: true, tty: true, container: "app", command: ["sh"] };

describe("a webhook on pods/exec", () => {
  let h: Harness;
  let fn: Deployed;
  before(async () => {
    h = await startHarness();
    fn = await h.deploy(noExecInProduction);
    await fn.admin.pods.create(pod("api", "production"));
    await fn.admin.pods.create(pod("scratch", "dev"));
  });
  after(() => h.stop());

  test("a CONNECT to exec into a production pod is denied, naming the subresource; another pod's is allowed", async () => {
    const denied = await fn.review({ name: "api", object: execOptions });
    assert.equal(denied.called, true);
    assert.equal(denied.response.allowed, false);
    assert.equal(denied.response.status?.message, "CONNECT exec into api: not in production (env=production)");
    const allowed = await fn.review({ name: "scratch", object: execOptions });
    assert.equal(allowed.response.allowed, true);
  });
});
