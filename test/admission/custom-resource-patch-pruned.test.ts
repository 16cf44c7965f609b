/**
 * A custom resource's fields a mutating webhook adds that its CRD's structural schema does not
 * declare are pruned when it is stored, as 1.32's storage codec (the CRD handler's
 * schemaCoercingConverter) prunes every write: the answer and the watch event lack them, and a
 * later schema that declares the field does not bring back a value that was never stored.
 * Where the schema keeps unknown fields (x-kubernetes-preserve-unknown-fields), they stay.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startHarness, until, type Harness } from "../../runtime/testing/index.js";
import { startHookServer, type HookServer } from "./hook-server.js";

type Obj = Record<string, any>;
let h: Harness;
let hook: HookServer;

const CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
const BACKUPS = "/apis/ops.example.com/v1/namespaces/default/backups";
const spec = (extra: Obj = {}) => ({ type: "object", properties: { spec: { type: "object", properties: { size: { type: "integer" }, ...extra } }, status: { type: "object", "x-kubernetes-preserve-unknown-fields": true } } });
const crd = (schema: Obj) => ({ apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name: "backups.ops.example.com" }, spec: { group: "ops.example.com", scope: "Namespaced", names: { plural: "backups", kind: "Backup" }, versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: schema } }] } });

before(async () => {
  h = await startHarness();
  hook = await startHookServer(h, (review) => {
    const ops = [{ op: "add", path: "/spec/sneaked", value: "in" }, { op: "add", path: "/status", value: { note: "kept" } }];
    return { uid: review.request.uid, allowed: true, patchType: "JSONPatch", patch: Buffer.from(JSON.stringify(ops)).toString("base64") };
  });
  await h.admin.request({ method: "POST", path: CRDS, body: crd(spec()) });
  await until(async () => (await h.admin.request({ method: "GET", path: BACKUPS }).then(() => true, () => false)), "the Backup CRD to be served");
  const webhooks = [{
    name: "sneak.example.com",
    clientConfig: { service: { name: "hook", namespace: "hooks", path: "/" }, caBundle: Buffer.from(hook.ca).toString("base64") },
    rules: [{ apiGroups: ["ops.example.com"], apiVersions: ["v1"], operations: ["CREATE"], resources: ["backups"] }],
    admissionReviewVersions: ["v1"],
    sideEffects: "None",
  }];
  await h.admin.request({ method: "POST", path: "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations", body: { apiVersion: "admissionregistration.k8s.io/v1", kind: "MutatingWebhookConfiguration", metadata: { name: "sneak" }, webhooks } });
});
after(async () => {
  hook?.close();
  await h?.stop();
});

test("a field a mutating webhook adds that the schema does not declare is never stored", async () => {
  const created = (await h.admin.request({ method: "POST", path: BACKUPS, body: { apiVersion: "ops.example.com/v1", kind: "Backup", metadata: { name: "b" }, spec: { size: 1 } } })) as Obj;
  assert.deepEqual(created.spec, { size: 1 });
  assert.deepEqual(created.status, { note: "kept" }, "a field under x-kubernetes-preserve-unknown-fields stays");
  const managed = JSON.stringify(created.metadata.managedFields);
  assert.equal(managed.includes("sneaked"), false, managed);
  // The schema now declares the field: a value never stored does not come back.
  const current = (await h.admin.request({ method: "GET", path: `${CRDS}/backups.ops.example.com` })) as Obj;
  current.spec.versions[0].schema.openAPIV3Schema = spec({ sneaked: { type: "string" } });
  await h.admin.request({ method: "PUT", path: `${CRDS}/backups.ops.example.com`, body: current });
  await until(async () => JSON.stringify(await h.admin.request({ method: "GET", path: "/openapi/v3/apis/ops.example.com/v1" })).includes("sneaked"), "the new schema to be served");
  const read = (await h.admin.request({ method: "GET", path: `${BACKUPS}/b` })) as Obj;
  assert.deepEqual(read.spec, { size: 1 });
});
