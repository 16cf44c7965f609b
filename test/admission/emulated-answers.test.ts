/**
 * What the emulated cluster makes of a webhook's answer that is not podfn's (any server can be
 * registered): as 1.32's VerifyAdmissionResponse and mutating dispatcher, in their words. A
 * validating webhook may return neither `patch` nor `patchType`; a mutating one both or neither;
 * a patchType other than JSONPatch is `unsupported patch type`, a patch that is no JSON Patch
 * `received undecodable patch` (both calling errors, which failurePolicy decides), and a patch to
 * a DELETE's object, which has none, the 500 `attempted to modify the object`. A Service
 * without a path is called at `/`.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startHarness, type Harness } from "../../runtime/testing/index.js";
import type { KubeClient } from "../../runtime/kube/api.js";
import { startHookServer, type HookServer } from "./hook-server.js";
import { KubeApiError } from "../../runtime/kube/errors.js";

type Obj = Record<string, any>;
let h: Harness;
let hook: HookServer;
let ca: string;
/** What the webhook server answers, as the test sets it: to the review's uid, the review, at the path called. */
let answer: (uid: string, review: Obj, path: string) => Obj = (uid) => ({ uid, allowed: true });
/** The whole HTTP answer instead, when a test sets it: status, headers and body as written. */
let raw: ((uid: string) => { status?: number; headers?: Record<string, string>; body: string }) | undefined;

before(async () => {
  h = await startHarness();
  hook = await startHookServer(h, (review, url) => (raw ? { raw: raw(review.request.uid) } : answer(review.request.uid, review, url)));
  ca = hook.ca;
  await h.admin.namespaces.create({ metadata: { name: "apps" } });
});
after(async () => {
  hook?.close();
  await h?.stop();
});

/** The HTTP status of the last write `refusal` saw refused. */
let refusedWith: number | undefined;

/**
 * Registers a configuration of `type` on configmaps (one webhook, or one per entry of
 * `webhooks`, each set over the first's settings), runs `write`, removes it; the write's error message.
 */
async function refusal(type: "Validating" | "Mutating", write: (apps: KubeClient) => Promise<unknown>, failurePolicy = "Fail", path: string | null = "/review", webhooks: Obj[] = [{}]): Promise<string | undefined> {
  const admin = h.admin;
  const plural = `${type.toLowerCase()}webhookconfigurations`;
  const webhook = { name: "answers.example.com", clientConfig: { service: { name: "hook", namespace: "hooks", port: 443, ...(path ? { path } : {}) }, caBundle: Buffer.from(ca).toString("base64") }, rules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["*"], resources: ["configmaps"] }], admissionReviewVersions: ["v1"], sideEffects: "None", failurePolicy, namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "apps" } } };
  const configuration = {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: `${type}WebhookConfiguration`,
    metadata: { name: "answers" },
    webhooks: webhooks.map((w) => ({ ...webhook, ...w })),
  };
  await admin.request({ method: "POST", path: `/apis/admissionregistration.k8s.io/v1/${plural}`, body: configuration });
  refusedWith = undefined;
  try {
    await write(admin.with({ namespace: "apps" }));
    return undefined;
  } catch (error) {
    if (!(error instanceof KubeApiError)) throw error;
    refusedWith = error.statusCode;
    return error.message.replace(/ \(HTTP \d+\)$/, "").replace(/^[A-Z]+ \S+: /, "");
  } finally {
    await admin.request({ method: "DELETE", path: `/apis/admissionregistration.k8s.io/v1/${plural}/answers` });
  }
}

const patch = Buffer.from(JSON.stringify([{ op: "add", path: "/data/x", value: "1" }])).toString("base64");
const create = (name: string) => (apps: KubeClient) => apps.configMaps.create({ metadata: { name }, data: { a: "1" } });
const failed = (reason: string) => `Internal error occurred: failed calling webhook "answers.example.com": ${reason}`;

