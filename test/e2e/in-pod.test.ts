/**
 * End to end, as in a pod: `podfn cluster` runs the API server in its own process; `podfn serve`
 * runs this test's own functions (fixtures/in-pod: a whoami, a pod lister, an admission webhook;
 * not the examples, which a project deletes) with ONLY the in-cluster configuration a pod has (KUBERNETES_SERVICE_HOST/
 * PORT and a kubelet-style ServiceAccount folder; no kubeconfig, an empty HOME), as the
 * ServiceAccount `podfn manifests` generates for the HTTP workload, first with nothing bound,
 * then with the generated RBAC applied, then after its token was replaced.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments, parse } from "yaml";
import type { KubeClient, KubeObject } from "podfn";
import { applyObjects } from "../../runtime/testing/apply.js";
import { swapToken, writeServiceAccountDir } from "../../runtime/testing/cluster/serviceaccount-dir.js";
import { clientFor } from "../../runtime/testing/index.js";
import { runPodfn, startPodfn, type PodfnProcess } from "./helpers/processes.js";
import { createCertificates } from "../../runtime/testing/cluster/auth/certs.js";
import { post, reviewOf } from "../admission/helpers.js";

const NAMESPACE = "apps";
const API_TOKEN = "e2e-api-token-0123456789";
const FUNCTIONS = fileURLToPath(new URL("./fixtures/in-pod", import.meta.url));
const json = (res: Response): Promise<any> => res.json();

describe("podfn serve in a pod, against podfn cluster", () => {
  let tmp: string;
  let cluster: PodfnProcess;
  let serve: PodfnProcess;
  let admin: KubeClient;
  let caPem: string;
  let base: string;
  let manifests: KubeObject[];
  let account: string;
  let saDir: string;
  let server: string;
  let firstToken: string;
  let webhooks: string;
  let webhookCa: string;

  /** Mints a token for the ServiceAccount with the TokenRequest API, as the kubelet does. */
  async function mintToken(): Promise<string> {
    const answer = await admin.request<{ status: { token: string } }>({
      method: "POST",
      path: `/api/v1/namespaces/${NAMESPACE}/serviceaccounts/${account}/token`,
      body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { expirationSeconds: 3600 } },
    });
    return answer.status.token;
  }
  const get = (path: string) => fetch(`${base}${path}`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
  const ofKinds = (...kinds: string[]) => manifests.filter((o) => kinds.includes(o.kind ?? ""));

  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), "podfn-e2e-"));
    cluster = startPodfn(["cluster", "--port", "0", "--state-dir", join(tmp, "cluster")], { HOME: tmp });
    const [, url] = await cluster.waitFor(/listening on (https:\/\/127\.0\.0\.1:\d+)/);
    caPem = await readFile(join(tmp, "cluster", "ca.crt"), "utf8");
    const kubeconfig = parse(await readFile(join(tmp, "cluster", "admin.kubeconfig"), "utf8")) as { users: { user: { token: string } }[] };
    admin = await clientFor({ server: url!, caPem, token: kubeconfig.users[0]!.user.token, namespace: NAMESPACE });

    const generated = await runPodfn(["manifests", "--functions", FUNCTIONS, "--namespace", NAMESPACE, "--out", join(tmp, "manifests")], { HOME: tmp });
    assert.equal(generated.code, 0, generated.output);
    manifests = parseAllDocuments(await readFile(join(tmp, "manifests", "http.yaml"), "utf8")).map((d) => d.toJS() as KubeObject).filter(Boolean);
    account = ofKinds("ServiceAccount")[0]!.metadata!.name!;

    await admin.namespaces.create({ metadata: { name: NAMESPACE } });
    await applyObjects(admin, ofKinds("ServiceAccount"));
    await admin.pods.create({ metadata: { name: "web-1" }, spec: { containers: [{ name: "main", image: "busybox:1.36" }] } });
    server = url!;
    firstToken = await mintToken();
    saDir = await writeServiceAccountDir({ token: firstToken, caPem, namespace: NAMESPACE }, Date.now(), join(tmp, "serviceaccount"));
    const secrets = join(tmp, "secrets");
    await mkdir(secrets);
    // serve refuses to start while a secret some function authenticates with is missing.
    await writeFile(join(secrets, "api-token"), `${API_TOKEN}\n`);

    // As cert-manager's Secret is mounted in the generated pods: the admission webhooks' certificate.
    const certificate = await createCertificates();
    webhookCa = certificate.caPem;
    await writeFile(join(tmp, "tls.crt"), certificate.certPem);
    await writeFile(join(tmp, "tls.key"), certificate.keyPem);
    const port = url!.split(":").pop()!;
    serve = startPodfn(["serve", "--functions", FUNCTIONS, "--port", "0", "--host", "127.0.0.1"], {
      HOME: join(tmp, "home"),
      KUBERNETES_SERVICE_HOST: "127.0.0.1",
      KUBERNETES_SERVICE_PORT: port,
      PODFN_SERVICEACCOUNT_DIR: saDir,
      PODFN_SECRETS_DIR: secrets,
      PODFN_ADMISSION_PORT: "0",
      PODFN_ADMISSION_CERT_FILE: join(tmp, "tls.crt"),
      PODFN_ADMISSION_KEY_FILE: join(tmp, "tls.key"),
    });
    const [, admissionUrl] = await serve.waitFor(/"url":"(https:\/\/127\.0\.0\.1:\d+)"/);
    webhooks = admissionUrl!;
    const [, listening] = await serve.waitFor(/"url":"(http:\/\/127\.0\.0\.1:\d+)"/);
    base = listening!;
    const deadline = Date.now() + 20_000;
    while ((await fetch(`${base}/readyz`).then((r) => r.status, () => 0)) !== 200) {
      if (Date.now() > deadline) throw new Error(`/readyz never answered 200; output:\n${serve.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  after(async () => {
    await serve?.stop();
    await admin?.close();
    await cluster?.stop();
    await rm(tmp, { recursive: true, force: true });
  });

  test("a whoami answers the pod's ServiceAccount, read from the in-cluster folder", async () => {
    const res = await get("/who");
    assert.equal(res.status, 200, serve.output());
    const body = await json(res);
    assert.equal(body.username, `system:serviceaccount:${NAMESPACE}:${account}`);
    assert.equal(body.namespace, NAMESPACE);
  });

  test("an admission webhook answers an AdmissionReview over HTTPS on the webhook port", async () => {
    const res = await post(webhooks, "/admission/require-label", JSON.stringify(reviewOf({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" } }, { uid: "e2e-1" })), webhookCa);
    assert.equal(res.status, 200, serve.output());
    assert.equal(res.body.response.uid, "e2e-1");
    assert.equal(res.body.response.allowed, false);
    assert.match(res.body.response.status.message, /^Deployment web has no "owner" label/);
  });

  test("a pod lister answers 403 naming the missing permission while nothing is bound", async () => {
    const res = await get("/pods");
    assert.equal(res.status, 403);
    const { error } = await json(res);
    assert.equal(error.code, "kube_forbidden");
    assert.deepEqual(
      { apiGroups: error.missingPermission.apiGroups, resources: error.missingPermission.resources, verbs: error.missingPermission.verbs, namespace: error.missingPermission.namespace },
      // Denied in its own namespace: the rule carries none (a permission without one means the function's).
      { apiGroups: [""], resources: ["pods"], verbs: ["list"], namespace: undefined },
    );
  });

  test("with the generated RBAC applied, the pod lister answers the pods", async () => {
    await applyObjects(admin, ofKinds("Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding"));
    const res = await get("/pods");
    assert.equal(res.status, 200, serve.output());
    assert.deepEqual((await json(res)).pods, ["web-1"]);
  });

  test("keeps working after its ServiceAccount token is replaced and the old one stops being valid", async () => {
    // Recreating the ServiceAccount invalidates every token minted for the old one.
    await admin.serviceAccounts.delete(account);
    await applyObjects(admin, ofKinds("ServiceAccount"));
    const stale = await clientFor({ server, caPem, token: firstToken });
    await assert.rejects(stale.whoami(), (error: { code?: string }) => error.code === "kube_unauthorized");
    await stale.close();
    await swapToken(saDir, { token: await mintToken(), caPem, namespace: NAMESPACE }, Date.now());
    const res = await get("/pods");
    assert.equal(res.status, 200, serve.output());
    assert.equal((await json(await get("/who"))).username, `system:serviceaccount:${NAMESPACE}:${account}`);
  });
});
