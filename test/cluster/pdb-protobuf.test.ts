/**
 * `kubectl create pdb` sends a policy/v1 PodDisruptionBudget as protobuf (its typed client): the
 * body is decoded as k8s.io/api policy/v1 generated.proto lays it out (spec: minAvailable 1,
 * selector 2, maxUnavailable 3, unhealthyPodEvictionPolicy 4). A hand-encoded body checks the
 * decoding; kubectl itself runs where it is installed.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { clusterWithNamespaces, type TestCluster } from "./helpers.js";

const run = promisify(execFile);
const hasKubectl = await run("kubectl", ["version", "--client"]).then(() => true, () => false);
const PDBS = "/apis/policy/v1/namespaces/pdb/poddisruptionbudgets";

/** A length-delimited field. */
function bytesField(no: number, value: Buffer | string): Buffer {
  const data = Buffer.isBuffer(value) ? value : Buffer.from(value);
  return Buffer.concat([Buffer.from([(no << 3) | 2, data.length]), data]);
}

/** A varint field (values under 128). */
function varintField(no: number, value: number): Buffer {
  return Buffer.from([no << 3, value]);
}

/** IntOrString as Go marshals it: type, intVal and strVal, zero or not. */
function intOrString(value: number | string): Buffer {
  return typeof value === "number"
    ? Buffer.concat([varintField(1, 0), varintField(2, value), bytesField(3, "")])
    : Buffer.concat([varintField(1, 1), varintField(2, 0), bytesField(3, value)]);
}

/** A PodDisruptionBudget in the k8s protobuf envelope, as client-go writes it. */
function pdbBody(name: string, spec: Buffer): Buffer {
  const meta = bytesField(1, name);
  const status = Buffer.concat([varintField(1, 0), varintField(3, 0), varintField(4, 0), varintField(5, 0), varintField(6, 0)]);
  const raw = Buffer.concat([bytesField(1, meta), bytesField(2, spec), bytesField(3, status)]);
  const typeMeta = Buffer.concat([bytesField(1, "policy/v1"), bytesField(2, "PodDisruptionBudget")]);
  return Buffer.concat([Buffer.from("k8s\u0000", "latin1"), bytesField(1, typeMeta), bytesField(2, raw)]);
}

describe("PodDisruptionBudget protobuf bodies", () => {
  let t: TestCluster;
  before(async () => {
    t = await clusterWithNamespaces("pdb");
  });
  after(() => t.close());

  test("a protobuf PodDisruptionBudget is decoded: minAvailable, selector, maxUnavailable, unhealthyPodEvictionPolicy", async () => {
    const selector = bytesField(1, Buffer.concat([bytesField(1, "app"), bytesField(2, "x")]));
    const min = pdbBody("min", Buffer.concat([bytesField(1, intOrString(1)), bytesField(2, selector)]));
    const created = await t.send("POST", PDBS, { body: min, contentType: "application/vnd.kubernetes.protobuf" });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(created.body.spec, { minAvailable: 1, selector: { matchLabels: { app: "x" } } });
    const max = pdbBody("max", Buffer.concat([bytesField(2, selector), bytesField(3, intOrString("50%")), bytesField(4, "AlwaysAllow")]));
    const second = await t.send("POST", PDBS, { body: max, contentType: "application/vnd.kubernetes.protobuf" });
    assert.equal(second.status, 201, second.text);
    assert.deepEqual(second.body.spec, { selector: { matchLabels: { app: "x" } }, maxUnavailable: "50%", unhealthyPodEvictionPolicy: "AlwaysAllow" });
  });

  test("kubectl create pdb", { skip: hasKubectl ? false : "kubectl is not on PATH" }, async () => {
    const dir = await mkdtemp(join(tmpdir(), "podfn-pdb-"));
    try {
      const kubeconfig = join(dir, "kubeconfig");
      await writeFile(kubeconfig, t.cluster.kubeconfig());
      const { stdout } = await run("kubectl", ["--kubeconfig", kubeconfig, "create", "pdb", "x", "--selector=app=x", "--min-available=1", "-n", "pdb"]);
      assert.match(stdout, /poddisruptionbudget.policy\/x created/);
      const stored = (await t.send("GET", `${PDBS}/x`)).body;
      assert.deepEqual(stored.spec, { minAvailable: 1, selector: { matchLabels: { app: "x" } } });
      assert.equal(stored.metadata.managedFields[0].manager, "kubectl-create");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
