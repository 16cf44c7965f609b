/**
 * storage.k8s.io/v1 StorageClasses are served as 1.32 serves them: CRUD, list and discovery
 * (short name `sc`), the v1 defaults (reclaimPolicy Delete, volumeBindingMode Immediate),
 * ValidateStorageClass and ValidateStorageClassUpdate's messages, the printer's columns with
 * the `(default)` marker, and kubectl get sc / patch (skipped without kubectl).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { kubectlCluster, testCluster, type TestCluster } from "./helpers.js";

const CLASSES = "/apis/storage.k8s.io/v1/storageclasses";
const TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io";
const hasKubectl = await promisify(execFile)("kubectl", ["version", "--client"]).then(() => true, () => false);
const sc = (name: string, extra: Record<string, unknown> = {}) => ({ apiVersion: "storage.k8s.io/v1", kind: "StorageClass", metadata: { name }, provisioner: "ebs.csi.aws.com", ...extra });

describe("StorageClasses", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
  });
  after(() => t.close());

  test("a StorageClass is created with 1.32's defaults, read, listed and printed (the default class marked)", async () => {
    const created = await t.send("POST", CLASSES, { body: sc("fast", { metadata: { name: "fast", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } }, allowVolumeExpansion: true, parameters: { type: "gp3" } }) });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(Object.keys(created.body), ["kind", "apiVersion", "metadata", "provisioner", "parameters", "reclaimPolicy", "allowVolumeExpansion", "volumeBindingMode"]);
    assert.deepEqual([created.body.reclaimPolicy, created.body.volumeBindingMode], ["Delete", "Immediate"]);
    assert.equal(created.body.metadata.namespace, undefined);
    await t.send("POST", CLASSES, { body: sc("slow", { reclaimPolicy: "Retain", volumeBindingMode: "WaitForFirstConsumer" }) });
    const listed = await t.send("GET", CLASSES);
    assert.equal(listed.body.kind, "StorageClassList");
    assert.deepEqual(listed.body.items.map((i: { metadata: { name: string } }) => i.metadata.name), ["fast", "slow"]);

    const table = await t.send("GET", CLASSES, { accept: TABLE });
    assert.deepEqual(table.body.columnDefinitions.map((c: { name: string }) => c.name), ["Name", "Provisioner", "ReclaimPolicy", "VolumeBindingMode", "AllowVolumeExpansion", "Age"]);
    assert.deepEqual(table.body.rows.map((r: { cells: unknown[] }) => r.cells.slice(0, 5)), [
      ["fast (default)", "ebs.csi.aws.com", "Delete", "Immediate", true],
      ["slow", "ebs.csi.aws.com", "Retain", "WaitForFirstConsumer", false],
    ]);

    const discovery = await t.send("GET", "/apis/storage.k8s.io/v1");
    assert.deepEqual(discovery.body.resources, [
      { name: "storageclasses", singularName: "storageclass", namespaced: false, kind: "StorageClass", verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"], shortNames: ["sc"] },
    ]);
  });

  test("the provisioner is required and a qualified name; policies and topologies are checked as 1.32 does", async () => {
    const none = await t.send("POST", CLASSES, { body: sc("none", { provisioner: undefined }) });
    assert.equal(none.status, 422, none.text);
    assert.equal(none.body.message, 'StorageClass.storage.k8s.io "none" is invalid: provisioner: Required value');
    const bad = await t.send("POST", CLASSES, { body: sc("bad", { provisioner: "no way/x/y", reclaimPolicy: "Recycle", volumeBindingMode: "Later", parameters: { "": "x" } }) });
    assert.equal(bad.status, 422, bad.text);
    assert.deepEqual(bad.body.details.causes.map((c: { field: string }) => c.field), ["provisioner", "parameters", "reclaimPolicy", "volumeBindingMode"]);
    assert.match(bad.body.message, /provisioner: Invalid value: "no way\/x\/y": a qualified name must consist of/);
    assert.match(bad.body.message, /parameters: Invalid value: "": field can not be empty\./);
    assert.match(bad.body.message, /reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"/);
    assert.match(bad.body.message, /volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", "WaitForFirstConsumer"/);
    const topology = await t.send("POST", CLASSES, { body: sc("topo", { allowedTopologies: [{ matchLabelExpressions: [{ key: "zone", values: [] }] }] }) });
    assert.equal(topology.body.message, 'StorageClass.storage.k8s.io "topo" is invalid: allowedTopologies[0].matchLabelExpressions[0].values: Required value');
  });

  test("parameters, provisioner, reclaimPolicy and volumeBindingMode never change; labels and allowVolumeExpansion may", async () => {
    await t.send("POST", CLASSES, { body: sc("fixed", { parameters: { type: "gp2" } }) });
    const changed = await t.send("PATCH", `${CLASSES}/fixed`, {
      body: { provisioner: "other.io/x", parameters: { type: "gp3" }, reclaimPolicy: "Retain", volumeBindingMode: "WaitForFirstConsumer" }, contentType: "application/merge-patch+json",
    });
    assert.equal(changed.status, 422, changed.text);
    assert.equal(changed.body.message, 'StorageClass.storage.k8s.io "fixed" is invalid: [parameters: Forbidden: updates to parameters are forbidden., provisioner: Forbidden: updates to provisioner are forbidden., reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden., volumeBindingMode: Invalid value: "WaitForFirstConsumer": field is immutable]');
    const relabeled = await t.send("PATCH", `${CLASSES}/fixed`, { body: { metadata: { labels: { tier: "a" } }, allowVolumeExpansion: true }, contentType: "application/merge-patch+json" });
    assert.equal(relabeled.status, 200, relabeled.text);
    assert.equal(relabeled.body.allowVolumeExpansion, true);
  });
});

describe("kubectl get storageclasses", { skip: hasKubectl ? false : "kubectl is not on PATH" }, () => {
  test("kubectl patch marks the default class and kubectl get sc prints it", async () => {
    const k = await kubectlCluster();
    try {
      assert.equal((await k.send("POST", CLASSES, { body: sc("standard") })).status, 201);
      await k.kubectl("patch", "storageclass", "standard", "-p", '{"metadata":{"annotations":{"storageclass.kubernetes.io/is-default-class":"true"}}}');
      const lines = (await k.kubectl("get", "sc")).trim().split("\n").map((l) => l.split(/\s{2,}/));
      assert.deepEqual(lines[0], ["NAME", "PROVISIONER", "RECLAIMPOLICY", "VOLUMEBINDINGMODE", "ALLOWVOLUMEEXPANSION", "AGE"]);
      assert.deepEqual(lines[1]!.slice(0, 5), ["standard (default)", "ebs.csi.aws.com", "Delete", "Immediate", "false"]);
    } finally {
      await k.close();
    }
  });
});
