/**
 * A DELETE's DeleteOptions sent as protobuf, as kubectl's typed clients send them (under their
 * own group version: `v1`, `rbac.authorization.k8s.io/v1`...): decoded, not answered 415, so
 * `kubectl auth reconcile` (a changed roleRef deletes and recreates the binding) and `kubectl
 * drain --disable-eviction` work. The kubectl cases are skipped without kubectl on PATH.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { writeFile } from "node:fs/promises";
import { decodeProtobuf } from "../../runtime/testing/cluster/protobuf.js";
import { kubectlCluster, type KubectlCluster } from "./helpers.js";

const run = promisify(execFile);
const hasKubectl = await run("kubectl", ["version", "--client"]).then(() => true, () => false);
const PROTOBUF = "application/vnd.kubernetes.protobuf";

/** A length-delimited protobuf field. */
function bytesField(no: number, value: Buffer | string): Buffer {
  const data = Buffer.from(value);
  return Buffer.concat([Buffer.from([(no << 3) | 2, data.length]), data]);
}
const varintField = (no: number, value: number) => Buffer.from([no << 3, value]);

/** The `k8s\0` envelope (runtime.Unknown) around a DeleteOptions of `apiVersion`. */
function envelope(apiVersion: string, raw: Buffer): Buffer {
  const typeMeta = Buffer.concat([bytesField(1, apiVersion), bytesField(2, "DeleteOptions")]);
  return Buffer.concat([Buffer.from("k8s\u0000", "latin1"), bytesField(1, typeMeta), bytesField(2, raw), bytesField(3, ""), bytesField(4, "")]);
}

describe("protobuf DeleteOptions", () => {
  test("decodes what kubectl drain --disable-eviction --grace-period=7 sent (kubectl v1.32.4)", () => {
    const sent = Buffer.from("6b3873000a130a027631120d44656c6574654f7074696f6e73120208071a002200", "hex");
    assert.deepEqual(decodeProtobuf(sent), { kind: "DeleteOptions", apiVersion: "v1", gracePeriodSeconds: 7 });
  });

  test("decodes every field, under any group version, pointers' zero values kept", () => {
    const raw = Buffer.concat([
      varintField(1, 0),
      bytesField(2, Buffer.concat([bytesField(1, "u-1"), bytesField(2, "42")])),
      varintField(3, 0),
      bytesField(4, "Foreground"),
      bytesField(5, "All"),
      varintField(6, 1),
    ]);
    assert.deepEqual(decodeProtobuf(envelope("rbac.authorization.k8s.io/v1", raw)), {
      kind: "DeleteOptions",
      apiVersion: "rbac.authorization.k8s.io/v1",
      gracePeriodSeconds: 0,
      preconditions: { uid: "u-1", resourceVersion: "42" },
      orphanDependents: false,
      propagationPolicy: "Foreground",
      dryRun: ["All"],
      ignoreStoreReadErrorWithClusterBreakingPotential: true,
    });
    assert.equal(decodeProtobuf(envelope("meta.k8s.io/v1", Buffer.alloc(0))).kind, "DeleteOptions");
  });

  describe("against the emulated cluster", () => {
    let t: KubectlCluster;
    before(async () => {
      t = await kubectlCluster();
    });
    after(() => t.close());

    test("a protobuf body's dryRun and preconditions are honoured", async () => {
      const cm = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "keep" } };
      assert.equal((await t.send("POST", "/api/v1/namespaces/default/configmaps", { body: cm })).status, 201);
      const dry = await t.send("DELETE", "/api/v1/namespaces/default/configmaps/keep", { body: envelope("v1", bytesField(5, "All")), contentType: PROTOBUF });
      assert.equal(dry.status, 200, dry.text);
      assert.equal((await t.send("GET", "/api/v1/namespaces/default/configmaps/keep")).status, 200);
      const stale = await t.send("DELETE", "/api/v1/namespaces/default/configmaps/keep", { body: envelope("v1", bytesField(2, bytesField(1, "not-its-uid"))), contentType: PROTOBUF });
      assert.equal(stale.status, 409, stale.text);
      const gone = await t.send("DELETE", "/api/v1/namespaces/default/configmaps/keep", { body: envelope("v1", Buffer.alloc(0)), contentType: PROTOBUF });
      assert.equal(gone.status, 200, gone.text);
    });

    test("kubectl auth reconcile recreates a binding whose roleRef changed", { skip: hasKubectl ? false : "kubectl is not on PATH" }, async () => {
      await t.kubectl("create", "role", "r1", "--verb=get", "--resource=pods");
      await t.kubectl("create", "rolebinding", "rb1", "--role=r1", "--user=alice");
      const file = join(t.dir, "rb1.yaml");
      await writeFile(file, `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rb1, namespace: default}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}]
`);
      assert.match(await t.kubectl("auth", "reconcile", "-f", file), /rolebinding.rbac.authorization.k8s.io\/rb1 reconciled/);
      const rb = JSON.parse(await t.kubectl("get", "rolebinding", "rb1", "-o", "json"));
      assert.deepEqual(rb.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" });
    });

    test("kubectl drain --disable-eviction deletes the node's pods", { skip: hasKubectl ? false : "kubectl is not on PATH" }, async () => {
      assert.equal((await t.send("POST", "/api/v1/nodes", { body: { apiVersion: "v1", kind: "Node", metadata: { name: "n1" } } })).status, 201);
      const pb = { apiVersion: "v1", kind: "Pod", metadata: { name: "pb" }, spec: { nodeName: "n1", containers: [{ name: "c", image: "busybox" }] } };
      assert.equal((await t.send("POST", "/api/v1/namespaces/default/pods", { body: pb })).status, 201);
      const out = await run("kubectl", ["--kubeconfig", t.kubeconfig, "drain", "n1", "--disable-eviction", "--force", "--timeout=20s"]);
      assert.match(out.stdout, /pod\/pb deleted\nnode\/n1 drained/);
      assert.equal((await t.send("GET", "/api/v1/namespaces/default/pods/pb")).status, 404);
    });
  });
});
