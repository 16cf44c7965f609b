/**
 * A webhook answer whose fields have the wrong JSON types is refused as the API server's
 * decoder refuses it (a calling error, which failurePolicy judges): a patch sent as a JSON
 * array instead of base64, a patch that is not base64, `allowed` as a string, a warning that
 * is not a string, a status code that is not a number.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startHarness, type Harness } from "../../runtime/testing/index.js";
import { startHookServer, type HookServer } from "./hook-server.js";
import { KubeApiError } from "../../runtime/kube/errors.js";

type Obj = Record<string, any>;
let h: Harness;
let hook: HookServer;
let ca: string;
/** The `response` the webhook answers, as the test sets it. */
let answer: (uid: string) => Obj = (uid) => ({ uid, allowed: true });

before(async () => {
  h = await startHarness();
  hook = await startHookServer(h, (review) => answer(review.request.uid));
  ca = hook.ca;
});
after(async () => {
  hook?.close();
  await h?.stop();
});

/** The error of creating a ConfigMap with one webhook of `type` registered. */
async function refusal(type: "Validating" | "Mutating", failurePolicy = "Fail"): Promise<string | undefined> {
  const plural = `${type.toLowerCase()}webhookconfigurations`;
  const configuration = {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: `${type}WebhookConfiguration`,
    metadata: { name: "types" },
    webhooks: [{ name: "types.example.com", clientConfig: { service: { name: "hook", namespace: "hooks", path: "/review" }, caBundle: Buffer.from(ca).toString("base64") }, rules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["configmaps"] }], admissionReviewVersions: ["v1"], sideEffects: "None", failurePolicy, namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "default" } } }],
  };
  await h.admin.request({ method: "POST", path: `/apis/admissionregistration.k8s.io/v1/${plural}`, body: configuration });
  try {
    await h.admin.with({ namespace: "default" }).configMaps.create({ metadata: { generateName: "types-" } });
    return undefined;
  } catch (error) {
    if (!(error instanceof KubeApiError)) throw error;
    return error.message.replace(/ \(HTTP \d+\)$/, "").replace(/^[A-Z]+ \S+: /, "");
  } finally {
    await h.admin.request({ method: "DELETE", path: `/apis/admissionregistration.k8s.io/v1/${plural}/types` });
  }
}

const failed = (reason: string) => `Internal error occurred: failed calling webhook "types.example.com": failed to call webhook: ${reason}`;

test("a patch sent as a JSON Patch array, not base64, is the decoder's type error", async () => {
  answer = (uid) => ({ uid, allowed: true, patchType: "JSONPatch", patch: [{ op: "add", path: "/data", value: { a: "1" } }] });
  assert.equal(await refusal("Mutating"), failed("json: cannot unmarshal array into Go struct field AdmissionResponse.response.patch of type []uint8"));
  answer = (uid) => ({ uid, allowed: true, patchType: "JSONPatch", patch: "not base64!" });
  assert.equal(await refusal("Mutating"), failed("illegal base64 data at input byte 3"));
  assert.equal(await refusal("Mutating", "Ignore"), undefined);
});

test("allowed, warnings and the status are decoded into their Go types, the first error in the answer's order", async () => {
  answer = (uid) => ({ uid, allowed: "true" });
  assert.equal(await refusal("Validating"), failed("json: cannot unmarshal string into Go struct field AdmissionResponse.response.allowed of type bool"));
  answer = (uid) => ({ uid, allowed: true, warnings: ["fine", 42] });
  assert.equal(await refusal("Validating"), failed("json: cannot unmarshal number into Go struct field AdmissionResponse.response.warnings of type string"));
  answer = (uid) => ({ uid, allowed: false, status: { code: "403", message: "no" } });
  assert.equal(await refusal("Validating"), failed("json: cannot unmarshal string into Go struct field Status.response.status.code of type int32"));
  answer = (uid) => ({ uid, allowed: false, status: { message: "no" }, warnings: "one" });
  assert.equal(await refusal("Validating"), failed("json: cannot unmarshal string into Go struct field AdmissionResponse.response.warnings of type []string"));
  // Unknown fields and nulls are no error.
  answer = (uid) => ({ uid, allowed: true, extra: { any: 1 }, warnings: null, status: null });
  assert.equal(await refusal("Validating"), undefined);
});
