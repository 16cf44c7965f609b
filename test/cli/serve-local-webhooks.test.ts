/**
 * `podfn serve` on the embedded emulated cluster registers its admission webhooks with it (as
 * the generated manifests would, calling the local listener): a client's write there is
 * reviewed, refused with 1.32's denial Status or patched. Against another cluster (one found
 * through a kubeconfig, here an emulated one in another process's place) nothing is registered.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startPodfn, type PodfnProcess } from "../e2e/helpers/processes.js";
import { createKubeClient, resolveCredentials, KubeApiError } from "../../runtime/kube/index.js";
import type { KubeClient, KubeObject } from "../../runtime/kube/api.js";
import { startCluster, type Cluster } from "../../runtime/testing/index.js";
import { createCertificates } from "../../runtime/testing/cluster/index.js";

/** A validating webhook (owner-required: ConfigMaps need an `owner` label) and a mutating one (team-label: adds `team: platform`). */
const FUNCTIONS = fileURLToPath(new URL("./fixtures/local-webhooks", import.meta.url));
const VALIDATING = "owner-required.podfn.default.podfn.dev";

async function clientOf(kubeconfig: string): Promise<KubeClient> {
  return createKubeClient({ credentials: await resolveCredentials({ kubeconfig, serviceAccountDir: "/nonexistent", env: {} }) });
}

const configurations = (kube: KubeClient, kind: "Validating" | "Mutating") =>
  kube.resource<KubeObject & { webhooks: Record<string, any>[] }>({ group: "admissionregistration.k8s.io", version: "v1", resource: `${kind.toLowerCase()}webhookconfigurations`, namespaced: false, kind: `${kind}WebhookConfiguration` });

describe("podfn serve on the embedded emulated cluster (npm start)", () => {
  let home: string;
  let serve: PodfnProcess;
  let kube: KubeClient;

  before(async () => {
    home = await mkdtemp(join(tmpdir(), "podfn-home-"));
    serve = startPodfn(["serve", "--port", "0", "--admission-port", "0", "--functions", FUNCTIONS], { HOME: home }, { cwd: home });
    await serve.waitFor(/admission webhook owner-required\S* registered/);
    await serve.waitFor(/admission webhook team-label\S* registered/);
    kube = await clientOf(join(home, ".podfn/cluster/admin.kubeconfig"));
    await kube.namespaces.create({ metadata: { name: "team-a" } });
  });

  after(async () => {
    await kube?.close();
    await serve.stop();
    await rm(home, { recursive: true, force: true });
  });

  test("logs one line per webhook naming its configuration, and not that they go unserved", () => {
    assert.match(serve.output(), /"msg":"admission webhook owner-required\.podfn\.default\.podfn\.dev registered with the embedded emulated cluster \(ValidatingWebhookConfiguration podfn\.default\): writes it matches are reviewed here"/);
    assert.match(serve.output(), /"msg":"admission webhook team-label\.podfn\.default\.podfn\.dev registered with the embedded emulated cluster \(MutatingWebhookConfiguration podfn\.default\)/);
    assert.doesNotMatch(serve.output(), /not served|no API server calls them/);
  });

  test("a client's create the validating webhook refuses is answered with 1.32's denial Status", async () => {
    const error = await kube.configMaps.create({ metadata: { name: "no-owner" }, data: {} }, { namespace: "team-a" }).catch((e: unknown) => e);
    assert.ok(error instanceof KubeApiError, String(error));
    assert.equal(error.statusCode, 403);
    assert.deepEqual(error.status, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: `admission webhook "${VALIDATING}" denied the request: every ConfigMap needs an owner label`, code: 403 });
  });

  test("the mutating webhook's patch is applied to what is stored", async () => {
    const created = await kube.configMaps.create({ metadata: { name: "owned", labels: { owner: "ops" } }, data: {} }, { namespace: "team-a" });
    assert.deepEqual(created.metadata?.labels, { owner: "ops", team: "platform" });
  });

  test("the functions' own namespace is left out, as the generated namespaceSelector leaves it", async () => {
    const created = await kube.configMaps.create({ metadata: { name: "no-owner-here" }, data: {} }, { namespace: "default" });
    assert.equal(created.metadata?.labels, undefined);
  });

  test("the configurations are the generated ones, calling the local listener with the CA it trusts", async () => {
    const validating = await configurations(kube, "Validating").get("podfn.default");
    const [hook] = validating.webhooks;
    assert.equal(validating.webhooks.length, 1);
    assert.match(hook!.clientConfig.url, /^https:\/\/127\.0\.0\.1:\d+\/admission\/owner-required$/);
    assert.ok(hook!.clientConfig.caBundle);
    assert.equal(hook!.clientConfig.service, undefined);
    assert.equal(hook!.failurePolicy, "Fail");
    assert.equal(hook!.timeoutSeconds, 5);
    assert.equal(hook!.sideEffects, "None");
    assert.deepEqual(hook!.namespaceSelector, { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "NotIn", values: ["default", "kube-system"] }] });
    const mutating = await configurations(kube, "Mutating").get("podfn.default");
    assert.equal(mutating.webhooks[0]!.failurePolicy, "Ignore");
    assert.equal(mutating.metadata?.annotations?.["cert-manager.io/inject-ca-from"], undefined);
  });
});

