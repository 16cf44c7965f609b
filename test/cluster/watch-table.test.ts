/**
 * Watches asked for as Tables (`kubectl get --watch`): each event's object is a one-row
 * `meta.k8s.io/v1` Table (handlers' watchEmbeddedEncoder), columnDefinitions on the first event
 * only, BOOKMARKs printed too, ERROR Statuses left as they are; and kubectl's `get --watch`
 * printing the watched objects with the server's columns (where kubectl is installed).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Agent } from "undici";
import { eventually, testCluster, watch, type TestCluster } from "./helpers.js";

const TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
const hasKubectl = await promisify(execFile)("kubectl", ["version", "--client"]).then(() => true, () => false);
const configMap = (name: string, data: Record<string, string> = { a: "1" }) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data });

describe("watch as Table", () => {
  let t: TestCluster;
  let agent: Agent;
  const create = async (name: string) => {
    const res = await t.send("POST", "/api/v1/namespaces/wt/configmaps", { body: configMap(name) });
    assert.equal(res.status, 201, res.text);
    return res.body;
  };

  before(async () => {
    t = await testCluster({ bookmarkIntervalMs: 50, eventWindow: 5 });
    agent = new Agent({ connect: { ca: t.cluster.caPem } });
    await t.send("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "wt" } } });
  });
  after(async () => {
    await t.close();
    await agent.close();
  });

  test("every event's object is a one-row Table; only the first carries columnDefinitions", async () => {
    const first = await create("first");
    const s = await watch(t, agent, "/api/v1/namespaces/wt/configmaps?watch=1&timeoutSeconds=5&fieldSelector=metadata.name%21%3Dkube-root-ca.crt", TABLE);
    assert.equal(s.status, 200);
    assert.equal(s.contentType, "application/json");
    const [added] = await s.next(1);
    assert.equal(added.type, "ADDED");
    assert.deepEqual(Object.keys(added.object), ["kind", "apiVersion", "metadata", "columnDefinitions", "rows"]);
    assert.equal(added.object.kind, "Table");
    assert.equal(added.object.apiVersion, "meta.k8s.io/v1");
    assert.deepEqual(added.object.metadata, { resourceVersion: first.metadata.resourceVersion });
    assert.deepEqual(added.object.columnDefinitions.map((c: any) => c.name), ["Name", "Data", "Age"]);
    assert.equal(added.object.rows.length, 1);
    assert.deepEqual(added.object.rows[0].cells.slice(0, 2), ["first", 1]);
    assert.deepEqual(added.object.rows[0].object, { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: first.metadata });

    const second = await create("second");
    assert.equal((await t.send("DELETE", "/api/v1/namespaces/wt/configmaps/first")).status, 200);
    const [next, deleted] = await s.next(2);
    assert.equal(next.type, "ADDED");
    assert.equal(next.object.columnDefinitions, null);
    assert.match(JSON.stringify(next.object), /"columnDefinitions":null/);
    assert.deepEqual(next.object.rows[0].cells.slice(0, 2), ["second", 1]);
    assert.deepEqual(next.object.metadata, { resourceVersion: second.metadata.resourceVersion });
    assert.equal(deleted.type, "DELETED");
    assert.equal(deleted.object.kind, "Table");
    assert.equal(deleted.object.rows[0].cells[0], "first");
    s.close();
  });

  test("a BOOKMARK is printed as a Table of its empty object", async () => {
    const list = await t.send("GET", "/api/v1/namespaces/wt/configmaps");
    const s = await watch(t, agent, `/api/v1/namespaces/wt/configmaps?watch=1&resourceVersion=${list.body.metadata.resourceVersion}&allowWatchBookmarks=true&timeoutSeconds=5`, TABLE);
    // A bookmark comes once the version moved past the watch's start.
    await create("bookmarked");
    const [added, bookmark] = await s.next(2);
    assert.equal(added.object.columnDefinitions.length, 3);
    assert.equal(bookmark.type, "BOOKMARK");
    assert.equal(bookmark.object.kind, "Table");
    assert.equal(bookmark.object.columnDefinitions, null, "the column definitions went with the first event");
    assert.deepEqual(bookmark.object.rows[0].cells, ["", 0, "<unknown>"]);
    assert.deepEqual(bookmark.object.rows[0].object.metadata, { resourceVersion: bookmark.object.metadata.resourceVersion, creationTimestamp: null });
    s.close();
  });

  test("an ERROR's Status is not made a Table", async () => {
    for (let i = 0; i < 8; i++) await create(`churn-${i}`);
    const s = await watch(t, agent, "/api/v1/namespaces/wt/configmaps?watch=1&resourceVersion=1", TABLE);
    const events = await s.rest();
    assert.equal(events.length, 1);
    assert.equal(events[0].type, "ERROR");
    assert.equal(events[0].object.kind, "Status");
    assert.equal(events[0].object.code, 410);
  });

  test("without as=Table the objects stream as they are", async () => {
    const s = await watch(t, agent, "/api/v1/namespaces/wt/configmaps?watch=1&timeoutSeconds=5");
    const [event] = await s.next(1);
    assert.equal(event.object.kind, "ConfigMap");
    s.close();
  });

  test("kubectl get --watch prints watched objects with the server's columns", { skip: hasKubectl ? false : "kubectl is not on PATH" }, async () => {
    const dir = await mkdtemp(join(tmpdir(), "podfn-watch-"));
    const kubeconfig = join(dir, "kubeconfig");
    await writeFile(kubeconfig, t.cluster.kubeconfig({ namespace: "wt" }));
    const child = spawn("kubectl", ["--kubeconfig", kubeconfig, "get", "configmaps", "--watch", "-v=2"], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise((resolve) => child.on("exit", resolve));
    try {
      await eventually(() => (/^second\s+1\s+\S+$/m.test(stdout) ? true : undefined), 10_000);
      await t.send("POST", "/api/v1/namespaces/wt/configmaps", { body: configMap("late", { a: "1", b: "2" }) });
      await eventually(() => (/^late\s+2\s+\S+$/m.test(stdout) ? true : undefined), 10_000);
      assert.match(stdout, /^NAME\s+DATA\s+AGE$/m);
      assert.doesNotMatch(stderr, /Unable to decode server response into a Table/);
    } finally {
      child.kill();
      await exited;
      await rm(dir, { recursive: true, force: true });
    }
  });
});
