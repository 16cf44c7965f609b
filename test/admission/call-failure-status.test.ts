/**
 * The whole Status a client gets when a webhook call fails or its patch cannot be used, as
 * 1.32's dispatchers make it (apiserver pkg/admission/plugin/webhook/mutating and validating
 * dispatcher.go): a calling error (webhookutil.ErrCallingWebhook) under `Fail` is
 * `apierrors.NewInternalError(err)` — 500, reason InternalError, `Internal error occurred:
 * failed calling webhook "<name>": <reason>`, the error's text as the one cause; a JSON patch
 * that decodes but does not apply is `NewInternalError` of json-patch v4.12's error, whatever the
 * failurePolicy (it is no calling error); one that does not decode (jsonpatch.DecodePatch) is
 * the calling error `received undecodable patch in webhook response: <encoding/json's error>`.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startHarness, type Harness } from "../../runtime/testing/index.js";
import type { KubeClient } from "../../runtime/kube/api.js";
import { KubeApiError } from "../../runtime/kube/errors.js";
import { startHookServer, type HookServer } from "./hook-server.js";

type Obj = Record<string, any>;
let h: Harness;
let hook: HookServer;
/** What the webhook server answers: a review's response, or the whole HTTP answer. */
let answer: (uid: string) => Obj = (uid) => ({ uid, allowed: true });

before(async () => {
  h = await startHarness();
  hook = await startHookServer(h, (review) => answer(review.request.uid));
  await h.admin.namespaces.create({ metadata: { name: "apps" } });
});
after(async () => {
  hook?.close();
  await h?.stop();
});

/** Registers one webhook of `type` on configmaps, runs `write`, removes it; the Status it was refused with. */
async function refusedStatus(type: "Validating" | "Mutating", write: (apps: KubeClient) => Promise<unknown>, failurePolicy = "Fail"): Promise<Obj | undefined> {
  const plural = `${type.toLowerCase()}webhookconfigurations`;
  const webhook = { name: "status.example.com", clientConfig: { service: { name: "hook", namespace: "hooks", port: 443, path: "/review" }, caBundle: Buffer.from(hook.ca).toString("base64") }, rules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["*"], resources: ["configmaps"] }], admissionReviewVersions: ["v1"], sideEffects: "None", failurePolicy, namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "apps" } } };
  await h.admin.request({ method: "POST", path: `/apis/admissionregistration.k8s.io/v1/${plural}`, body: { apiVersion: "admissionregistration.k8s.io/v1", kind: `${type}WebhookConfiguration`, metadata: { name: "status" }, webhooks: [webhook] } });
  try {
    await write(h.admin.with({ namespace: "apps" }));
    return undefined;
  } catch (error) {
    if (!(error instanceof KubeApiError)) throw error;
    return error.status as Obj;
  } finally {
    await h.admin.request({ method: "DELETE", path: `/apis/admissionregistration.k8s.io/v1/${plural}/status` });
  }
}

/** apierrors.NewInternalError(err) for an error whose text is `text`. */
const internalError = (text: string) => ({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: `Internal error occurred: ${text}`, reason: "InternalError", details: { causes: [{ message: text }] }, code: 500 });
const callingError = (reason: string) => internalError(`failed calling webhook "status.example.com": ${reason}`);
const create = (name: string) => (apps: KubeClient) => apps.configMaps.create({ metadata: { name }, data: { a: "1" } });
const base64 = (text: string) => Buffer.from(text).toString("base64");
const jsonPatch = (ops: unknown) => (uid: string) => ({ uid, allowed: true, patchType: "JSONPatch", patch: base64(JSON.stringify(ops)) });

