/**
 * Warning header of 1.32's Job storage (pkg/registry/batch/job/storage/storage.go, REST.Delete
 * and REST.DeleteCollection, since kubernetes#104080): a batch/v1 Job DELETE, or a
 * deletecollection, with neither `propagationPolicy` nor `orphanDependents` orphans the Job's
 * pods (the type's default) and says so, `Warning: 299 - "child pods are preserved by default
 * when jobs are deleted; ..."`, whatever the answer (a 404 too: the warning is added before the
 * store's delete). With either option given, or `kubectl delete job` (Background), it is quiet. A
 * function deleting Jobs without a policy then sees in its tests the warning a real server sends.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { testCluster, type TestCluster } from "./helpers.js";

const JOBS = "/apis/batch/v1/namespaces/jd/jobs";
const TEXT = "child pods are preserved by default when jobs are deleted; set propagationPolicy=Background to remove them or set propagationPolicy=Orphan to suppress this warning";
const job = (name: string) => ({ apiVersion: "batch/v1", kind: "Job", metadata: { name }, spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox:1.36" }] } } } });

describe("Job delete without a propagation policy", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
    await t.send("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "jd" } } });
    for (const name of ["a", "b", "c", "d", "e"]) assert.equal((await t.send("POST", JOBS, { body: job(name) })).status, 201);
  });
  after(() => t.close());

  test("a DELETE with no policy warns; a dry run and a missing Job too", async () => {
    const dry = await t.send("DELETE", `${JOBS}/a?dryRun=All`);
    assert.equal(dry.status, 200, dry.text);
    assert.equal(dry.headers.warning, `299 - "${TEXT}"`);
    const res = await t.send("DELETE", `${JOBS}/a`);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers.warning, `299 - "${TEXT}"`);
    const missing = await t.send("DELETE", `${JOBS}/nope`);
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.warning, `299 - "${TEXT}"`);
  });

  test("a policy or orphanDependents, in the query or the body, is quiet", async () => {
    for (const [path, body] of [[`${JOBS}/b?propagationPolicy=Background`, undefined], [`${JOBS}/c?orphanDependents=true`, undefined], [`${JOBS}/d`, { kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: "Orphan" }]] as const) {
      const res = await t.send("DELETE", path, body ? { body } : {});
      assert.equal(res.status, 200, res.text);
      assert.equal(res.headers.warning, undefined, path);
    }
  });

  test("a deletecollection with no policy warns; with one it is quiet", async () => {
    const quiet = await t.send("DELETE", `${JOBS}?labelSelector=none%3Dnone&propagationPolicy=Background`);
    assert.equal(quiet.status, 200, quiet.text);
    assert.equal(quiet.headers.warning, undefined);
    const res = await t.send("DELETE", JOBS);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers.warning, `299 - "${TEXT}"`);
  });

  test("other kinds' deletes are quiet", async () => {
    await t.send("POST", "/api/v1/namespaces/jd/configmaps", { body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cm" } } });
    const res = await t.send("DELETE", "/api/v1/namespaces/jd/configmaps/cm");
    assert.equal(res.status, 200);
    assert.equal(res.headers.warning, undefined);
  });
});
