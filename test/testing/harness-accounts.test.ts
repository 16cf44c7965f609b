/**
 * `podfn/testing`: a call runs as the ServiceAccount of the workload that would make it in the
 * cluster, and only the accounts the manifests make exist: a function without a `cronjob`
 * schedule has no CronJob, so its `podfn run` is its HTTP Deployment's account's.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startHarness, type Harness } from "../../runtime/testing/index.js";
import { KubeNotFoundError } from "../../runtime/kube/index.js";
import { loaded } from "../schedule/helpers.js";

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.stop());

const whoami = { kubeApi: true, handler: async ({ kube }: { kube: { whoami(): Promise<{ username: string }> } }) => (await kube.whoami()).username };

test("run() of an HTTP-only function runs as its Deployment's account; no CronJob account is made", async () => {
  const fn = await h.deploy(loaded({ name: "http-only", http: { auth: "none" }, ...whoami }));
  assert.equal(await fn.run(), `system:serviceaccount:${fn.namespace}:http-only`);
  assert.equal(fn.users.cronJob, fn.users.deployment);
  await assert.rejects(fn.admin.serviceAccounts.get("http-only-cronjob"), KubeNotFoundError);
});

test("run() of a function with a CronJob runs as the CronJob's account", async () => {
  const fn = await h.deploy(loaded({ name: "served-and-scheduled", http: { auth: "none" }, schedule: { cron: "0 3 * * *" }, ...whoami }));
  assert.equal(await fn.run(), `system:serviceaccount:${fn.namespace}:served-and-scheduled-cronjob`);
  assert.equal(await fn.fireSchedule("0"), `system:serviceaccount:${fn.namespace}:served-and-scheduled-cronjob`);
});

test("a CronJob-only function has its CronJob's account alone, as the manifests make no Deployment for it", async () => {
  const fn = await h.deploy(loaded({ name: "cron-only", schedule: { cron: "0 3 * * *" }, permissions: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["list"] }], ...whoami }));
  const account = `system:serviceaccount:${fn.namespace}:cron-only-cronjob`;
  assert.equal(await fn.run(), account);
  assert.equal(await fn.fireSchedule("0"), account);
  assert.deepEqual(fn.users, { deployment: account, cronJob: account });
  assert.equal((await fn.kube.whoami()).username, account, "kube is the CronJob's client");
  assert.equal(fn.kube, fn.cronKube);
  await assert.rejects(fn.admin.serviceAccounts.get("cron-only"), KubeNotFoundError);
  await fn.kube.configMaps.listPage();
  assert.ok(fn.access().some((a) => a.resource === "configmaps" && a.verb === "list" && a.allowed));
});
