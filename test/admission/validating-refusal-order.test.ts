/**
 * Of several validating webhooks refusing a request, the emulated cluster answers the refusal
 * that arrived first, as 1.32's validating dispatcher returns the first error its goroutines
 * sent (`errs[0]`), not the first webhook in the configuration's order.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { KubeApiError } from "../../runtime/kube/errors.js";
import { startHarness, type Harness } from "../../runtime/testing/index.js";
import { startHookServer, type HookServer } from "./hook-server.js";

let h: Harness;
let hook: HookServer;

before(async () => {
  h = await startHarness();
  hook = await startHookServer(h, async (review, url) => {
    const path = url.split("?")[0]!;
    // The first webhook in order answers only once the second's refusal has been sent.
    if (path === "/slow") await hook.answered("/quick");
    return { uid: review.request.uid, allowed: false, status: { message: `refused at ${path}` } };
  });
});
after(async () => {
  hook?.close();
  await h?.stop();
});

test("the refusal that arrives first is answered, not the first webhook's in order", async () => {
  const webhooks = ["/slow", "/quick"].map((path) => ({
    name: `${path.slice(1)}.example.com`,
    clientConfig: { service: { name: "hook", namespace: "hooks", path }, caBundle: Buffer.from(hook.ca).toString("base64") },
    rules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["configmaps"] }],
    admissionReviewVersions: ["v1"],
    sideEffects: "None",
    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "default" } },
  }));
  await h.admin.request({ method: "POST", path: "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations", body: { apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingWebhookConfiguration", metadata: { name: "two" }, webhooks } });
  await assert.rejects(h.admin.with({ namespace: "default" }).configMaps.create({ metadata: { name: "c" } }), (error: unknown) => {
    assert.ok(error instanceof KubeApiError);
    assert.equal(error.message.includes('admission webhook "quick.example.com" denied the request: refused at /quick'), true, error.message);
    return true;
  });
});
