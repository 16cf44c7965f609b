/**
 * Server-side Tables of PodDisruptionBudgets and StatefulSets: the 1.32
 * printers' columns and cells (pkg/printers/internalversion), `N/A` for a budget's unset bound,
 * and `kubectl get pdb` showing them (where kubectl is installed).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { testCluster, type TestCluster } from "./helpers.js";

const TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
const START = Date.parse("2026-01-01T00:00:00Z");
const run = promisify(execFile);
const hasKubectl = await run("kubectl", ["version", "--client"]).then(() => true, () => false);

describe("server-side Tables of budgets and statefulsets", () => {
  let t: TestCluster;
  let clock = START;
  const get = async (path: string) => {
    const res = await t.send("GET", path, { accept: TABLE });
    assert.equal(res.status, 200, res.text);
    return res.body;
  };
  const header = (table: any) => table.columnDefinitions.map((c: any) => (c.priority === 0 ? c.name : `(${c.name})`));
  const create = async (path: string, body: unknown) => assert.equal((await t.send("POST", path, { body })).status, 201);

  before(async () => {
    t = await testCluster({ now: () => clock });
    await create("/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: "tm" } });
    const pdbs = "/apis/policy/v1/namespaces/tm/poddisruptionbudgets";
    await create(pdbs, { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name: "a" }, spec: { minAvailable: "50%", selector: { matchLabels: { app: "a" } } } });
    await create(pdbs, { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name: "b" }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: "b" } } } });
    const template = { metadata: { labels: { app: "db" } }, spec: { containers: [{ name: "db", image: "postgres:16" }] } };
    await create("/apis/apps/v1/namespaces/tm/statefulsets", { apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "db" }, spec: { replicas: 3, serviceName: "db", selector: { matchLabels: { app: "db" } }, template } });
    clock = START + 190_000;
  });
  after(() => t.close());

  test("poddisruptionbudgets: Min Available, Max Unavailable (N/A when unset), Allowed Disruptions", async () => {
    const table = await get("/apis/policy/v1/namespaces/tm/poddisruptionbudgets");
    assert.deepEqual(header(table), ["Name", "Min Available", "Max Unavailable", "Allowed Disruptions", "Age"]);
    assert.deepEqual(table.columnDefinitions.slice(1, 4).map((c: any) => [c.type, c.description]), [
      ["string", "The minimum number of pods that must be available."],
      ["string", "The maximum number of pods that may be unavailable."],
      ["integer", "Calculated number of pods that may be disrupted at this time."],
    ]);
    assert.deepEqual(table.rows.map((r: any) => r.cells), [["a", "50%", "N/A", 0, "3m10s"], ["b", "N/A", "1", 0, "3m10s"]]);
  });

  test("statefulsets: Ready as ready/desired, wide Containers and Images", async () => {
    const table = await get("/apis/apps/v1/namespaces/tm/statefulsets/db");
    assert.deepEqual(header(table), ["Name", "Ready", "Age", "(Containers)", "(Images)"]);
    assert.deepEqual(table.rows[0].cells, ["db", "0/3", "3m10s", "db", "postgres:16"]);
  });

  test("kubectl get pdb prints the budget columns", { skip: hasKubectl ? false : "kubectl is not on PATH" }, async () => {
    const dir = await mkdtemp(join(tmpdir(), "podfn-pdb-"));
    try {
      const kubeconfig = join(dir, "kubeconfig");
      await writeFile(kubeconfig, t.cluster.kubeconfig({ namespace: "tm" }));
      const { stdout } = await run("kubectl", ["--kubeconfig", kubeconfig, "get", "pdb"]);
      const lines = stdout.trim().split("\n").map((l) => l.trim().split(/\s{2,}/));
      assert.deepEqual(lines[0], ["NAME", "MIN AVAILABLE", "MAX UNAVAILABLE", "ALLOWED DISRUPTIONS", "AGE"]);
      assert.deepEqual(lines.slice(1).map((l) => l.slice(0, 4)), [["a", "50%", "N/A", "0"], ["b", "N/A", "1", "0"]]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
