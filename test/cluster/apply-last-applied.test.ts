/**
 * Client-side apply, then server-side apply, at the level of field sets and of HTTP:
 * lastAppliedManager excuses the `kubectl` manager's conflicts on the fields the
 * last-applied-configuration annotation still describes as they are live (a changed replica count
 * or label), never one whose live value differs from it (an env var's atomic `fieldRef`, into
 * which the server defaulted `apiVersion: v1`), nor for another manager; and a JSON patch of
 * `metadata.managedFields` alone (kubectl's csaupgrade migration) is written, not skipped as a
 * no-op.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { BUILTIN } from "../../runtime/testing/cluster/resources.js";
import { rootType } from "../../runtime/testing/cluster/field-schema.js";
import { excusedByLastApplied, LAST_APPLIED } from "../../runtime/testing/cluster/last-applied.js";
import { pathKey } from "../../runtime/testing/cluster/field-paths.js";
import { testCluster, type TestCluster } from "./helpers.js";

const DEPLOYS = "/apis/apps/v1/namespaces/default/deployments";
const AP = "application/apply-patch+yaml";
const deployments = BUILTIN.find((d) => d.resource === "deployments")!;

/** A Deployment whose container has a fieldRef env var; `replicas` and a label vary. */
const deployment = (replicas: number, tier: string) => ({
  apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "default", labels: { tier } },
  spec: {
    replicas, selector: { matchLabels: { app: "web" } },
    template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "main", image: "nginx", env: [{ name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }] }] } },
  },
});
const FIELD_REF = pathKey(["f:spec", "f:template", "f:spec", "f:containers", 'k:{"name":"main"}', "f:env", 'k:{"name":"POD_NAME"}', "f:valueFrom", "f:fieldRef"]);
const REPLICAS = pathKey(["f:spec", "f:replicas"]);

describe("lastAppliedManager's excused fields", () => {
  const type = rootType(deployments);
  const live = (last: unknown) => {
    const obj = structuredClone(deployment(3, "b")) as Record<string, any>;
    obj.spec.template.spec.containers[0].env[0].valueFrom.fieldRef.apiVersion = "v1"; // SetDefaults_ObjectFieldSelector
    obj.metadata.annotations = { [LAST_APPLIED]: typeof last === "string" ? last : JSON.stringify(last) };
    return obj;
  };

  test("a field live as last applied is excused; a defaulted atomic fieldRef or a changed one is not", () => {
    const excused = excusedByLastApplied(type, "apps/v1", live(deployment(3, "a")))!;
    assert.ok(excused.has(REPLICAS), "replicas is as last applied");
    assert.ok(!excused.has(FIELD_REF), "fieldRef gained apiVersion: v1");
    assert.ok(!excused.has(pathKey(["f:metadata", "f:labels", "f:tier"])), "the label changed since");
    assert.ok(!excusedByLastApplied(type, "apps/v1", live(deployment(1, "b")))!.has(REPLICAS), "replicas changed since");
  });

  test("no annotation, one that is not JSON, or another apiVersion: nothing is excused", () => {
    const bare = live(deployment(3, "b"));
    delete bare.metadata.annotations;
    assert.equal(excusedByLastApplied(type, "apps/v1", bare), undefined);
    assert.equal(excusedByLastApplied(type, "apps/v1", live("{not json")), undefined);
    assert.equal(excusedByLastApplied(type, "apps/v1", live({ ...deployment(3, "b"), apiVersion: "apps/v1beta2" })), undefined);
  });
});

describe("server-side apply over a client-side applied object", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
  });
  after(() => t.close());

  /** What client-side apply creates: the object with its last-applied annotation, by kubectl-client-side-apply. */
  async function clientSideApplied(config: Record<string, any>): Promise<void> {
    const body = structuredClone(config);
    body.metadata.annotations = { [LAST_APPLIED]: `${JSON.stringify(config)}\n` };
    const res = await t.send("POST", `${DEPLOYS}?fieldManager=kubectl-client-side-apply`, { body });
    assert.equal(res.status, 201, res.text);
  }
  const apply = (manager: string, body: unknown) => t.send("PATCH", `${DEPLOYS}/web?fieldManager=${manager}`, { body, contentType: AP });

  test("kubectl's apply takes the changed fields without a conflict; another manager's is refused", async () => {
    await clientSideApplied(deployment(1, "a"));
    // The manifest changed since (replicas, a label); its fieldRef names the apiVersion the server would default.
    const changed: Record<string, any> = deployment(3, "b");
    changed.spec.template.spec.containers[0].env[0].valueFrom.fieldRef = { apiVersion: "v1", fieldPath: "metadata.name" };
    const other = await apply("argocd", changed);
    assert.equal(other.status, 409, other.text);
    assert.equal(other.body.message, 'Apply failed with 2 conflicts: conflicts with "kubectl-client-side-apply" using apps/v1:\n- .metadata.labels.tier\n- .spec.replicas');
    const res = await apply("kubectl", changed);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual([res.body.spec.replicas, res.body.metadata.labels], [3, { tier: "b" }]);
  });

  test("a fieldRef left without the apiVersion the server defaulted conflicts, for kubectl too, as on a real server", async () => {
    await t.send("DELETE", `${DEPLOYS}/web`);
    await clientSideApplied(deployment(1, "a"));
    const res = await apply("kubectl", deployment(1, "a"));
    assert.equal(res.status, 409, res.text);
    assert.equal(res.body.message, 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.template.spec.containers[name="main"].env[name="POD_NAME"].valueFrom.fieldRef');
  });

  test("a JSON patch of metadata.managedFields alone is written (csaupgrade's migration)", async () => {
    const before = (await t.send("GET", `${DEPLOYS}/web`)).body;
    const entry = { manager: "kubectl", operation: "Apply", apiVersion: "apps/v1", time: "2026-01-01T00:00:00Z", fieldsType: "FieldsV1", fieldsV1: { "f:spec": { "f:replicas": {} } } };
    const res = await t.send("PATCH", `${DEPLOYS}/web`, { body: [{ op: "replace", path: "/metadata/managedFields", value: [entry] }], contentType: "application/json-patch+json" });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.metadata.managedFields, [entry]);
    assert.notEqual(res.body.metadata.resourceVersion, before.metadata.resourceVersion);
  });
});