test("a validating webhook's patch or patchType is an invalid answer", async () => {
  answer = (uid) => ({ uid, allowed: true, patch });
  assert.equal(await refusal("Validating", create("v1")), failed("received invalid webhook response: validating webhook may not return response.patch"));
  answer = (uid) => ({ uid, allowed: true, patchType: "JSONPatch" });
  assert.equal(await refusal("Validating", create("v2")), failed("received invalid webhook response: validating webhook may not return response.patchType"));
});

test("a mutating webhook's patch without patchType, or patchType without patch, is an invalid answer", async () => {
  answer = (uid) => ({ uid, allowed: true, patch });
  assert.equal(await refusal("Mutating", create("m1")), failed("received invalid webhook response: webhook returned response.patch but not response.patchType"));
  answer = (uid) => ({ uid, allowed: true, patchType: "JSONPatch" });
  assert.equal(await refusal("Mutating", create("m2")), failed("received invalid webhook response: webhook returned response.patchType but not response.patch"));
});

test("another patchType is unsupported, and a patch that is not a JSON Patch undecodable: calling errors, which Ignore lets through", async () => {
  answer = (uid) => ({ uid, allowed: true, patchType: "MergePatch", patch });
  assert.equal(await refusal("Mutating", create("m3")), failed('unsupported patch type "MergePatch"'));
  answer = (uid) => ({ uid, allowed: true, patchType: "JSONPatch", patch: Buffer.from('{"op":"add"}').toString("base64") });
  assert.match((await refusal("Mutating", create("m4"))) ?? "", /^Internal error occurred: failed calling webhook "answers\.example\.com": received undecodable patch in webhook response: /);
  assert.equal(await refusal("Mutating", create("m5"), "Ignore"), undefined);
});

test("a patch to a DELETE's object, which has none, is the 500 naming the webhook", async () => {
  await h.admin.with({ namespace: "apps" }).configMaps.create({ metadata: { name: "doomed" } });
  answer = (uid) => ({ uid, allowed: true, patchType: "JSONPatch", patch });
  assert.equal(await refusal("Mutating", (apps) => apps.configMaps.delete("doomed"), "Ignore"), 'Internal error occurred: admission webhook "answers.example.com" attempted to modify the object, which is not supported for this operation');
});

test("a Service without a path is called at /, as Go's client sends an empty path", async () => {
  const seen: string[] = [];
  answer = (uid) => (seen.push(uid), { uid, allowed: false, status: { message: "seen" } });
  assert.equal(await refusal("Validating", create("no-path"), "Fail", null), 'admission webhook "answers.example.com" denied the request: seen');
  assert.equal(seen.length, 1);
});

test("an answer that is not an admission.k8s.io/v1 AdmissionReview is invalid, as VerifyAdmissionResponse words it after the response and its uid", async () => {
  const invalid = (got: string) => failed(`received invalid webhook response: expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got ${got}`);
  try {
    raw = (uid) => ({ body: JSON.stringify({ response: { uid, allowed: true } }) });
    assert.equal(await refusal("Validating", create("gvk1")), invalid("/, Kind="));
    raw = (uid) => ({ body: JSON.stringify({ kind: "AdmissionReview", response: { uid, allowed: true } }) });
    assert.equal(await refusal("Mutating", create("gvk2")), invalid("/, Kind=AdmissionReview"));
    raw = (uid) => ({ body: JSON.stringify({ apiVersion: "admission.k8s.io/v1", response: { uid, allowed: true } }) });
    assert.equal(await refusal("Validating", create("gvk3")), invalid("admission.k8s.io/v1, Kind="));
    // The response and its uid are checked first.
    raw = () => ({ body: JSON.stringify({ response: { uid: "other", allowed: true } }) });
    assert.match((await refusal("Validating", create("gvk4"))) ?? "", /: received invalid webhook response: expected response\.uid="[0-9a-f-]{36}", got "other"$/);
    raw = () => ({ body: JSON.stringify({}) });
    assert.equal(await refusal("Validating", create("gvk5")), failed("received invalid webhook response: webhook response was absent"));
    // A v1beta1 answer to a v1 request does not decode into a v1 AdmissionReview: no conversion between them.
    raw = (uid) => ({ body: JSON.stringify({ apiVersion: "admission.k8s.io/v1beta1", kind: "AdmissionReview", response: { uid, allowed: true } }) });
    assert.equal(await refusal("Validating", create("gvk6")), failed("failed to call webhook: converting (v1beta1.AdmissionReview) to (v1.AdmissionReview): unknown conversion"));
    // Under Ignore the request goes on.
    raw = (uid) => ({ body: JSON.stringify({ response: { uid, allowed: true } }) });
    assert.equal(await refusal("Validating", create("gvk7"), "Ignore"), undefined);
  } finally {
    raw = undefined;
  }
});

