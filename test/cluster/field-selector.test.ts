/**
 * Field selectors as fields.ParseSelector parses them (terms sorted, split at the first operator,
 * values unescaped, nothing trimmed) and as each type's field label conversion (1.32) converts
 * them: pods' `spec.host` is `spec.nodeName`; Nodes, Namespaces and cluster-scoped custom
 * resources do not list `metadata.namespace`; pods' `status.podIPs` is listed but never set,
 * ReplicationControllers select on `status.replicas`, PersistentVolumes have the default's two.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { clusterWithNamespaces, pod, type TestCluster } from "./helpers.js";

const PODS = "/api/v1/namespaces/fs/pods";

function badRequest(message: string): Record<string, unknown> {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason: "BadRequest", code: 400 };
}

describe("field selectors", () => {
  let t: TestCluster;
  const list = (path: string, selector: string) => t.send("GET", `${path}?fieldSelector=${encodeURIComponent(selector)}`);
  before(async () => {
    t = await clusterWithNamespaces("fs");
    const placed = { ...pod("placed"), spec: { nodeName: "n1", containers: [{ name: "main", image: "busybox" }] } };
    assert.equal((await t.send("POST", PODS, { body: placed })).status, 201);
    assert.equal((await t.send("POST", PODS, { body: pod("free") })).status, 201);
    t.cluster.createResourceType({ group: "example.com", version: "v1", resource: "gadgets", kind: "Gadget", namespaced: false });
  });
  after(() => t.close());

  test("an unescaped '=' in a value is UnescapedRune's 400 (the rune printed as a number)", async () => {
    const answer = await list(PODS, "metadata.name=a=b");
    assert.equal(answer.status, 400);
    assert.deepEqual(answer.body, badRequest("invalid field selector: unescaped character in value: 61"));
    assert.deepEqual((await list(PODS, "metadata.name=a\\x")).body, badRequest("invalid field selector: invalid escape sequence: \\x"));
    assert.deepEqual((await list(PODS, "metadata.name=a\\")).body, badRequest("invalid field selector: invalid escape sequence: \\"));
    // Escaped, '=' is data.
    assert.equal((await list(PODS, "metadata.name=a\\=b")).status, 200);
  });

  test("nothing is trimmed: a space is part of the label or the value", async () => {
    assert.deepEqual((await list(PODS, " metadata.name=free")).body, badRequest("field label not supported:  metadata.name"));
    const spaced = await list(PODS, "metadata.name= free");
    assert.equal(spaced.status, 200);
    assert.deepEqual(spaced.body.items, []);
    assert.deepEqual((await list("/api/v1/namespaces/fs/configmaps", "metadata.name=x, data.k=v")).body, badRequest('" data.k" is not a known field selector: only "metadata.name", "metadata.namespace"'));
    assert.deepEqual((await list(PODS, "   ")).body, badRequest("invalid selector: '   '; can't understand '   '"));
  });

  test("terms are parsed sorted, then converted: the first error in that order is answered", async () => {
    assert.deepEqual((await list(PODS, "zzz=1,aaa=2")).body, badRequest("field label not supported: aaa"));
    assert.deepEqual((await list(PODS, "aaa=1,metadata.name=a=b")).body, badRequest("invalid field selector: unescaped character in value: 61"));
  });

  test("pods' spec.host selects on spec.nodeName", async () => {
    const answer = await list(PODS, "spec.host=n1");
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body.items.map((p: { metadata: { name: string } }) => p.metadata.name), ["placed"]);
  });

  test("Nodes, Namespaces and cluster-scoped custom resources do not list metadata.namespace", async () => {
    assert.deepEqual((await list("/api/v1/nodes", "metadata.namespace=x")).body, badRequest("field label not supported: metadata.namespace"));
    assert.deepEqual((await list("/api/v1/namespaces", "metadata.namespace=x")).body, badRequest("field label not supported: metadata.namespace"));
    assert.deepEqual((await list("/apis/example.com/v1/gadgets", "metadata.namespace=x")).body, badRequest("field label not supported: metadata.namespace"));
    assert.deepEqual((await list("/apis/example.com/v1/gadgets", "spec.size=1")).body, badRequest("field label not supported: spec.size"));
    assert.equal((await list("/api/v1/namespaces", "metadata.name=fs")).status, 200);
    assert.equal((await list("/api/v1/secrets", "metadata.namespace=fs")).status, 200);
  });

  test("as pkg/apis/core/v1's conversions: pods' status.podIPs (always \"\"), ReplicationControllers' status.replicas, PersistentVolumes the default's two", async () => {
    const names = (answer: { body: { items: { metadata: { name: string } }[] } }) => answer.body.items.map((i) => i.metadata.name);
    // Listed among the labels, never in ToSelectableFields' set: it reads "" whatever the pod's IPs.
    const ips = { status: { podIP: "10.0.0.1", podIPs: [{ ip: "10.0.0.1" }] } };
    assert.equal((await t.send("PATCH", `${PODS}/placed/status`, { body: ips, contentType: "application/merge-patch+json" })).status, 200);
    assert.deepEqual(names(await list(PODS, "status.podIP=10.0.0.1")), ["placed"]);
    assert.deepEqual(names(await list(PODS, "status.podIPs=")), ["free", "placed"]);
    assert.deepEqual(names(await list(PODS, "status.podIPs=10.0.0.1")), []);
    const template = { metadata: { labels: { app: "old" } }, spec: { containers: [{ name: "main", image: "nginx" }] } };
    assert.equal((await t.send("POST", "/api/v1/namespaces/fs/replicationcontrollers", { body: { apiVersion: "v1", kind: "ReplicationController", metadata: { name: "old" }, spec: { template } } })).status, 201);
    assert.deepEqual(names(await list("/api/v1/namespaces/fs/replicationcontrollers", "status.replicas=0")), ["old"]);
    assert.deepEqual(names(await list("/api/v1/namespaces/fs/replicationcontrollers", "status.replicas!=0")), []);
    assert.deepEqual((await list("/api/v1/namespaces/fs/replicationcontrollers", "spec.replicas=1")).body, badRequest("field label not supported: spec.replicas"));
    const pv = { apiVersion: "v1", kind: "PersistentVolume", metadata: { name: "disk" }, spec: { capacity: { storage: "1Gi" }, accessModes: ["ReadWriteOnce"], hostPath: { path: "/data" } } };
    assert.equal((await t.send("POST", "/api/v1/persistentvolumes", { body: pv })).status, 201);
    assert.deepEqual(names(await list("/api/v1/persistentvolumes", "metadata.namespace=")), ["disk"]);
    assert.deepEqual(names(await list("/api/v1/persistentvolumes", "metadata.namespace=fs")), []);
    assert.deepEqual((await list("/api/v1/persistentvolumes", "spec.storageClassName=x")).body, badRequest('"spec.storageClassName" is not a known field selector: only "metadata.name", "metadata.namespace"'));
  });
});
