/**
 * Finalizer names on built-in kinds, as 1.32 validates them: core's ValidateObjectMeta refuses
 * a name without `/` that is not standard (`kubernetes`, `orphan`, `foregroundDeletion`) at
 * `metadata.finalizers[i]`; apimachinery's ValidateFinalizers (every kind, custom resources too)
 * wants a qualified name and not both `orphan` and `foregroundDeletion`, at `metadata.finalizers`.
 * On update core's ValidateObjectMetaUpdate checks the names again; ConfigMaps (like Secrets,
 * ServiceAccounts and Pods) also rerun their create validation, so the cause is listed twice and
 * the message names it once; a Deployment's update checks it once and no qualified-name rule.
 * Leases use apimachinery's checks only. A Namespace's `spec.finalizers` are checked on create.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { testCluster, type TestCluster } from "./helpers.js";

const NS = "/api/v1/namespaces/fn";
const DEPLOY = "/apis/apps/v1/namespaces/fn/deployments";
const NOT_QUALIFIED = "name is neither a standard finalizer name nor is it fully qualified";
const QUALIFIED_NAME = "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
const cm = (name: string, finalizers?: string[]) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, ...(finalizers ? { finalizers } : {}) } });
const deployment = (name: string, finalizers?: string[]) => ({
  apiVersion: "apps/v1", kind: "Deployment", metadata: { name, ...(finalizers ? { finalizers } : {}) },
  spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "main", image: "nginx" }] } } },
});
/** The 422 Status the real server answers. */
const invalid = (kind: string, name: string, message: string, causes: { field: string; message: string }[], group?: string) => ({
  kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure",
  message: `${kind}${group ? `.${group}` : ""} "${name}" is invalid: ${message}`, reason: "Invalid",
  details: { name, ...(group ? { group } : {}), kind, causes: causes.map((c) => ({ reason: "FieldValueInvalid", message: c.message, field: c.field })) }, code: 422,
});
const notQualified = (field: string, value: string) => ({ field, message: `Invalid value: ${JSON.stringify(value)}: ${NOT_QUALIFIED}` });