test("an answer's status and body are read as the webhook client reads them: its errors in client-go's words, without the Post of a failed request", async () => {
  const review = (uid: string) => JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", response: { uid, allowed: true } });
  const callFailed = (reason: string) => failed(`failed to call webhook: ${reason}`);
  try {
    // Any 2xx is an answer.
    raw = (uid) => ({ status: 201, headers: { "content-type": "application/json" }, body: review(uid) });
    assert.equal(await refusal("Validating", create("s201")), undefined);
    // A 5xx quotes a text body, and says "unknown" of any other.
    raw = () => ({ status: 500, headers: { "content-type": "text/plain; charset=utf-8" }, body: "  boom\n" });
    assert.equal(await refusal("Validating", create("s500")), callFailed('an error on the server ("boom") has prevented the request from succeeding'));
    raw = () => ({ status: 502, headers: { "content-type": "application/json" }, body: '{"error":"bad gateway"}' });
    assert.equal(await refusal("Validating", create("s502")), callFailed('an error on the server ("unknown") has prevented the request from succeeding'));
    // Known codes have their words; a 403 keeps the server's text.
    raw = () => ({ status: 404, body: "404 page not found" });
    assert.equal(await refusal("Validating", create("s404")), callFailed("the server could not find the requested resource"));
    raw = () => ({ status: 403, headers: { "content-type": "text/plain" }, body: "go away" });
    assert.equal(await refusal("Validating", create("s403")), callFailed("go away"));
    raw = () => ({ status: 418, headers: { "content-type": "text/plain" }, body: "teapot" });
    assert.equal(await refusal("Validating", create("s418")), callFailed("the server responded with the status code 418 but did not return more information"));
    // A Failure Status says it in its message.
    raw = () => ({ status: 400, headers: { "content-type": "application/json" }, body: JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", message: "review not understood", code: 400 }) });
    assert.equal(await refusal("Validating", create("s400")), callFailed("review not understood"));
    // A 200 without a body, with one that is not JSON, or with broken JSON.
    raw = () => ({ status: 200, body: "" });
    assert.equal(await refusal("Validating", create("empty")), callFailed("0-length response with status code: 200 and content type: application/json"));
    raw = () => ({ status: 200, headers: { "content-type": "text/plain" }, body: "" });
    assert.equal(await refusal("Validating", create("empty-text")), callFailed("0-length response with status code: 200 and content type: text/plain"));
    raw = () => ({ status: 200, headers: { "content-type": "text/plain" }, body: "all good" });
    assert.equal(await refusal("Validating", create("text")), callFailed(`couldn't get version/kind; json parse error: json: cannot unmarshal string into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`));
    raw = () => ({ status: 200, headers: { "content-type": "application/json" }, body: '{"response":' });
    assert.equal(await refusal("Validating", create("broken")), callFailed("couldn't get version/kind; json parse error: unexpected end of JSON input"));
    // Under Ignore any of them lets the request through.
    raw = () => ({ status: 500, body: "boom" });
    assert.equal(await refusal("Mutating", create("s500-ignored"), "Ignore"), undefined);
  } finally {
    raw = undefined;
  }
});

test("a matchCondition that fails to evaluate is, under Fail, the 403 naming the object and the expression's error; no validating webhook is called", async () => {
  const seen: string[] = [];
  answer = (uid) => (seen.push(uid), { uid, allowed: false, status: { message: "called" } });
  const strict = { name: "strict", expression: "object.data.mode == 'strict'" };
  const small = { name: "small", expression: "size(object.data.extra) < 3" };
  assert.equal(await refusal("Validating", create("mc1"), "Fail", "/review", [{ matchConditions: [strict] }]), `configmaps "mc1" is forbidden: expression 'object.data.mode == 'strict'' resulted in error: no such key: mode`);
  assert.equal(refusedWith, 403);
  // Every failed condition is named (an aggregate), unless one is false.
  assert.equal(await refusal("Mutating", create("mc2"), "Fail", "/review", [{ matchConditions: [strict, small] }]), `configmaps "mc2" is forbidden: [expression 'object.data.mode == 'strict'' resulted in error: no such key: mode, expression 'size(object.data.extra) < 3' resulted in error: no such key: extra]`);
  assert.equal(await refusal("Validating", create("mc3"), "Fail", "/review", [{ matchConditions: [strict, { name: "never", expression: "false" }] }]), undefined);
  // Validating webhooks are all matched before any is called: the other one is not called.
  assert.equal(await refusal("Validating", create("mc4"), "Fail", "/review", [{ name: "first.example.com" }, { name: "second.example.com", matchConditions: [strict] }]), `configmaps "mc4" is forbidden: expression 'object.data.mode == 'strict'' resulted in error: no such key: mode`);
  assert.deepEqual(seen, []);
  // Under Ignore the webhook is skipped.
  assert.equal(await refusal("Validating", create("mc5"), "Ignore", "/review", [{ matchConditions: [strict] }]), undefined);
  assert.deepEqual(seen, []);
  // A mutating webhook is matched before a generated name is there: the object is not named.
  assert.equal(await refusal("Mutating", (apps) => apps.configMaps.create({ metadata: { generateName: "mc-" } }), "Fail", "/review", [{ matchConditions: [strict] }]), `configmaps is forbidden: expression 'object.data.mode == 'strict'' resulted in error: no such key: data`);
});

test("a patched object is what the typed decoder and the defaults make of it: unknown fields dropped silently, a wrong type the 500, new containers defaulted for the next webhook", async () => {
  const encode = (ops: Obj[]) => Buffer.from(JSON.stringify(ops)).toString("base64");
  answer = (uid) => ({ uid, allowed: true, patchType: "JSONPatch", patch: encode([{ op: "add", path: "/bogus", value: "1" }, { op: "add", path: "/metadata/nope", value: "x" }, { op: "add", path: "/data/added", value: "yes" }]) });
  assert.equal(await refusal("Mutating", create("typed1")), undefined);
  const stored = (await h.admin.request({ method: "GET", path: "/api/v1/namespaces/apps/configmaps/typed1" })) as Obj;
  assert.equal(stored.bogus, undefined);
  assert.equal(stored.metadata.nope, undefined);
  assert.deepEqual(stored.data, { a: "1", added: "yes" });
  assert.doesNotMatch(JSON.stringify(stored.metadata.managedFields), /bogus|nope/);
  answer = (uid) => ({ uid, allowed: true, patchType: "JSONPatch", patch: encode([{ op: "replace", path: "/data", value: "x" }]) });
  assert.equal(await refusal("Mutating", create("typed2"), "Ignore"), "Internal error occurred: json: cannot unmarshal string into Go struct field ConfigMap.data of type map[string]string");
  assert.equal(refusedWith, 500);
  // A sidecar one webhook adds reaches the next with its defaults.
  const seen: Obj[] = [];
  const pods = { rules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["pods"] }] };
  answer = (uid, review, path) => {
    if (path.startsWith("/inject")) return { uid, allowed: true, patchType: "JSONPatch", patch: encode([{ op: "add", path: "/spec/containers/-", value: { name: "sidecar", image: "proxy:1" } }]) };
    seen.push(review.request.object);
    return { uid, allowed: true };
  };
  const pod = (apps: KubeClient) => apps.pods.create({ metadata: { name: "with-sidecar" }, spec: { containers: [{ name: "app", image: "app:1" }] } });
  assert.equal(await refusal("Mutating", pod, "Fail", "/review", [{ name: "inject.example.com", ...pods, clientConfig: { service: { name: "hook", namespace: "hooks", port: 443, path: "/inject" }, caBundle: Buffer.from(ca).toString("base64") } }, { name: "watch.example.com", ...pods }]), undefined);
  const sidecar = seen[0]!.spec.containers[1];
  assert.equal(sidecar.imagePullPolicy, "IfNotPresent");
  assert.equal(sidecar.terminationMessagePath, "/dev/termination-log");
});

