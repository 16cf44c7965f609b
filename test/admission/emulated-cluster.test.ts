/**
 * Admission webhooks end to end on the emulated cluster: podfn's own webhook server (serve's
 * code) for a validating and a mutating function, the configurations `podfn manifests`
 * generates applied with their caBundle set and their Service mapped to the server
 * (`cluster.serviceAddress`), then ordinary writes: a refusal arrives as ToStatusErr's Status,
 * the mutating webhook's change is stored, selectors and matchConditions leave out what they
 * should, a webhook that is down fails the write under Fail and not under Ignore, a dry run is
 * reviewed as one, and kubectl prints the refusal as it does against a 1.32 server (no reason in the Status: no
 * "(Forbidden)" after "Error from server").
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { request } from "node:https";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { generateManifests } from "../../runtime/deploy/index.js";
import { startCluster, type Cluster } from "../../runtime/testing/index.js";
import { captureLogs } from "../schedule/helpers.js";
import { fakeKube } from "../http/helpers.js";
import { loadedAdmission, startWebhooks } from "./helpers.js";

type Obj = Record<string, any>;
const run = promisify(execFile);
const hasKubectl = await run("kubectl", ["version", "--client"]).then(() => true, () => false);

const owner = loadedAdmission({
  name: "owner",
  admission: {
    type: "validating",
    rules: [{ operations: ["CREATE", "UPDATE"], resource: "configmaps" }],
    objectSelector: { matchExpressions: [{ key: "skip-owner", operator: "DoesNotExist" }] },
    matchConditions: [{ name: "not-exempt", expression: "object.metadata.name != 'exempt'" }],
    sideEffects: "NoneOnDryRun",
  },
  handler: ({ trigger }) => {
    const labels = (trigger.request.object?.metadata?.labels ?? {}) as Record<string, string>;
    if (labels.owner) return { allowed: true, warnings: [`owned by ${labels.owner}${trigger.request.dryRun ? " (dry run)" : ""}`] };
    return { allowed: false, code: 403, message: "every ConfigMap needs an owner label" };
  },
});
const stamp = loadedAdmission({
  name: "stamp",
  admission: { type: "mutating", rules: [{ operations: ["CREATE"], resource: "configmaps" }] },
  handler: ({ trigger }) => {
    const cm = trigger.request.object as Obj;
    return { allowed: true, object: { ...cm, metadata: { ...cm.metadata, labels: { ...cm.metadata.labels, stamped: "yes" } } } };
  },
});

function kube(cluster: Cluster, method: string, path: string, body?: unknown): Promise<{ status: number; body: Obj; warnings: string[] }> {
  return new Promise((resolve, reject) => {
    const req = request(`${cluster.url}${path}`, { method, ca: cluster.caPem, headers: { authorization: `Bearer ${cluster.adminToken}`, "content-type": "application/json" } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const w = res.headers.warning;
        const text = Buffer.concat(chunks).toString("utf8");
        try {
          resolve({ status: res.statusCode!, body: JSON.parse(text), warnings: w === undefined ? [] : Array.isArray(w) ? w : [w] });
        } catch {
          reject(new Error(`${method} ${path}: ${res.statusCode} ${text}`));
        }
      });
    });
    req.on("error", reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const cm = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, labels }, data: { a: "1" } });

describe("admission webhooks called by the emulated cluster", () => {
  let cluster: Cluster;
  let webhooks: Awaited<ReturnType<typeof startWebhooks>>;
  let service: { name: string; namespace: string };
  const log = captureLogs();

  before(async () => {
    cluster = await startCluster();
    const objects = generateManifests([owner, stamp], { namespace: "ops", app: "tools", image: "registry.example/podfn:1.0" }).flatMap((g) => g.objects);
    const configurations = objects.filter((o) => o.kind?.endsWith("WebhookConfiguration")) as Obj[];
    service = configurations[0]!.webhooks[0].clientConfig.service;
    webhooks = await startWebhooks([owner, stamp], log.logger, fakeKube().kube, [`${service.name}.${service.namespace}.svc`]);
    for (const ns of ["ops", "apps"]) assert.equal((await kube(cluster, "POST", "/api/v1/namespaces", { metadata: { name: ns } })).status, 201);
    // The HTTP Service the manifests create (no pods behind it here: serviceAddress says where its port is).
    const svc = objects.find((o) => o.kind === "Service" && o.metadata?.name === service.name);
    assert.equal((await kube(cluster, "POST", `/api/v1/namespaces/${service.namespace}/services`, svc)).status, 201);
    for (const c of configurations) {
      // As cert-manager's CA injector would: the serving certificate's CA as each webhook's caBundle.
      for (const h of c.webhooks) h.clientConfig.caBundle = Buffer.from(webhooks.ca).toString("base64");
      const plural = c.kind === "MutatingWebhookConfiguration" ? "mutatingwebhookconfigurations" : "validatingwebhookconfigurations";
      const created = await kube(cluster, "POST", `/apis/admissionregistration.k8s.io/v1/${plural}`, c);
      assert.equal(created.status, 201, JSON.stringify(created.body));
    }
    cluster.serviceAddress(service.namespace, service.name, 443, new URL(webhooks.url).host);
  });
  after(async () => {
    await webhooks?.stop();
    await cluster?.stop();
  });

  test("a refusal is the webhook's Status, made ToStatusErr's error, and nothing is stored", async () => {
    const answer = await kube(cluster, "POST", "/api/v1/namespaces/apps/configmaps", cm("bare"));
    const name = `${owner.name}.tools.ops.podfn.dev`;
    assert.equal(answer.status, 403);
    assert.deepEqual(answer.body, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: `admission webhook "${name}" denied the request: every ConfigMap needs an owner label`, code: 403 });
    assert.equal((await kube(cluster, "GET", "/api/v1/namespaces/apps/configmaps/bare")).status, 404);
  });

  test("the mutating webhook's patch is in the stored object, and the validating one's warning is a Warning header", async () => {
    const answer = await kube(cluster, "POST", "/api/v1/namespaces/apps/configmaps", cm("owned", { owner: "payments" }));
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    assert.deepEqual(answer.body.metadata.labels, { owner: "payments", stamped: "yes" });
    assert.deepEqual(answer.warnings, ['299 - "owned by payments"']);
    assert.deepEqual((await kube(cluster, "GET", "/api/v1/namespaces/apps/configmaps/owned")).body.metadata.labels, { owner: "payments", stamped: "yes" });
  });

  test("an update is reviewed too: a patch that drops the owner label is refused", async () => {
    const answer = await kube(cluster, "PUT", "/api/v1/namespaces/apps/configmaps/owned", cm("owned"));
    assert.equal(answer.status, 403);
    assert.match(answer.body.message, /denied the request: every ConfigMap needs an owner label$/);
  });

  test("the namespaceSelector leaves out the app's own namespace, the objectSelector and matchConditions what they name", async () => {
    const own = await kube(cluster, "POST", "/api/v1/namespaces/ops/configmaps", cm("in-ops"));
    assert.equal(own.status, 201);
    assert.deepEqual(own.body.metadata.labels, undefined, "neither webhook is called in ops");
    assert.equal((await kube(cluster, "POST", "/api/v1/namespaces/apps/configmaps", cm("skipped", { "skip-owner": "1" }))).status, 201);
    assert.equal((await kube(cluster, "POST", "/api/v1/namespaces/apps/configmaps", cm("exempt"))).status, 201);
  });

  test("a dry run is reviewed as one (sideEffects NoneOnDryRun) and stores nothing", async () => {
    const answer = await kube(cluster, "POST", "/api/v1/namespaces/apps/configmaps?dryRun=All", cm("trial", { owner: "ops" }));
    assert.equal(answer.status, 201);
    assert.deepEqual(answer.warnings, ['299 - "owned by ops (dry run)"']);
    assert.equal((await kube(cluster, "GET", "/api/v1/namespaces/apps/configmaps/trial")).status, 404);
  });

  test("kubectl apply of a refused object prints the refusal", { skip: hasKubectl ? false : "kubectl is not on PATH" }, async () => {
    const dir = await mkdtemp(join(tmpdir(), "podfn-webhook-kubectl-"));
    try {
      await writeFile(join(dir, "kubeconfig"), cluster.kubeconfig());
      await writeFile(join(dir, "cm.json"), JSON.stringify({ ...cm("from-kubectl"), metadata: { name: "from-kubectl", namespace: "apps" } }));
      const failed = await run("kubectl", ["--kubeconfig", join(dir, "kubeconfig"), "apply", "-f", join(dir, "cm.json")]).then(() => undefined, (e: { stderr: string }) => e.stderr);
      assert.equal(failed?.trim(), `Error from server: error when creating "${join(dir, "cm.json")}": admission webhook "owner.tools.ops.podfn.dev" denied the request: every ConfigMap needs an owner label`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("with the webhook down, Fail refuses the write with the calling error, Ignore lets it through", async () => {
    cluster.serviceAddress(service.namespace, service.name, 443, undefined);
    const refused = await kube(cluster, "POST", "/api/v1/namespaces/apps/configmaps", cm("while-down", { owner: "x" }));
    assert.equal(refused.status, 500);
    const message = `failed calling webhook "stamp.tools.ops.podfn.dev": failed to call webhook: Post "https://${service.name}.ops.svc:443/admission/stamp?timeout=10s": no endpoints available for service "${service.name}"`;
    assert.deepEqual(refused.body, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: `Internal error occurred: ${message}`, reason: "InternalError", details: { causes: [{ message }] }, code: 500 });
    const path = "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/tools.ops";
    const current = (await kube(cluster, "GET", path)).body;
    current.webhooks[0].failurePolicy = "Ignore";
    assert.equal((await kube(cluster, "PUT", path, current)).status, 200);
    const vpath = "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/tools.ops";
    const v = (await kube(cluster, "GET", vpath)).body;
    v.webhooks[0].failurePolicy = "Ignore";
    assert.equal((await kube(cluster, "PUT", vpath, v)).status, 200);
    const through = await kube(cluster, "POST", "/api/v1/namespaces/apps/configmaps", cm("while-down"));
    assert.equal(through.status, 201);
    assert.equal(through.body.metadata.labels, undefined);
  });
});
