/**
 * Warning headers: a custom resource's finalizer that is not domain-qualified with a path gets
 * 1.32's `Warning: 299 - "metadata.finalizers: \"hold\": prefer a domain-qualified finalizer
 * name including a path (/) ..."` on create and on an update that adds it (sorted, once each;
 * standard finalizers and built-in kinds exempt), also beside an error answer; and kubectl
 * printing it (where kubectl is installed).
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
const WIDGETS = "/apis/example.com/v1/namespaces/fw/widgets";
const warning = (name: string) => `299 - "metadata.finalizers: \\"${name}\\": prefer a domain-qualified finalizer name including a path (/) to avoid accidental conflicts with other finalizer writers"`;
const widget = (name: string, finalizers: string[]) => ({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name, finalizers } });
const warnings = (headers: Record<string, string | string[] | undefined>) => {
  const value = headers.warning;
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
};

describe("finalizer warnings", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
    t.cluster.createResourceType({ group: "example.com", version: "v1", resource: "widgets", kind: "Widget", namespaced: true });
    await t.send("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "fw" } } });
  });
  after(() => t.close());

  test("create: one warning per unqualified finalizer, sorted; standard and qualified ones exempt", async () => {
    // orphan and foregroundDeletion together are refused (ValidateFinalizers): one each per object.
    const res = await t.send("POST", WIDGETS, { body: widget("a", ["hold", "example.com", "example.com/cleanup", "orphan", "kubernetes", "hold"]) });
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(warnings(res.headers), [warning("example.com"), warning("hold")]);
    const clean = await t.send("POST", WIDGETS, { body: widget("b", ["example.com/cleanup", "foregroundDeletion"]) });
    assert.equal(clean.status, 201);
    assert.equal(clean.headers.warning, undefined);
  });

  test("update: only the finalizers it adds; a dry run warns too", async () => {
    const current = (await t.send("GET", `${WIDGETS}/a`)).body;
    current.metadata.finalizers = [...current.metadata.finalizers, "keep"];
    const put = await t.send("PUT", `${WIDGETS}/a`, { body: current });
    assert.equal(put.status, 200, put.text);
    assert.deepEqual(warnings(put.headers), [warning("keep")]);
    const patch = await t.send("PATCH", `${WIDGETS}/a`, { body: { metadata: { labels: { x: "y" } } }, contentType: "application/merge-patch+json" });
    assert.equal(patch.status, 200);
    assert.equal(patch.headers.warning, undefined);
    const dry = await t.send("POST", `${WIDGETS}?dryRun=All`, { body: widget("c", ["later"]) });
    assert.equal(dry.status, 201);
    assert.deepEqual(warnings(dry.headers), [warning("later")]);
  });

  test("the warning goes out beside an AlreadyExists answer", async () => {
    const res = await t.send("POST", WIDGETS, { body: widget("b", ["hold"]) });
    assert.equal(res.status, 409);
    assert.deepEqual(warnings(res.headers), [warning("hold")]);
  });

  test("built-in kinds get no finalizer warning", async () => {
    const res = await t.send("POST", "/api/v1/namespaces/fw/configmaps", { body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cm", finalizers: ["example.com/hold"] } } });
    assert.equal(res.status, 201);
    assert.equal(res.headers.warning, undefined);
  });

  test("kubectl prints the warning", { skip: hasKubectl ? false : "kubectl is not on PATH" }, async () => {
    const dir = await mkdtemp(join(tmpdir(), "podfn-warn-"));
    try {
      const kubeconfig = join(dir, "kubeconfig");
      await writeFile(kubeconfig, t.cluster.kubeconfig({ namespace: "fw" }));
      await writeFile(join(dir, "widget.json"), JSON.stringify(widget("k", ["hold"])));
      const { stderr } = await run("kubectl", ["--kubeconfig", kubeconfig, "create", "-f", join(dir, "widget.json")]);
      assert.match(stderr, /^Warning: metadata\.finalizers: "hold": prefer a domain-qualified finalizer name including a path \(\/\) to avoid accidental conflicts with other finalizer writers$/m);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