describe("finalizer names on built-in kinds", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
    await t.send("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "fn" } } });
  });
  after(() => t.close());

  test("a ConfigMap created with an unqualified, non-standard finalizer is 422 at metadata.finalizers[i]", async () => {
    const res = await t.send("POST", `${NS}/configmaps`, { body: cm("cm", ["example.com/keep", "hold"]) });
    assert.equal(res.status, 422, res.text);
    assert.deepEqual(res.body, invalid("ConfigMap", "cm", `metadata.finalizers[1]: Invalid value: "hold": ${NOT_QUALIFIED}`, [notQualified("metadata.finalizers[1]", "hold")]));
    assert.equal((await t.send("GET", `${NS}/configmaps/cm`)).status, 404, "nothing stored");
    const dry = await t.send("POST", `${NS}/configmaps?dryRun=All`, { body: cm("cm", ["hold"]) });
    assert.equal(dry.status, 422);
  });

  test("standard and domain-qualified names are accepted", async () => {
    const res = await t.send("POST", `${NS}/configmaps`, { body: cm("ok", ["kubernetes", "orphan", "example.com/hold", "example.com"]) });
    assert.equal(res.status, 422, "example.com has no / and is not standard");
    const ok = await t.send("POST", `${NS}/configmaps`, { body: cm("ok", ["kubernetes", "orphan", "example.com/hold"]) });
    assert.equal(ok.status, 201, ok.text);
  });

  test("apimachinery's checks: a qualified name, and not both orphan and foregroundDeletion", async () => {
    const res = await t.send("POST", `${NS}/configmaps`, { body: cm("both", ["orphan", "foregroundDeletion", "a/b/c"]) });
    assert.equal(res.status, 422);
    const bad = { field: "metadata.finalizers", message: `Invalid value: "a/b/c": ${QUALIFIED_NAME}` };
    const conflict = { field: "metadata.finalizers", message: 'Invalid value: []string{"orphan", "foregroundDeletion", "a/b/c"}: finalizer orphan and foregroundDeletion cannot be both set' };
    assert.deepEqual(res.body, invalid("ConfigMap", "both", `[metadata.finalizers: ${bad.message}, metadata.finalizers: ${conflict.message}]`, [bad, conflict]));
  });

  test("a ConfigMap update adding one: the cause twice (update, then create validation), the message once", async () => {
    const created = await t.send("POST", `${NS}/configmaps`, { body: cm("upd") });
    assert.equal(created.status, 201);
    const body = { ...created.body, metadata: { ...created.body.metadata, finalizers: ["hold"] } };
    const expected = invalid("ConfigMap", "upd", `metadata.finalizers[0]: Invalid value: "hold": ${NOT_QUALIFIED}`, [notQualified("metadata.finalizers[0]", "hold"), notQualified("metadata.finalizers[0]", "hold")]);
    const put = await t.send("PUT", `${NS}/configmaps/upd`, { body });
    assert.equal(put.status, 422, put.text);
    assert.deepEqual(put.body, expected);
    const patch = await t.send("PATCH", `${NS}/configmaps/upd`, { body: { metadata: { finalizers: ["hold"] } }, contentType: "application/merge-patch+json" });
    assert.deepEqual(patch.body, expected);
  });

  test("Secrets, Pods, Jobs and Namespaces refuse them on create", async () => {
    const secret = await t.send("POST", `${NS}/secrets`, { body: { apiVersion: "v1", kind: "Secret", metadata: { name: "s", finalizers: ["hold"] } } });
    assert.deepEqual(secret.body, invalid("Secret", "s", `metadata.finalizers[0]: Invalid value: "hold": ${NOT_QUALIFIED}`, [notQualified("metadata.finalizers[0]", "hold")]));
    const pod = await t.send("POST", `${NS}/pods`, { body: { apiVersion: "v1", kind: "Pod", metadata: { name: "p", finalizers: ["hold"] }, spec: { containers: [{ name: "main", image: "nginx" }] } } });
    assert.deepEqual(pod.body, invalid("Pod", "p", `metadata.finalizers[0]: Invalid value: "hold": ${NOT_QUALIFIED}`, [notQualified("metadata.finalizers[0]", "hold")]));
    const job = await t.send("POST", "/apis/batch/v1/namespaces/fn/jobs", {
      body: { apiVersion: "batch/v1", kind: "Job", metadata: { name: "j", finalizers: ["hold"] }, spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "main", image: "busybox" }] } } } },
    });
    assert.deepEqual(job.body, invalid("Job", "j", `metadata.finalizers[0]: Invalid value: "hold": ${NOT_QUALIFIED}`, [notQualified("metadata.finalizers[0]", "hold")], "batch"));
    const ns = await t.send("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "held", finalizers: ["hold"] }, spec: { finalizers: ["wait"] } } });
    assert.deepEqual(ns.body, invalid("Namespace", "held", `[metadata.finalizers[0]: Invalid value: "hold": ${NOT_QUALIFIED}, spec.finalizers: Invalid value: "wait": ${NOT_QUALIFIED}]`, [notQualified("metadata.finalizers[0]", "hold"), notQualified("spec.finalizers", "wait")]));
  });

  test("a Deployment: refused on create, one cause on update, no qualified-name rule on update", async () => {
    const create = await t.send("POST", DEPLOY, { body: deployment("d", ["hold"]) });
    assert.deepEqual(create.body, invalid("Deployment", "d", `metadata.finalizers[0]: Invalid value: "hold": ${NOT_QUALIFIED}`, [notQualified("metadata.finalizers[0]", "hold")], "apps"));
    const created = await t.send("POST", DEPLOY, { body: deployment("d") });
    assert.equal(created.status, 201);
    const patch = await t.send("PATCH", `${DEPLOY}/d`, { body: { metadata: { finalizers: ["hold"] } }, contentType: "application/merge-patch+json" });
    assert.deepEqual(patch.body, invalid("Deployment", "d", `metadata.finalizers[0]: Invalid value: "hold": ${NOT_QUALIFIED}`, [notQualified("metadata.finalizers[0]", "hold")], "apps"));
    const odd = await t.send("PATCH", `${DEPLOY}/d`, { body: { metadata: { finalizers: ["a/b/c"] } }, contentType: "application/merge-patch+json" });
    assert.equal(odd.status, 200, "ValidateObjectMetaUpdate does not check qualified names");
    const status = await t.send("PUT", `${DEPLOY}/d/status`, { body: { ...odd.body, status: { replicas: 0 } } });
    assert.equal(status.status, 200, "nor does the status update's");
  });

  test("a Lease (apimachinery's ValidateObjectMeta) takes an unqualified name", async () => {
    const res = await t.send("POST", "/apis/coordination.k8s.io/v1/namespaces/fn/leases", { body: { apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name: "l", finalizers: ["hold"] } } });
    assert.equal(res.status, 201, res.text);
  });

  test("a custom resource: apimachinery's checks only (an unqualified name is a warning, not an error)", async () => {
    t.cluster.createResourceType({ group: "example.com", version: "v1", resource: "gadgets", kind: "Gadget", namespaced: true });
    const url = "/apis/example.com/v1/namespaces/fn/gadgets";
    const gadget = (name: string, finalizers: string[]) => ({ apiVersion: "example.com/v1", kind: "Gadget", metadata: { name, finalizers } });
    assert.equal((await t.send("POST", url, { body: gadget("g", ["hold"]) })).status, 201);
    const both = await t.send("POST", url, { body: gadget("h", ["orphan", "foregroundDeletion"]) });
    const conflict = { field: "metadata.finalizers", message: 'Invalid value: []string{"orphan", "foregroundDeletion"}: finalizer orphan and foregroundDeletion cannot be both set' };
    assert.deepEqual(both.body, invalid("Gadget", "h", `metadata.finalizers: ${conflict.message}`, [conflict], "example.com"));
  });
});
