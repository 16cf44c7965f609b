/**
 * A function that declares no permissions and no `kubeApi` has no ServiceAccount token in its
 * pod (the manifests say `automountServiceAccountToken: false`): run locally (`podfn run` on the
 * emulated cluster) or in the test harness, its API calls fail as they would there, naming what
 * to declare, instead of succeeding on an emulated token the pod would not have.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startHarness } from "podfn/testing";
import type { LoadedFunction } from "../../runtime/function.js";
import { loadFunctions } from "../../runtime/loader.js";
import { runPodfn } from "../e2e/helpers/processes.js";

const FIXTURES = fileURLToPath(new URL("./fixtures-no-api/", import.meta.url));

test("podfn run of a function declaring no API use: no emulated cluster, its call fails naming what to declare (exit 1)", { timeout: 30_000 }, async () => {
  const { code, output } = await runPodfn(["run", "calls-whoami", "--functions", FIXTURES], { HOME: "/nonexistent" });
  assert.equal(code, 1, output);
  assert.match(output, /running without a Kubernetes client, as its CronJob's pod has no ServiceAccount token/);
  assert.doesNotMatch(output, /embedded emulated cluster/);
  assert.match(output, /calls-whoami declares no permissions, so its pod has no ServiceAccount token and cannot use kube\.whoami/);
});

test("podfn run of the same call with kubeApi: true runs on the emulated cluster as its ServiceAccount", { timeout: 30_000 }, async () => {
  const { code, output } = await runPodfn(["run", "declares-kube-api", "--functions", FIXTURES], { HOME: "/nonexistent" });
  assert.equal(code, 0, output);
  assert.match(output, /"username":"system:serviceaccount:default:podfn"/);
});

test("podfn run of a function reading a secret, with no client: .podfn/secrets locally (no cluster found, or --cluster emulated), as serve and dev read it; the pod's mount in a pod", { timeout: 60_000 }, async () => {
  const cwd = mkdtempSync(join(tmpdir(), "podfn-run-secrets-"));
  try {
    mkdirSync(join(cwd, ".podfn", "secrets"), { recursive: true });
    writeFileSync(join(cwd, ".podfn", "secrets", "slack-webhook-url"), "https://hooks.example/x");
    const local = ["auto", "emulated"].map(async (cluster) => {
      const { code, output } = await runPodfn(["run", "reads-secret", "--functions", FIXTURES, "--cluster", cluster], { HOME: "/nonexistent" }, { cwd });
      assert.equal(code, 0, `--cluster ${cluster}: ${output}`);
      assert.match(output, /^\{"length":23\}$/m, cluster);
    });
    // In a pod (no token mounted, as the manifests make it), and where serve would refuse to emulate, the pod's mount.
    const pod = ([{ KUBERNETES_SERVICE_HOST: "10.0.0.1" }, { NODE_ENV: "production" }] as Record<string, string>[]).map(async (env) => {
      const { code, output } = await runPodfn(["run", "reads-secret", "--functions", FIXTURES], { HOME: "/nonexistent", ...env }, { cwd });
      assert.equal(code, 2, output);
      assert.match(output, /\/var\/run\/secrets\/podfn\/slack-webhook-url/, JSON.stringify(env));
    });
    await Promise.all([...local, ...pod]);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test("the harness gives such a function no client where its pods have no token; kubeApi: true gets one", async () => {
  const functions = await loadFunctions(FIXTURES);
  const byName = (name: string) => functions.find((f) => f.name === name) as LoadedFunction;
  const h = await startHarness();
  try {
    const bare = await h.deploy(byName("calls-whoami"));
    await assert.rejects(bare.run({}), (e: Error & { code?: string }) => e.code === "kube_unavailable" && /declare the permissions it uses \(or `kubeApi: true`/.test(e.message));
    const declared = await h.deploy(byName("declares-kube-api"));
    assert.deepEqual(await declared.run({}), { username: `system:serviceaccount:${declared.namespace}:declares-kube-api-cronjob` });
  } finally {
    await h.stop();
  }
});
