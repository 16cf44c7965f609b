/**
 * TableOptions' `includeObject`, as 1.32's handlers/response.go asTable and
 * ValidateTableOptions have it: `Object` puts the whole object (in the resource's version) in
 * every row, `Metadata` or empty its PartialObjectMetadata, `None` null; any other value is a 400
 * `Unable to convert to Table as requested: ...` — after a get's 404, and before a watch's stream.
 * A request asking for no Table ignores the parameter. kubectl's `--sort-by` asks for `Object`.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { testCluster, type TestCluster } from "./helpers.js";

const run = promisify(execFile);
const hasKubectl = await run("kubectl", ["version", "--client"]).then(() => true, () => false);

const TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io";
const V1BETA1 = "application/json;as=Table;v=v1beta1;g=meta.k8s.io";
const PODS = "/api/v1/namespaces/ti/pods";
const BOGUS = `Unable to convert to Table as requested: includeObject: Invalid value: "bogus": must be 'Metadata', 'Object', 'None', or empty`;

const pod = (name: string, image: string) => ({ apiVersion: "v1", kind: "Pod", metadata: { name }, spec: { containers: [{ name: "main", image }] } });

describe("Table rows' object follows includeObject", () => {
  let t: TestCluster;
  const pods: Record<string, any> = {};

  before(async () => {
    t = await testCluster();
    assert.equal((await t.send("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "ti" } } })).status, 201);
    for (const [name, image] of [["a", "nginx:1.27"], ["b", "busybox:1.36"]] as const) {
      assert.equal((await t.send("POST", PODS, { body: pod(name, image) })).status, 201);
      pods[name] = (await t.send("GET", `${PODS}/${name}`)).body;
    }
  });
  after(() => t.close());

  test("Object: each row carries the whole object, with the resource's kind and apiVersion", async () => {
    const list = await t.send("GET", `${PODS}?includeObject=Object`, { accept: TABLE });
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.body.rows.map((r: any) => r.object), [pods.a, pods.b]);
    assert.deepEqual(Object.keys(list.body.rows[0].object).slice(0, 3), ["kind", "apiVersion", "metadata"]);
    const one = await t.send("GET", `${PODS}/b?includeObject=Object`, { accept: V1BETA1 });
    assert.equal(one.body.apiVersion, "meta.k8s.io/v1beta1");
    assert.deepEqual(one.body.rows[0].object, pods.b);
    const rs = await t.send("GET", "/apis/apps/v1/replicasets?includeObject=Object", { accept: TABLE });
    assert.deepEqual(rs.body.rows, []);
  });

  test("Metadata or empty: PartialObjectMetadata; None: null", async () => {
    for (const q of ["", "?includeObject=", "?includeObject=Metadata"]) {
      const res = await t.send("GET", `${PODS}${q}`, { accept: TABLE });
      assert.deepEqual(res.body.rows[0].object, { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: pods.a.metadata }, q);
    }
    const none = await t.send("GET", `${PODS}?includeObject=None`, { accept: TABLE });
    assert.equal(none.status, 200);
    assert.deepEqual(none.body.rows.map((r: any) => r.object), [null, null]);
    assert.match(none.text, /"object":null/);
  });

  test("any other value is the 400 of ValidateTableOptions; a missing object's 404 comes first", async () => {
    for (const path of [`${PODS}?includeObject=bogus`, `${PODS}/a?includeObject=bogus`, `${PODS}?watch=1&includeObject=bogus`]) {
      const res = await t.send("GET", path, { accept: TABLE });
      assert.equal(res.status, 400, path);
      assert.deepEqual(res.body, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: BOGUS, reason: "BadRequest", code: 400 });
    }
    assert.equal((await t.send("GET", `${PODS}/missing?includeObject=bogus`, { accept: TABLE })).status, 404);
    // No Table asked for: no TableOptions decoded.
    const plain = await t.send("GET", `${PODS}/a?includeObject=bogus`);
    assert.equal(plain.status, 200);
    assert.equal(plain.body.kind, "Pod");
  });

  test("kubectl get --sort-by sorts on the rows' objects", { skip: hasKubectl ? false : "kubectl is not on PATH" }, async () => {
    const dir = await mkdtemp(join(tmpdir(), "podfn-sortby-"));
    try {
      const kubeconfig = join(dir, "kubeconfig");
      await writeFile(kubeconfig, t.cluster.kubeconfig());
      const out = (await run("kubectl", ["--kubeconfig", kubeconfig, "get", "pods", "-n", "ti", "--sort-by=.spec.containers[0].image"])).stdout;
      assert.match(out, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\nb\s+0\/1\s+Pending\s+0\s+\S+\na\s+0\/1\s+Pending\s+0\s+\S+\n$/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
