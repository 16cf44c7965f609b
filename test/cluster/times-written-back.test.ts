/**
 * Times are stored as Go values and written back as `MarshalJSON` writes them: a `metav1.Time`
 * in UTC to the second (an offset applied, a fraction dropped), a `metav1.MicroTime` in UTC with
 * six digits. A client comparing what it wrote with what it reads (a Lease's renewTime) sees on
 * the emulator what a real server shows it.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { clusterWithNamespaces, type TestCluster } from "./helpers.js";

describe("times written back", () => {
  let t: TestCluster;
  before(async () => {
    t = await clusterWithNamespaces("tw");
  });
  after(() => t.close());

  test("a Lease's MicroTimes in UTC with six digits, as created and as patched", async () => {
    const lease = { apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name: "l" }, spec: { holderIdentity: "a", renewTime: "2024-06-01T12:00:00.123456+02:00", acquireTime: "2024-06-01T10:00:00.000001Z" } };
    const created = await t.send("POST", "/apis/coordination.k8s.io/v1/namespaces/tw/leases", { body: lease });
    assert.equal(created.status, 201);
    assert.deepEqual([created.body.spec.renewTime, created.body.spec.acquireTime], ["2024-06-01T10:00:00.123456Z", "2024-06-01T10:00:00.000001Z"]);
    const patched = await t.send("PATCH", "/apis/coordination.k8s.io/v1/namespaces/tw/leases/l", { body: { spec: { renewTime: "2024-06-01T05:00:00.500000-05:00" } }, contentType: "application/merge-patch+json" });
    assert.equal(patched.body.spec.renewTime, "2024-06-01T10:00:00.500000Z");
    assert.equal((await t.send("GET", "/apis/coordination.k8s.io/v1/namespaces/tw/leases/l")).body.spec.renewTime, "2024-06-01T10:00:00.500000Z");
  });

  test("a Job's status Times in UTC to the second", async () => {
    const job = { apiVersion: "batch/v1", kind: "Job", metadata: { name: "j" }, spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox" }] } } } };
    assert.equal((await t.send("POST", "/apis/batch/v1/namespaces/tw/jobs", { body: job })).status, 201);
    const status = await t.send("PATCH", "/apis/batch/v1/namespaces/tw/jobs/j/status", { body: { status: { startTime: "2024-06-01T12:00:00.987+02:00" } }, contentType: "application/merge-patch+json" });
    assert.equal(status.status, 200);
    assert.equal(status.body.status.startTime, "2024-06-01T10:00:00Z");
  });
});
