/**
 * The webhook port over real HTTPS: decisions (allowed, denied, the uid echoed, dryRun passed
 * to the handler), a handler that throws or overruns its deadline answered as failurePolicy says
 * while the server goes on serving, what is not an AdmissionReview refused with the field named,
 * the access line and metrics, and a renewed certificate presented on new connections.
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { captureLogs } from "../schedule/helpers.js";
import { giveSecrets } from "../../runtime/function-secrets.js";
import { fakeKube } from "../http/helpers.js";
import { until } from "../helpers/until.js";
import { loadedAdmission, post, reviewOf, startWebhooks } from "./helpers.js";

const seenDryRun: boolean[] = [];
const owner = loadedAdmission({
  name: "owner",
  admission: { type: "validating", rules: [{ operations: ["CREATE", "UPDATE"], resource: "deployments.apps" }] },
  handler: ({ trigger, dryRun }) => {
    seenDryRun.push(dryRun);
    return trigger.request.object?.metadata?.labels?.owner ? { allowed: true, warnings: ["checked"] } : { allowed: false, code: 403, message: "needs an owner label" };
  },
});
const broken = loadedAdmission({
  name: "broken",
  admission: { type: "validating", rules: [{ operations: ["*"], resource: "pods" }] },
  handler: () => {
    throw new Error("database password hunter2 rejected");
  },
});
const lenient = loadedAdmission({
  name: "lenient",
  admission: { type: "validating", rules: [{ operations: ["*"], resource: "pods" }], failurePolicy: "Ignore" },
  handler: () => {
    throw new Error("boom");
  },
});
const slow = loadedAdmission({
  name: "slow",
  admission: { type: "validating", rules: [{ operations: ["*"], resource: "pods" }], timeoutSeconds: 1 },
  handler: () => new Promise<never>(() => {}),
});

const SECRET = "https://hooks.slack.example/T000/B000/admission-secret-path";
const gate = loadedAdmission({
  name: "gate",
  secrets: ["slack-webhook-url"],
  admission: { type: "validating", rules: [{ operations: ["*"], resource: "configmaps" }] },
  handler: ({ secret }) => ({ allowed: false, message: `refused; see ${secret("slack-webhook-url")}`, warnings: [`posted to ${secret("slack-webhook-url")}`] }),
});
giveSecrets(gate, { "slack-webhook-url": SECRET });

const log = captureLogs();
const webhooks = await startWebhooks([owner, broken, lenient, slow, gate], log.logger, fakeKube().kube);
after(() => webhooks.stop());
const send = (path: string, review: unknown, headers?: Record<string, string>) => post(webhooks.url, path, JSON.stringify(review), webhooks.ca, headers);
const labelled = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", labels: { owner: "payments" } } };

test("a validating webhook allows over HTTPS, echoing the uid, with the request id", async () => {
  const res = await send("/admission/owner", reviewOf(labelled, { uid: "uid-allow-1" }));
  assert.equal(res.status, 200);
  assert.deepEqual(res.body, { apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", response: { uid: "uid-allow-1", allowed: true, warnings: ["checked"] } });
  assert.match(String(res.headers["x-request-id"]), /^[0-9a-f-]{36}$/);
  const line = log.lines.find((l) => l.msg === "request" && l.requestId === res.headers["x-request-id"]);
  assert.equal(line?.fn, "owner");
  assert.equal(line?.status, 200);
  assert.equal(line?.code, undefined);
});

test("a validating webhook denies with its message and code", async () => {
  const res = await send("/admission/owner", reviewOf({ ...labelled, metadata: { name: "web" } }, { uid: "uid-deny-1" }));
  assert.equal(res.status, 200);
  assert.deepEqual(res.body.response, { uid: "uid-deny-1", allowed: false, status: { code: 403, message: "needs an owner label" } });
  const line = log.lines.find((l) => l.msg === "request" && l.requestId === res.headers["x-request-id"]);
  assert.equal(line?.code, "denied");
});

test("a function secret the handler put in its denial's message or warnings is censored from the review answered", async () => {
  const res = await send("/admission/gate", reviewOf({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings" } }, { uid: "uid-secret-1" }));
  assert.equal(res.status, 200);
  assert.deepEqual(res.body.response, { uid: "uid-secret-1", allowed: false, status: { message: "refused; see [redacted]" }, warnings: ["posted to [redacted]"] });
});

test("a dry run reaches the handler as ctx.dryRun", async () => {
  seenDryRun.length = 0;
  await send("/admission/owner", reviewOf(labelled, { dryRun: true }));
  await send("/admission/owner", reviewOf(labelled));
  assert.deepEqual(seenDryRun, [true, false]);
});

test("a handler that throws is denied with status 500 and the request id, nothing of its error, and the server goes on", async () => {
  const res = await send("/admission/broken", reviewOf({ apiVersion: "v1", kind: "Pod", metadata: { name: "p" } }, { uid: "uid-throw" }), { "content-type": "application/json", "x-request-id": "req-throw-1" });
  assert.equal(res.status, 200);
  assert.deepEqual(res.body.response, { uid: "uid-throw", allowed: false, status: { code: 500, message: "broken failed: internal error (request id req-throw-1)" } });
  assert.doesNotMatch(JSON.stringify(res.body), /hunter2|at .*\.ts/);
  const failure = log.lines.find((l) => l.msg === "admission review failed" && l.requestId === "req-throw-1");
  assert.equal(failure?.uid, "uid-throw");
  assert.ok(failure?.err, "the error is logged");
  // Still serving.
  assert.equal((await send("/admission/owner", reviewOf(labelled))).body.response.allowed, true);
});

test("under failurePolicy Ignore a failed handler is allowed, with a warning naming the request id", async () => {
  const res = await send("/admission/lenient", reviewOf(null, { operation: "DELETE", uid: "uid-lenient" }), { "content-type": "application/json", "x-request-id": "req-lenient" });
  assert.deepEqual(res.body.response, { uid: "uid-lenient", allowed: true, warnings: ["lenient failed: internal error (request id req-lenient): allowed, as its failurePolicy Ignore says"] });
});

test("a handler past its deadline is answered before the API server's timeout (1 s): denied, 504", async () => {
  const started = Date.now();
  const res = await send("/admission/slow", reviewOf({ metadata: { name: "p" } }, { uid: "uid-slow" }));
  const took = Date.now() - started;
  // The deadline (800 ms) is the answer's time; a loaded machine may add to it, never take from it.
  assert.ok(took >= 780 && took < 3000, `answered after ${took} ms`);
  assert.equal(res.body.response.allowed, false);
  assert.equal(res.body.response.status.code, 504);
  assert.match(res.body.response.status.message, /^slow did not decide within 800 ms \(request id .+\)$/);
});

test("what is not an AdmissionReview is a 400 naming the field; other methods, types and paths are refused in JSON", async () => {
  const bad = reviewOf(labelled) as { request: Record<string, unknown> };
  delete bad.request.uid;
  let res = await send("/admission/owner", bad);
  assert.equal(res.status, 400);
  assert.equal(res.body.error.code, "invalid_review");
  assert.match(res.body.error.message, /request\.uid: is required/);
  assert.deepEqual(res.body.error.issues, [{ path: "request.uid", message: "is required (a non-empty string)" }]);
  res = await send("/admission/owner", { ...reviewOf(labelled), apiVersion: "admission.k8s.io/v1beta1" });
  assert.equal(res.status, 400);
  assert.match(res.body.error.message, /apiVersion: must be "admission\.k8s\.io\/v1"/);
  res = await send("/admission/owner", reviewOf(labelled, { kind: { group: "apps", version: 1 } as never }));
  assert.match(res.body.error.message, /request\.kind\.version: must be a non-empty string, not number 1/);
  res = await post(webhooks.url, "/admission/owner", "{not json", webhooks.ca);
  assert.equal(res.status, 400);
  assert.equal(res.body.error.code, "invalid_json");
  res = await post(webhooks.url, "/admission/owner", "", webhooks.ca, {}, "GET");
  assert.deepEqual([res.status, res.body.error.code, res.headers.allow], [405, "method_not_allowed", "POST"]);
  res = await post(webhooks.url, "/admission/owner", "uid=1", webhooks.ca, { "content-type": "application/x-www-form-urlencoded" });
  assert.deepEqual([res.status, res.body.error.code], [415, "unsupported_media_type"]);
  res = await send("/admission/nobody", reviewOf(labelled));
  assert.deepEqual([res.status, res.body.error.code], [404, "not_found"]);
});

test("reviews are counted by function and outcome", () => {
  const out: string[] = [];
  webhooks.metrics.render(out);
  const value = (fn: string, outcome: string) => Number(out.find((l) => l.startsWith(`podfn_admission_reviews_total{function="${fn}",outcome="${outcome}"}`))?.split(" ")[1] ?? NaN);
  assert.ok(value("owner", "allowed") >= 3);
  assert.ok(value("owner", "denied") >= 1);
  assert.ok(value("owner", "invalid") >= 3);
  assert.equal(value("broken", "error"), 1);
  assert.equal(value("slow", "timeout"), 1);
  assert.equal(value("slow", "denied"), 0);
});

test("a renewed certificate is presented on new connections", async () => {
  const fingerprintOf = (pem: string) => new X509Certificate(pem).fingerprint256;
  const before = await send("/admission/owner", reviewOf(labelled));
  const next = await webhooks.rotate();
  await until(async () => {
    try {
      return (await post(webhooks.url, "/admission/owner", JSON.stringify(reviewOf(labelled)), next.caPem)).fingerprint === fingerprintOf(next.certPem);
    } catch {
      return false; // still the old certificate, which the new CA does not trust
    }
  }, "the new certificate in service");
  assert.notEqual(before.fingerprint, fingerprintOf(next.certPem));
  await assert.rejects(send("/admission/owner", reviewOf(labelled)), /self.signed|unable to verify|certificate/i);
  const reloaded = log.lines.find((l) => l.msg === "the admission webhook's certificate changed: new connections get the new one");
  assert.equal(reloaded?.fingerprint, fingerprintOf(next.certPem));
  const keyBody = next.keyPem.split("\n").filter((l) => l && !l.startsWith("-----")).join("");
  assert.ok(!JSON.stringify(log.lines).includes(keyBody.slice(0, 40)) && !JSON.stringify(log.lines).includes("PRIVATE KEY"), "no key material logged");
});
