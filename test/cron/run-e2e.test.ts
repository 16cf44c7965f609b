/**
 * `podfn run` end to end on the emulated cluster, through the in-cluster path a CronJob's pod
 * takes: the generated RBAC applied as admin, a token of the generated ServiceAccount in a
 * pod-like folder, `KUBERNETES_SERVICE_HOST/PORT` pointing at the API server.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Role } from "kubernetes-types/rbac/v1.js";
import { startCluster, type Cluster } from "../../runtime/testing/index.js";
import { applyObjects } from "../../runtime/testing/apply.js";
import { createCertificates } from "../../runtime/testing/cluster/auth/certs.js";
import { createKubeClient, resolveCredentials } from "../../runtime/kube/index.js";
import type { KubeClient } from "../../runtime/kube/api.js";
import { loadFunctions } from "../../runtime/loader.js";
import { generateManifests } from "../../runtime/deploy/index.js";
import { runCommand } from "../../runtime/commands/run.js";
import { writeKubeconfig } from "../kube/helpers/kubeconfig-file.js";

const FIXTURES = new URL("./fixtures/", import.meta.url).pathname;
const NS = "default";
const SA = "podfn-configmap-writer";

let cluster: Cluster;
let admin: KubeClient;

before(async () => {
  cluster = await startCluster();
  admin = createKubeClient({
    credentials: await resolveCredentials({ explicit: { server: cluster.url, caPem: cluster.caPem, token: cluster.adminToken, namespace: NS }, serviceAccountDir: "/nonexistent", env: {} }),
  });
  const functions = await loadFunctions(FIXTURES, { only: "configmap-writer" });
  const objects = generateManifests(functions, { namespace: NS }).flatMap((g) => g.objects);
  await applyObjects(admin, objects);
});

after(async () => {
  await admin?.close();
  await cluster?.stop();
});

type RunOutcome = { code: number; stdout: string; messages: string; lines: Record<string, unknown>[] };

async function runInPod(): Promise<RunOutcome> {
  const sa = await cluster.serviceAccount(NS, SA);
  const url = new URL(cluster.url);
  return runWith([], { KUBERNETES_SERVICE_HOST: url.hostname, KUBERNETES_SERVICE_PORT: url.port, PODFN_SERVICEACCOUNT_DIR: sa.dir });
}

/** The CronJob's run of configmap-writer, with more arguments and this environment. */
async function runWith(argv: string[], env: Record<string, string>): Promise<RunOutcome> {
  let stdout = "";
  let stderr = "";
  const code = await runCommand.run({
    argv: ["configmap-writer", "--schedule", "often", "--functions", FIXTURES, ...argv],
    env: { ...env, LOG_LEVEL: "info" },
    cwd: process.cwd(),
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    signal: new AbortController().signal,
  });
  const lines = stderr
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const messages = lines.map((l) => String(l.msg)).join("\n");
  return { code, stdout, messages, lines };
}

test("under its generated RBAC, the CronJob's ServiceAccount runs the function (exit 0)", async () => {
  const out = await runInPod();
  assert.equal(out.code, 0, out.messages);
  const result = JSON.parse(out.stdout) as { before: number; created: string };
  assert.match(result.created, /^run-/);
  const stored = await admin.configMaps.get(result.created);
  assert.equal(stored.data?.by, "podfn run");
});

test("with one declared rule removed from the Role, the run exits 3 naming that permission", async () => {
  const role = await admin.roles.get(SA);
  const narrowed: Role = { ...role, rules: (role.rules ?? []).map((r) => ({ ...r, verbs: r.verbs.filter((v) => v !== "create") })) };
  await admin.roles.replace(narrowed);
  const out = await runInPod();
  assert.equal(out.code, 3, out.messages);
  assert.match(out.messages, /missing permission: \{ apiGroups: \[""\], resources: \["configmaps"\], verbs: \["create"\] \}/);
});

test("an API server that keeps answering 503 past the client's retries exits 5 (the Job retries it), not 1 (a failed handler)", async () => {
  const restore = cluster.inject({ match: { verb: "list", resource: "configmaps", user: `system:serviceaccount:${NS}:${SA}` }, status: 503 });
  try {
    const out = await runInPod();
    assert.equal(out.code, 5, out.messages);
    assert.match(out.messages, /the Kubernetes API server could not answer \(retry later\)/);
    assert.equal(out.lines.find((l) => l.exitCode === 5)?.outcome, "kube unavailable", "its outcome is its own, not a failed handler's");
  } finally {
    restore();
  }
});

test("a kubeconfig whose client key is not its certificate's exits 2 (bad configuration) at the first request, untried again: not 5 (server unavailable)", async () => {
  const dir = await mkdtemp(join(tmpdir(), "podfn-run-keypair-"));
  try {
    // A certificate, and the key of another pair.
    const { certPem } = await createCertificates();
    const otherKey = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const b64 = (pem: string) => Buffer.from(pem).toString("base64");
    const path = await writeKubeconfig(dir, { server: cluster.url, caPem: cluster.caPem, namespace: NS, user: { "client-certificate-data": b64(certPem), "client-key-data": b64(otherKey) } });
    const out = await runWith(["--kubeconfig", path], { HOME: dir });
    assert.equal(out.code, 2, out.messages);
    assert.match(out.messages, new RegExp(`${path}: user "u": the client key does not belong to the client certificate`));
    assert.equal(out.lines.find((l) => l.exitCode === 2)?.code, "kube_credentials");
    assert.ok(!out.lines.some((l) => l.attempt !== undefined), "not retried");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