test("a webhook's non-2xx answer under Fail is the 500 InternalError naming the webhook, client-go's error its one cause", async () => {
  answer = () => ({ raw: { status: 500, headers: { "content-type": "text/plain" }, body: "boom" } });
  assert.deepEqual(await refusedStatus("Validating", create("s500")), callingError('failed to call webhook: an error on the server ("boom") has prevented the request from succeeding'));
  answer = () => ({ raw: { status: 400, headers: { "content-type": "application/json" }, body: JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", message: "review not understood", reason: "BadRequest", code: 400 }) } });
  assert.deepEqual(await refusedStatus("Mutating", create("s400")), callingError("failed to call webhook: review not understood"));
});

test("a patchType other than JSONPatch under Fail is the 500 calling error `unsupported patch type`", async () => {
  answer = (uid) => ({ uid, allowed: true, patchType: "MergePatch", patch: base64('[{"op":"add","path":"/data/b","value":"2"}]') });
  assert.deepEqual(await refusedStatus("Mutating", create("merge")), callingError('unsupported patch type "MergePatch"'));
  // An empty patch is no change: its type is never looked at.
  answer = (uid) => ({ uid, allowed: true, patchType: "MergePatch", patch: base64("[]") });
  assert.equal(await refusedStatus("Mutating", create("merge-empty")), undefined);
});

test("a JSON patch that does not apply is the 500 of json-patch v4.12's error, under Fail and Ignore alike", async () => {
  answer = jsonPatch([{ op: "add", path: "/nothing/x", value: "1" }]);
  assert.deepEqual(await refusedStatus("Mutating", create("missing-parent")), internalError('add operation does not apply: doc is missing path: "/nothing/x": missing value'));
  answer = jsonPatch([{ op: "remove", path: "/data/absent" }]);
  assert.deepEqual(await refusedStatus("Mutating", create("missing-key"), "Ignore"), internalError("error in remove for path: '/data/absent': Unable to remove nonexistent key: absent: missing value"));
  answer = jsonPatch([{ op: "test", path: "/data/a", value: "2" }]);
  assert.deepEqual(await refusedStatus("Mutating", create("test-failed")), internalError("testing value /data/a failed: test failed"));
});

test("a patch that is no JSON Patch is the 500 calling error `received undecodable patch`, in encoding/json's words; a null patch changes nothing", async () => {
  const undecodable = (error: string) => callingError(`received undecodable patch in webhook response: ${error}`);
  answer = (uid) => ({ uid, allowed: true, patchType: "JSONPatch", patch: base64('{"op":"add"}') });
  assert.deepEqual(await refusedStatus("Mutating", create("object")), undecodable("json: cannot unmarshal object into Go value of type jsonpatch.Patch"));
  answer = (uid) => ({ uid, allowed: true, patchType: "JSONPatch", patch: base64("[1]") });
  assert.deepEqual(await refusedStatus("Mutating", create("number-op")), undecodable("json: cannot unmarshal number into Go value of type jsonpatch.Operation"));
  answer = (uid) => ({ uid, allowed: true, patchType: "JSONPatch", patch: base64('[{"op":"add",') });
  assert.deepEqual(await refusedStatus("Mutating", create("truncated")), undecodable("unexpected end of JSON input"));
  answer = (uid) => ({ uid, allowed: true, patchType: "JSONPatch", patch: base64("null") });
  assert.equal(await refusedStatus("Mutating", create("null-patch")), undefined);
});

test("a 429 or 5xx answer with a Retry-After is posted again, up to 10 times, as client-go's rest.Request retries it", async () => {
  let calls = 0;
  answer = (uid) => (++calls === 1 ? { raw: { status: 503, headers: { "retry-after": "0", "content-type": "text/plain" }, body: "busy" } } : { uid, allowed: true });
  assert.equal(await refusedStatus("Validating", create("retried")), undefined);
  assert.equal(calls, 2);
  calls = 0;
  answer = () => (++calls, { raw: { status: 429, headers: { "retry-after": "0" }, body: "slow down" } });
  assert.deepEqual(await refusedStatus("Validating", create("throttled")), callingError("failed to call webhook: the server has received too many requests and has asked us to try again later"));
  assert.equal(calls, 11);
  // Without Retry-After, or on another code, once.
  calls = 0;
  answer = () => (++calls, { raw: { status: 503, body: "busy" } });
  assert.deepEqual(await refusedStatus("Validating", create("unavailable")), callingError("failed to call webhook: the server is currently unable to handle the request"));
  calls = 0;
  answer = () => (++calls, { raw: { status: 400, headers: { "retry-after": "0" }, body: "no" } });
  assert.deepEqual(await refusedStatus("Validating", create("bad")), callingError("failed to call webhook: the server rejected our request for an unknown reason"));
  assert.equal(calls, 1);
});
