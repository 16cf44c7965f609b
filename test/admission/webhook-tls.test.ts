/**
 * A webhook whose certificate does not name the host it is called at fails as the API server's
 * Go client words it (crypto/x509's HostnameError, after `tls: failed to verify certificate: `):
 * a Service's `<name>.<namespace>.svc` not among its DNS names, an IP address URL without IP
 * SANs, a certificate signed by another CA.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startHarness, type Harness } from "../../runtime/testing/index.js";
import { createCertificates } from "../../runtime/testing/cluster/auth/certs.js";
import { startHookServer, type HookServer } from "./hook-server.js";
import { KubeApiError } from "../../runtime/kube/errors.js";

type Obj = Record<string, any>;
let h: Harness;
let hook: HookServer;
let ca: string;
let port: number;

before(async () => {
  h = await startHarness();
  hook = await startHookServer(h, (review) => ({ uid: review.request.uid, allowed: true }), ["hook", "other"]);
  ca = hook.ca;
  port = hook.port;
});
after(async () => {
  hook?.close();
  await h?.stop();
});

/** The error of creating a ConfigMap with one validating webhook called as `clientConfig` says. */
async function refusal(clientConfig: Obj): Promise<string | undefined> {
  const configuration = {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "ValidatingWebhookConfiguration",
    metadata: { name: "tls" },
    webhooks: [{ name: "tls.example.com", clientConfig, rules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["configmaps"] }], admissionReviewVersions: ["v1"], sideEffects: "None", namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "default" } } }],
  };
  await h.admin.request({ method: "POST", path: "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations", body: configuration });
  try {
    await h.admin.with({ namespace: "default" }).configMaps.create({ metadata: { generateName: "tls-" } });
    return undefined;
  } catch (error) {
    if (!(error instanceof KubeApiError)) throw error;
    return error.message.replace(/ \(HTTP \d+\)$/, "").replace(/^[A-Z]+ \S+: /, "");
  } finally {
    await h.admin.request({ method: "DELETE", path: "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/tls" });
  }
}

const failed = (url: string, reason: string) => `Internal error occurred: failed calling webhook "tls.example.com": failed to call webhook: Post "${url}": tls: failed to verify certificate: ${reason}`;
const caBundle = () => Buffer.from(ca).toString("base64");

test("the Service the certificate names is called", async () => {
  assert.equal(await refusal({ service: { namespace: "hooks", name: "hook", path: "/review" }, caBundle: caBundle() }), undefined);
});

test("a Service the certificate does not name: its DNS SANs listed", async () => {
  const names = "localhost, kubernetes, kubernetes.default, kubernetes.default.svc, kubernetes.default.svc.cluster.local, hook.hooks.svc";
  assert.equal(await refusal({ service: { namespace: "hooks", name: "other", path: "/review" }, caBundle: caBundle() }), failed("https://other.hooks.svc:443/review?timeout=10s", `x509: certificate is valid for ${names}, not other.hooks.svc`));
});

test("an IP address URL is checked against the IP SANs", async () => {
  assert.equal(await refusal({ url: `https://127.0.0.1:${port}/review`, caBundle: caBundle() }), undefined);
  const fresh = await createCertificates();
  assert.equal(await refusal({ url: `https://127.0.0.1:${port}/review`, caBundle: Buffer.from(fresh.caPem).toString("base64") }), failed(`https://127.0.0.1:${port}/review?timeout=10s`, "x509: certificate signed by unknown authority"));
});

test("a caBundle holding the server's own certificate (not its CA's, which signed it) is trusted, as Go trusts a certificate in its root pool", async () => {
  // crypto/x509's Verify: `if opts.Roots.contains(c) { candidateChains = [][]*Certificate{{c}} }`.
  assert.equal(await refusal({ url: `https://127.0.0.1:${port}/review`, caBundle: Buffer.from(hook.certPem).toString("base64") }), undefined);
  // Its names are checked still.
  assert.equal(await refusal({ service: { namespace: "hooks", name: "other", path: "/review" }, caBundle: Buffer.from(hook.certPem).toString("base64") }), failed("https://other.hooks.svc:443/review?timeout=10s", "x509: certificate is valid for localhost, kubernetes, kubernetes.default, kubernetes.default.svc, kubernetes.default.svc.cluster.local, hook.hooks.svc, not other.hooks.svc"));
});

test("Go's other words for names that do not match: no IP SANs, no names, a Common Name alone", async () => {
  const { hostnameError } = await import("../../runtime/testing/cluster/webhook-tls.js");
  const cert = (fields: Obj) => ({ subject: { CN: "hook.hooks.svc" }, ...fields }) as never;
  assert.equal(hostnameError("10.0.0.1", cert({ subjectaltname: "DNS:hook.hooks.svc" }))?.message, "x509: cannot validate certificate for 10.0.0.1 because it doesn't contain any IP SANs");
  assert.equal(hostnameError("10.0.0.1", cert({ subjectaltname: "IP Address:10.0.0.2, IP Address:0:0:0:0:0:0:0:1" }))?.message, "x509: certificate is valid for 10.0.0.2, ::1, not 10.0.0.1");
  assert.equal(hostnameError("hook.hooks.svc", cert({}))?.message, "x509: certificate relies on legacy Common Name field, use SANs instead");
  assert.equal(hostnameError("other.hooks.svc", cert({ subjectaltname: "IP Address:10.0.0.2" }))?.message, "x509: certificate is not valid for any names, but wanted to match other.hooks.svc");
  assert.equal(hostnameError("a.hooks.svc", cert({ subjectaltname: "DNS:*.hooks.svc" })), undefined);
});