test("a Job reaches a mutating webhook without the selector its uid makes, and is stored with one", async () => {
  const encode = (ops: Obj[]) => Buffer.from(JSON.stringify(ops)).toString("base64");
  const seen: Obj[] = [];
  answer = (uid, review) => (seen.push(review.request.object), { uid, allowed: true, patchType: "JSONPatch", patch: encode([{ op: "add", path: "/metadata/labels", value: { touched: "yes" } }]) });
  const jobs = { rules: [{ apiGroups: ["batch"], apiVersions: ["v1"], operations: ["CREATE"], resources: ["jobs"] }] };
  const job = (apps: KubeClient) => apps.request({ method: "POST", path: "/apis/batch/v1/namespaces/apps/jobs", body: { apiVersion: "batch/v1", kind: "Job", metadata: { name: "j1" }, spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox:1" }] } } } } });
  assert.equal(await refusal("Mutating", job, "Fail", "/review", [jobs]), undefined);
  assert.equal(seen[0]!.spec.selector, undefined);
  assert.equal(seen[0]!.metadata.labels, undefined);
  const stored = (await h.admin.request({ method: "GET", path: "/apis/batch/v1/namespaces/apps/jobs/j1" })) as Obj;
  assert.deepEqual(stored.spec.selector, { matchLabels: { "batch.kubernetes.io/controller-uid": stored.metadata.uid } });
  assert.equal(stored.spec.template.metadata.labels["controller-uid"], stored.metadata.uid);
  assert.equal(stored.metadata.labels.touched, "yes");
});

test("a webhook whose first known admissionReviewVersion is v1beta1 is sent a v1beta1 review, and its answer is checked as v1beta1's", async () => {
  const patch = Buffer.from(JSON.stringify([{ op: "add", path: "/data/beta", value: "yes" }])).toString("base64");
  const sent: Obj[] = [];
  const beta = [{ admissionReviewVersions: ["v2", "v1beta1", "v1"] }];
  try {
    // Neither its uid nor its apiVersion and kind are checked; a mutating webhook's patch needs no patchType.
    raw = () => ({ body: JSON.stringify({ response: { allowed: true, patch } }) });
    answer = (uid, review) => (sent.push(review), { uid, allowed: true });
    assert.equal(await refusal("Mutating", create("beta1"), "Fail", "/review", beta), undefined);
    const stored = (await h.admin.request({ method: "GET", path: "/api/v1/namespaces/apps/configmaps/beta1" })) as Obj;
    assert.equal(stored.data.beta, "yes");
    // A validating webhook's patch is ignored.
    assert.equal(await refusal("Validating", create("beta2"), "Fail", "/review", beta), undefined);
    // A v1 answer does not convert into the v1beta1 review asked for.
    raw = (uid) => ({ body: JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", response: { uid, allowed: true } }) });
    assert.equal(await refusal("Validating", create("beta3"), "Fail", "/review", beta), failed("failed to call webhook: converting (v1.AdmissionReview) to (v1beta1.AdmissionReview): unknown conversion"));
    // The response must still be there.
    raw = () => ({ body: JSON.stringify({ apiVersion: "admission.k8s.io/v1beta1", kind: "AdmissionReview" }) });
    assert.equal(await refusal("Validating", create("beta4"), "Fail", "/review", beta), failed("received invalid webhook response: webhook response was absent"));
    raw = undefined;
    assert.equal(await refusal("Validating", create("beta5"), "Fail", "/review", beta), failed("failed to call webhook: converting (v1.AdmissionReview) to (v1beta1.AdmissionReview): unknown conversion"));
    assert.equal(sent[0]!.apiVersion, "admission.k8s.io/v1beta1");
    assert.equal(sent[0]!.kind, "AdmissionReview");
    assert.equal(sent[0]!.request.operation, "CREATE");
  } finally {
    raw = undefined;
  }
});