test("with a certificate of the user's (--admission-cert-file; its CA's not given), it is served and is the webhooks' caBundle", async () => {
  const home = await mkdtemp(join(tmpdir(), "podfn-home-"));
  let kube: KubeClient | undefined;
  let serve: PodfnProcess | undefined;
  try {
    const own = await createCertificates();
    await writeFile(join(home, "tls.crt"), own.certPem);
    await writeFile(join(home, "tls.key"), own.keyPem, { mode: 0o600 });
    serve = startPodfn(["serve", "--port", "0", "--admission-port", "0", "--admission-cert-file", join(home, "tls.crt"), "--admission-key-file", join(home, "tls.key"), "--functions", FUNCTIONS], { HOME: home }, { cwd: home });
    await serve.waitFor(/admission webhook owner-required\S* registered/);
    kube = await clientOf(join(home, ".podfn/cluster/admin.kubeconfig"));
    const [hook] = (await configurations(kube, "Validating").get("podfn.default")).webhooks;
    assert.equal(Buffer.from(hook!.clientConfig.caBundle, "base64").toString("utf8"), own.certPem);
    await kube.namespaces.create({ metadata: { name: "team-a" } });
    const error = await kube.configMaps.create({ metadata: { name: "no-owner" }, data: {} }, { namespace: "team-a" }).catch((e: unknown) => e);
    assert.ok(error instanceof KubeApiError, String(error));
    assert.equal(error.status.message, `admission webhook "${VALIDATING}" denied the request: every ConfigMap needs an owner label`);
  } finally {
    await serve?.stop();
    await kube?.close();
    await rm(home, { recursive: true, force: true });
  }
});

test("against a cluster found through a kubeconfig, nothing is registered and the webhooks go unserved with the warning", async () => {
  const home = await mkdtemp(join(tmpdir(), "podfn-home-"));
  let cluster: Cluster | undefined;
  let kube: KubeClient | undefined;
  let serve: PodfnProcess | undefined;
  try {
    cluster = await startCluster();
    const kubeconfig = join(home, "kubeconfig");
    await writeFile(kubeconfig, cluster.kubeconfig());
    serve = startPodfn(["serve", "--cluster", "real", "--kubeconfig", kubeconfig, "--port", "0", "--admission-port", "0", "--functions", FUNCTIONS], { HOME: home }, { cwd: home });
    await serve.waitFor(/"msg":"listening"/);
    assert.match(serve.output(), /admission webhooks not served: no certificate at/);
    kube = await clientOf(kubeconfig);
    assert.deepEqual((await configurations(kube, "Validating").listPage()).items, []);
    assert.deepEqual((await configurations(kube, "Mutating").listPage()).items, []);
    assert.doesNotMatch(serve.output(), /registered with the embedded emulated cluster/);
  } finally {
    await serve?.stop();
    await kube?.close();
    await cluster?.stop();
    await rm(home, { recursive: true, force: true });
  }
});
