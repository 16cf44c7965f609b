/**
 * kube-controller-manager keeps each namespace's `default` ServiceAccount and `kube-root-ca.crt`
 * ConfigMap, not only when the namespace is created: the ServiceAccount controller re-creates a
 * deleted `default` in an active namespace, and the root CA publisher re-creates a deleted
 * `kube-root-ca.crt` and, when it is edited, resets its `data` to the CA alone and sets its
 * description annotation, keeping its other fields (syncNamespace's Update, recorded under
 * `kube-controller-manager`). Inline when no admission webhook matches: done by the time the
 * delete or edit is answered.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { clusterWithNamespaces, type TestCluster } from "./helpers.js";

const NS = "/api/v1/namespaces/keep";
const DESCRIPTION = "kubernetes.io/description";

describe("the controllers keeping a namespace's default ServiceAccount and kube-root-ca.crt", () => {
  let t: TestCluster;
  before(async () => {
    t = await clusterWithNamespaces("keep");
  });
  after(() => t.close());

  test("a deleted default ServiceAccount is created again (a new uid)", async () => {
    const before = (await t.send("GET", `${NS}/serviceaccounts/default`)).body;
    assert.equal((await t.send("DELETE", `${NS}/serviceaccounts/default`)).status, 200);
    const again = await t.send("GET", `${NS}/serviceaccounts/default`);
    assert.equal(again.status, 200);
    assert.notEqual(again.body.metadata.uid, before.metadata.uid);
  });

  test("a deleted kube-root-ca.crt is published again", async () => {
    assert.equal((await t.send("DELETE", `${NS}/configmaps/kube-root-ca.crt`)).status, 200);
    const again = await t.send("GET", `${NS}/configmaps/kube-root-ca.crt`);
    assert.equal(again.status, 200);
    assert.deepEqual(again.body.data, { "ca.crt": t.cluster.caPem });
    assert.ok(again.body.metadata.annotations[DESCRIPTION]);
  });

  test("an edited kube-root-ca.crt gets its data and description back; its labels, other annotations and binaryData stay", async () => {
    const cm = (await t.send("GET", `${NS}/configmaps/kube-root-ca.crt`)).body;
    const edited = {
      ...cm,
      metadata: { ...cm.metadata, labels: { team: "a" }, annotations: { "example.com/note": "mine" } },
      data: { "ca.crt": "not a CA", extra: "x" },
      binaryData: { blob: Buffer.from("b").toString("base64") },
    };
    const put = await t.send("PUT", `${NS}/configmaps/kube-root-ca.crt`, { body: edited });
    assert.equal(put.status, 200);
    assert.equal(put.body.data["ca.crt"], "not a CA", "the PUT answers its own write");
    const now = (await t.send("GET", `${NS}/configmaps/kube-root-ca.crt`)).body;
    assert.deepEqual(now.data, { "ca.crt": t.cluster.caPem });
    assert.deepEqual(now.metadata.labels, { team: "a" });
    assert.equal(now.metadata.annotations["example.com/note"], "mine");
    assert.ok(now.metadata.annotations[DESCRIPTION]);
    assert.deepEqual(now.binaryData, edited.binaryData);
    assert.ok(Number(now.metadata.resourceVersion) > Number(put.body.metadata.resourceVersion));
    const publisher = now.metadata.managedFields.find((e: any) => e.manager === "kube-controller-manager" && e.operation === "Update" && e.fieldsV1["f:data"]);
    assert.ok(publisher?.fieldsV1["f:data"]["f:ca.crt"], JSON.stringify(now.metadata.managedFields));
  });

  test("an edit that leaves the data and a description alone is not written over", async () => {
    const cm = (await t.send("GET", `${NS}/configmaps/kube-root-ca.crt`)).body;
    const put = await t.send("PUT", `${NS}/configmaps/kube-root-ca.crt`, { body: { ...cm, metadata: { ...cm.metadata, annotations: { ...cm.metadata.annotations, [DESCRIPTION]: "ours" } } } });
    const now = (await t.send("GET", `${NS}/configmaps/kube-root-ca.crt`)).body;
    assert.equal(now.metadata.resourceVersion, put.body.metadata.resourceVersion);
    assert.equal(now.metadata.annotations[DESCRIPTION], "ours");
  });
});
