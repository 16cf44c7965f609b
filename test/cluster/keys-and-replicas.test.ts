/**
 * Two checks of the real server a function's test would otherwise pass and a cluster refuse:
 * ConfigMap and Secret keys (`IsConfigMapKey`, at `data[key]`), and a workload's replica count
 * (`ValidateNonnegativeField`, first among its spec's checks), on create, update and patch.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { clusterWithNamespaces, type TestCluster } from "./helpers.js";

const CORE = "/api/v1/namespaces/kr";
const APPS = "/apis/apps/v1/namespaces/kr";
const KEY_MSG = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
const deployment = (name: string, replicas?: number) => ({
  apiVersion: "apps/v1", kind: "Deployment", metadata: { name },
  spec: { ...(replicas === undefined ? {} : { replicas }), selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "c", image: "nginx" }] } } },
});

describe("config keys and replica counts", () => {
  let t: TestCluster;
  before(async () => {
    t = await clusterWithNamespaces("kr");
  });
  after(() => t.close());

  test("a ConfigMap's data and binaryData keys, and a Secret's (stringData's too), must be config keys", async () => {
    const cm = await t.send("POST", `${CORE}/configmaps`, { body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "bad" }, data: { "a b": "1", ok: "2", "..x": "3" }, binaryData: { "c/d": "AA==" } } });
    assert.equal(cm.status, 422);
    assert.deepEqual(cm.body.details.causes, [
      { reason: "FieldValueInvalid", message: `Invalid value: "..x": must not start with '..'`, field: "data[..x]" },
      { reason: "FieldValueInvalid", message: `Invalid value: "a b": ${KEY_MSG}`, field: "data[a b]" },
      { reason: "FieldValueInvalid", message: `Invalid value: "c/d": ${KEY_MSG}`, field: "binaryData[c/d]" },
    ]);
    const secret = await t.send("POST", `${CORE}/secrets`, { body: { apiVersion: "v1", kind: "Secret", metadata: { name: "bad" }, stringData: { "tls key": "x" } } });
    assert.equal(secret.status, 422);
    assert.equal(secret.body.message, `Secret "bad" is invalid: data[tls key]: Invalid value: "tls key": ${KEY_MSG}`);
    assert.equal((await t.send("POST", `${CORE}/configmaps`, { body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "good" }, data: { "key.name": "1", KEY_NAME: "2", "key-name": "3", ".hidden": "4" } } })).status, 201);
    const patched = await t.send("PATCH", `${CORE}/configmaps/good`, { body: { data: { "no way": "1" } }, contentType: "application/merge-patch+json" });
    assert.equal(patched.status, 422);
  });

  test("a Deployment, ReplicaSet or StatefulSet with negative replicas is refused, on create and on a patch", async () => {
    const created = await t.send("POST", `${APPS}/deployments`, { body: deployment("neg", -1) });
    assert.equal(created.status, 422);
    assert.equal(created.body.message, 'Deployment.apps "neg" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0');
    assert.equal((await t.send("POST", `${APPS}/deployments`, { body: deployment("web") })).status, 201);
    const patched = await t.send("PATCH", `${APPS}/deployments/web`, { body: { spec: { replicas: -3 } }, contentType: "application/merge-patch+json" });
    assert.equal(patched.status, 422);
    assert.equal(patched.body.details.causes[0].field, "spec.replicas");
    const rs = await t.send("POST", `${APPS}/replicasets`, { body: { ...deployment("rs", -2), kind: "ReplicaSet" } });
    assert.equal(rs.body.message, 'ReplicaSet.apps "rs" is invalid: spec.replicas: Invalid value: -2: must be greater than or equal to 0');
    assert.equal((await t.send("POST", `${APPS}/deployments`, { body: deployment("zero", 0) })).status, 201);
  });
});
