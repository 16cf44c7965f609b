/**
 * A custom resource a mutating webhook patched is defaulted by its CRD version's structural
 * schema before anything else sees it, as 1.32's mutating dispatcher defaults the object it
 * decoded from the patch (ObjectInterfaces' defaulter: the CRD handler's unstructuredDefaulter,
 * structural defaulting): a required field with a default that the webhook's new object lacks
 * is filled in, so validation passes, the validating webhooks see it, and it is stored.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startHarness, until, type Harness } from "../../runtime/testing/index.js";
import { startHookServer, type HookServer } from "./hook-server.js";

type Obj = Record<string, any>;
let h: Harness;
let hook: HookServer;
/** What the validating webhook saw of each Backup's spec. */
const validated: Obj[] = [];

const CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
const BACKUPS = "/apis/ops.example.com/v1/namespaces/default/backups";
const schema = {
  type: "object",
  properties: {
    spec: {
      type: "object",
      properties: {
        size: { type: "integer" },
        retention: { type: "object", required: ["days"], properties: { days: { type: "integer", default: 7 }, mode: { type: "string" } } },
      },
    },
  },
};
const crd = { apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name: "backups.ops.example.com" }, spec: { group: "ops.example.com", scope: "Namespaced", names: { plural: "backups", kind: "Backup" }, versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: schema } }] } };
const clientConfig = (path: string, ca: string) => ({ service: { name: "hook", namespace: "hooks", path }, caBundle: Buffer.from(ca).toString("base64") });
const rules = [{ apiGroups: ["ops.example.com"], apiVersions: ["v1"], operations: ["CREATE"], resources: ["backups"] }];

before(async () => {
  h = await startHarness();
  hook = await startHookServer(h, (review, url) => {
    if (url.startsWith("/validate")) {
      validated.push(review.request.object.spec);
      return { uid: review.request.uid, allowed: true };
    }
    const ops = [{ op: "add", path: "/spec/retention", value: { mode: "weekly" } }];
    return { uid: review.request.uid, allowed: true, patchType: "JSONPatch", patch: Buffer.from(JSON.stringify(ops)).toString("base64") };
  });
  await h.admin.request({ method: "POST", path: CRDS, body: crd });
  await until(async () => (await h.admin.request({ method: "GET", path: BACKUPS }).then(() => true, () => false)), "the Backup CRD to be served");
  const mutating = [{ name: "retain.example.com", clientConfig: clientConfig("/mutate", hook.ca), rules, admissionReviewVersions: ["v1"], sideEffects: "None" }];
  const validating = [{ name: "look.example.com", clientConfig: clientConfig("/validate", hook.ca), rules, admissionReviewVersions: ["v1"], sideEffects: "None" }];
  await h.admin.request({ method: "POST", path: "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations", body: { apiVersion: "admissionregistration.k8s.io/v1", kind: "MutatingWebhookConfiguration", metadata: { name: "retain" }, webhooks: mutating } });
  await h.admin.request({ method: "POST", path: "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations", body: { apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingWebhookConfiguration", metadata: { name: "look" }, webhooks: validating } });
});
after(async () => {
  hook?.close();
  await h?.stop();
});

test("a field a mutating webhook leaves out that the schema defaults is defaulted before validation", async () => {
  const created = (await h.admin.request({ method: "POST", path: BACKUPS, body: { apiVersion: "ops.example.com/v1", kind: "Backup", metadata: { name: "b" }, spec: { size: 1 } } })) as Obj;
  assert.deepEqual(created.spec, { size: 1, retention: { days: 7, mode: "weekly" } });
  assert.deepEqual(validated, [{ size: 1, retention: { days: 7, mode: "weekly" } }]);
  const managed = JSON.stringify(created.metadata.managedFields);
  assert.ok(managed.includes("f:days"), managed);
});
