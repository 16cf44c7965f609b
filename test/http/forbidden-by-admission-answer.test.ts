/**
 * A 403 the API server answers for something other than the function's RBAC (an admission
 * webhook's denial, PodSecurity, a namespace being deleted) is answered with the server's words,
 * as a 422 is: the answer neither claims the ServiceAccount lacks a permission nor hides why. A
 * 403 that names the requesting user (an RBAC escalation refusal) keeps the generic message, so
 * the ServiceAccount's name stays in the log.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { KubeForbiddenError } from "../../runtime/kube/errors.js";
import { rememberSecret } from "../../runtime/secret-values.js";
import { loaded, postJson, testApp } from "./helpers.js";

function forbidden(message: string): KubeForbiddenError {
  const status = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", code: 403, message };
  return new KubeForbiddenError(status, 403, { method: "POST", path: "/api/v1/namespaces/ops/pods" });
}

async function answer(error: KubeForbiddenError) {
  const app = testApp([loaded({ name: "maker", handler: () => Promise.reject(new Error("creating failed", { cause: error })) })]);
  const res = await app.fetch(postJson("/maker", {}));
  return { status: res.status, body: (await res.json()) as { error: { code: string; message: string; missingPermission: unknown } }, app };
}

test("an admission webhook's denial is answered 403 kube_forbidden with its message, no missing permission claimed", async () => {
  const message = 'admission webhook "deny-latest-images.podfn.ops.podfn.dev" denied the request: container "c" uses image "nginx": pin a tag';
  const { status, body, app } = await answer(forbidden(message));
  assert.equal(status, 403);
  assert.deepEqual(body.error, { ...body.error, code: "kube_forbidden", message, missingPermission: null });
  assert.ok(app.records().some((r) => String(r.msg).includes(message)), "the log has it too");
});

test("PodSecurity's refusal is answered with its message", async () => {
  const message = 'pods "p" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false)';
  const { status, body } = await answer(forbidden(message));
  assert.equal(status, 403);
  assert.equal(body.error.message, message);
});

test("a relayed message is censored of the secrets the process holds", async () => {
  rememberSecret("s3cr3t-value-for-admission-answer");
  const { body } = await answer(forbidden('admission webhook "w" denied the request: label token=s3cr3t-value-for-admission-answer is not allowed'));
  assert.doesNotMatch(body.error.message, /s3cr3t-value-for-admission-answer/);
  assert.match(body.error.message, /^admission webhook "w" denied the request: label token=\[redacted\]/);
});

test("a refusal naming the requesting user (RBAC escalation) keeps the generic message: the ServiceAccount's name is not answered", async () => {
  const { status, body } = await answer(forbidden('roles.rbac.authorization.k8s.io "r" is forbidden: user "system:serviceaccount:ops:podfn" (groups=["system:serviceaccounts"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}'));
  assert.equal(status, 403);
  assert.equal(body.error.message, "the function's ServiceAccount is not allowed this call (the log says what the API server answered)");
  assert.doesNotMatch(JSON.stringify(body), /system:serviceaccount/);
});

test("a policy's message naming the requesting ServiceAccount unquoted is relayed with the account redacted", async () => {
  const message = "ValidatingAdmissionPolicy 'no-kube-system' with binding 'b' denied request: system:serviceaccount:ops:podfn-http may not write secrets in kube-system";
  const { status, body, app } = await answer(forbidden(message));
  assert.equal(status, 403);
  assert.equal(body.error.message, "ValidatingAdmissionPolicy 'no-kube-system' with binding 'b' denied request: system:serviceaccount:[redacted] may not write secrets in kube-system");
  assert.ok(app.records().some((r) => String(r.msg).includes("system:serviceaccount:ops:podfn-http")), "the log keeps the account");
});

test("a secret the process holds is censored from a relayed message in its base64 form too (a Secret's data, as a webhook echoing the object quotes it)", async () => {
  rememberSecret("s3cr3t-webhook-key-0123456789");
  const { body } = await answer(forbidden(`admission webhook "w" denied the request: data.key=${Buffer.from("s3cr3t-webhook-key-0123456789").toString("base64")} is not allowed`));
  assert.equal(body.error.message, 'admission webhook "w" denied the request: data.key=[redacted] is not allowed');
});
