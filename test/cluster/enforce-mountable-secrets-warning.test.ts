/**
 * Warning header of 1.32's ServiceAccount strategy: a ServiceAccount created with the deprecated
 * `kubernetes.io/enforce-mountable-secrets` annotation (any value), or updated to newly carry it,
 * gets `Warning: 299 - "metadata.annotations[kubernetes.io/enforce-mountable-secrets]:
 * deprecated in v1.32+; ..."`; an update that keeps it is quiet. kubectl prints it (where
 * kubectl is installed).
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
const SAS = "/api/v1/namespaces/ms/serviceaccounts";
const TEXT = "metadata.annotations[kubernetes.io/enforce-mountable-secrets]: deprecated in v1.32+; prefer separate namespaces to isolate access to mounted secrets";
const account = (name: string, annotations?: Record<string, string>) => ({ apiVersion: "v1", kind: "ServiceAccount", metadata: { name, ...(annotations ? { annotations } : {}) } });
const MERGE = "application/merge-patch+json";

describe("enforce-mountable-secrets deprecation warning", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
    await t.send("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "ms" } } });
  });
  after(() => t.close());

  test("create with the annotation, whatever its value", async () => {
    const res = await t.send("POST", SAS, { body: account("a", { "kubernetes.io/enforce-mountable-secrets": "false" }) });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.headers.warning, `299 - "${TEXT}"`);
    const plain = await t.send("POST", SAS, { body: account("b") });
    assert.equal(plain.status, 201);
    assert.equal(plain.headers.warning, undefined);
  });

  test("an update warns only when it newly sets the annotation", async () => {
    const adds = await t.send("PATCH", `${SAS}/b`, { body: { metadata: { annotations: { "kubernetes.io/enforce-mountable-secrets": "true" } } }, contentType: MERGE });
    assert.equal(adds.status, 200, adds.text);
    assert.equal(adds.headers.warning, `299 - "${TEXT}"`);
    const keeps = await t.send("PATCH", `${SAS}/b`, { body: { metadata: { labels: { x: "y" } } }, contentType: MERGE });
    assert.equal(keeps.status, 200);
    assert.equal(keeps.headers.warning, undefined);
  });

  test("kubectl prints the warning", { skip: hasKubectl ? false : "kubectl is not on PATH" }, async () => {
    const dir = await mkdtemp(join(tmpdir(), "podfn-sawarn-"));
    try {
      const kubeconfig = join(dir, "kubeconfig");
      await writeFile(kubeconfig, t.cluster.kubeconfig({ namespace: "ms" }));
      await writeFile(join(dir, "sa.json"), JSON.stringify(account("k", { "kubernetes.io/enforce-mountable-secrets": "true" })));
      const { stderr } = await run("kubectl", ["--kubeconfig", kubeconfig, "create", "-f", join(dir, "sa.json")]);
      assert.ok(stderr.split("\n").includes(`Warning: ${TEXT}`), stderr);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
