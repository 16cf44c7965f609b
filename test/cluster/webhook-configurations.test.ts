/**
 * admissionregistration.k8s.io/v1 webhook configurations on the emulated cluster: served in
 * discovery as 1.32 lists them, created with 1.32's defaults (in Go's field order), and
 * refused with ValidateValidatingWebhookConfiguration's field paths and messages.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { request } from "node:https";
import { startCluster, type Cluster } from "../../runtime/testing/index.js";

type Obj = Record<string, any>;
let cluster: Cluster;
before(async () => (cluster = await startCluster()));
after(async () => cluster?.stop());

function kube(method: string, path: string, body?: unknown, accept = "application/json"): Promise<{ status: number; body: Obj }> {
  return new Promise((resolve, reject) => {
    const req = request(`${cluster.url}${path}`, { method, ca: cluster.caPem, headers: { authorization: `Bearer ${cluster.adminToken}`, "content-type": "application/json", accept } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        try {
          resolve({ status: res.statusCode!, body: JSON.parse(text) });
        } catch {
          reject(new Error(`${method} ${path}: ${res.statusCode} ${text}`));
        }
      });
    });
    req.on("error", reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const V = "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations";
const M = "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations";
const rule = { operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["configmaps"] };

test("the aggregated discovery lists admissionregistration.k8s.io's webhook configurations as 1.32 does", async () => {
  const fixture = JSON.parse(await readFile(new URL("../fixtures/kube-apiserver-1.32/discovery-aggregated-apis.json", import.meta.url), "utf8"));
  const group = (doc: Obj) => doc.items.find((g: Obj) => g.metadata.name === "admissionregistration.k8s.io").versions[0].resources.filter((r: Obj) => r.resource.endsWith("webhookconfigurations"));
  const served = await kube("GET", "/apis", undefined, "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
  assert.deepEqual(group(served.body), group(fixture.response.body));
});

test("a created configuration gets 1.32's defaults and a generation, in Go's field order", async () => {
  const created = await kube("POST", M, { metadata: { name: "defaults" }, webhooks: [{ name: "stamp.example.com", clientConfig: { service: { name: "hooks", namespace: "ops", path: "/stamp" } }, rules: [rule], sideEffects: "None", admissionReviewVersions: ["v1"] }] });
  assert.equal(created.status, 201);
  assert.equal(created.body.metadata.generation, 1);
  assert.deepEqual(created.body.webhooks, [{
    name: "stamp.example.com",
    clientConfig: { service: { namespace: "ops", name: "hooks", path: "/stamp", port: 443 } },
    rules: [{ ...rule, scope: "*" }],
    failurePolicy: "Fail", matchPolicy: "Equivalent", namespaceSelector: {}, objectSelector: {}, sideEffects: "None", timeoutSeconds: 10, admissionReviewVersions: ["v1"], reinvocationPolicy: "Never",
  }]);
  assert.equal((await kube("GET", `${M}/defaults`)).body.webhooks[0].reinvocationPolicy, "Never");
  assert.equal((await kube("DELETE", `${M}/defaults`)).status, 200);
});

test("an invalid configuration is refused with the real field paths and messages", async () => {
  const refused = await kube("POST", V, {
    metadata: { name: "bad" },
    webhooks: [
      { name: "short", clientConfig: { url: "http://hooks.example.com/x?a=1" }, rules: [rule], timeoutSeconds: 31, admissionReviewVersions: [] },
      { name: "short", clientConfig: {}, sideEffects: "Some", admissionReviewVersions: ["v1"], matchConditions: [{ name: "bad name!", expression: "true" }] },
    ],
  });
  assert.equal(refused.status, 422);
  assert.deepEqual(refused.body.details.causes.map((c: Obj) => `${c.field}: ${c.message}`), [
    'webhooks[0].name: Invalid value: "short": should be a domain with at least three segments separated by dots',
    "webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun",
    "webhooks[0].timeoutSeconds: Invalid value: 31: the timeout value must be between 1 and 30 seconds",
    'webhooks[0].clientConfig.url: Invalid value: "http": \'https\' is the only allowed URL scheme; desired format: https://host[/path]',
    'webhooks[0].clientConfig.url: Invalid value: "a=1": query parameters are not permitted in the URL',
    "webhooks[0].admissionReviewVersions: Required value: must specify one of v1, v1beta1",
    'webhooks[1].name: Invalid value: "short": should be a domain with at least three segments separated by dots',
    'webhooks[1].sideEffects: Unsupported value: "Some": supported values: "None", "NoneOnDryRun"',
    "webhooks[1].clientConfig: Required value: exactly one of url or service is required",
    "webhooks[1].matchConditions[0].name: Invalid value: \"bad name!\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    'webhooks[1].name: Duplicate value: "short"',
  ]);
  const uncompiled = await kube("POST", V, { metadata: { name: "cel" }, webhooks: [{ name: "a.example.com", clientConfig: { url: "https://hooks.example.com" }, sideEffects: "None", admissionReviewVersions: ["v1"], matchConditions: [{ name: "broken", expression: "object.(" }] }] });
  assert.equal(uncompiled.status, 422);
  assert.equal(uncompiled.body.details.causes[0].field, "webhooks[0].matchConditions[0].expression");
  assert.match(uncompiled.body.details.causes[0].message, /^Invalid value: "object\.\(": compilation failed: /);
});

test("a condition calling Kubernetes' authorizer library compiles, as on a real server; a call the library has not is refused", async () => {
  const expression = "authorizer.group('apps').resource('deployments').namespace('ops').check('patch').allowed() && authorizer.path('/healthz').check('get').reason() == ''";
  const accepted = await kube("POST", V, { metadata: { name: "authz" }, webhooks: [{ name: "a.example.com", clientConfig: { url: "https://hooks.example.com" }, sideEffects: "None", admissionReviewVersions: ["v1"], matchConditions: [{ name: "can-patch", expression }] }] });
  assert.equal(accepted.status, 201, JSON.stringify(accepted.body));
  const refused = await kube("POST", V, { metadata: { name: "authz-bad" }, webhooks: [{ name: "a.example.com", clientConfig: { url: "https://hooks.example.com" }, sideEffects: "None", admissionReviewVersions: ["v1"], matchConditions: [{ name: "bogus", expression: "authorizer.group('apps').allowed()" }] }] });
  assert.equal(refused.status, 422);
  assert.match(refused.body.details.causes[0].message, /compilation failed: /);
});

test("the authorizer library's selectors and requestResource compile, as on a 1.32 server; a field its types have not is refused", async () => {
  const webhook = (name: string, expression: string) => ({ metadata: { name }, webhooks: [{ name: "a.example.com", clientConfig: { url: "https://hooks.example.com" }, sideEffects: "None", admissionReviewVersions: ["v1"], matchConditions: [{ name: "c", expression }] }] });
  const selectors = await kube("POST", V, webhook("authz-selectors", "authorizer.group('').resource('pods').fieldSelector('spec.nodeName=n1').labelSelector('app=web').check('list').allowed()"));
  assert.equal(selectors.status, 201, JSON.stringify(selectors.body));
  const own = await kube("POST", V, webhook("authz-own", "authorizer.requestResource.subresource('status').check('update').allowed()"));
  assert.equal(own.status, 201, JSON.stringify(own.body));
  for (const [name, expression] of [["authz-field", "authorizer.path('/healthz').path == '/healthz'"], ["authz-account-own", "authorizer.serviceAccount('a', 'b').requestResource.check('get').allowed()"]]) {
    const refused = await kube("POST", V, webhook(name!, expression!));
    assert.equal(refused.status, 422, expression);
    assert.match(refused.body.details.causes[0].message, /compilation failed: /);
  }
});
