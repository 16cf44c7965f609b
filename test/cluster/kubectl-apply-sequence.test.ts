/**
 * Real kubectl (1.32) applying podfn's own manifests to the emulated cluster, as a new user
 * does: `apply --prune -l ...` without `--prune-allowlist` (kubectl lists every type of its
 * default allowlist: Endpoints, PersistentVolumes, ReplicationControllers among them, and prunes
 * an Endpoints it applied before); and `apply -k`, then `apply -k --server-side`, which applies
 * cleanly because the manifests write `fieldRef.apiVersion`; a manifest that leaves it to the
 * server's default conflicts on that atomic struct (1.32's lastAppliedManager excuses no such
 * field), then `--force-conflicts` takes it and kubectl's csaupgrade migration leaves no
 * kubectl-client-side-apply entry, so the next `--server-side` applies cleanly. Skipped when
 * kubectl is not on PATH.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { startCluster, type Cluster } from "../../runtime/testing/index.js";
import { renderManifests } from "../../runtime/deploy/index.js";
import { loaded } from "../schedule/helpers.js";

const run = promisify(execFile);
const hasKubectl = await run("kubectl", ["version", "--client"]).then(() => true, () => false);

const web = loaded({ name: "hello", http: { method: "GET", auth: "none" }, handler: () => 1 });
const nightly = loaded({ name: "nightly", schedule: { cron: "@daily" }, handler() {} });

describe("kubectl apply of podfn's manifests", { skip: hasKubectl ? false : "kubectl is not on PATH" }, () => {
  let cluster: Cluster;
  let dir: string;
  let out: string;
  const kubectl = async (...args: string[]) => (await run("kubectl", ["--kubeconfig", join(dir, "kubeconfig"), ...args])).stdout;
  const failing = (...args: string[]) => run("kubectl", ["--kubeconfig", join(dir, "kubeconfig"), ...args]).then(() => assert.fail(`kubectl ${args.join(" ")} succeeded`), (e: { stderr: string }) => e.stderr);
  const managers = async (kind: string, name: string) => {
    const obj = JSON.parse(await kubectl("get", kind, name, "-n", "sq", "-o", "json", "--show-managed-fields"));
    return (obj.metadata.managedFields as Array<{ manager: string; operation: string }>).map((e) => `${e.manager}/${e.operation}`).sort();
  };

  before(async () => {
    cluster = await startCluster();
    dir = await mkdtemp(join(tmpdir(), "podfn-apply-seq-"));
    await writeFile(join(dir, "kubeconfig"), cluster.kubeconfig());
    out = join(dir, "out");
    await mkdir(out);
    for (const file of renderManifests([web, nightly], { namespace: "sq", app: "podfn", image: "podfn:test", env: {} })) await writeFile(join(out, file.path), file.content);
    await kubectl("create", "namespace", "sq");
  });
  after(async () => {
    await cluster?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test("apply --prune without an allowlist lists its default types and prunes an Endpoints no longer applied", async () => {
    const extra = join(dir, "extra.yaml");
    await writeFile(extra, "apiVersion: v1\nkind: Endpoints\nmetadata: {name: old, namespace: sq, labels: {app.kubernetes.io/name: podfn}}\nsubsets: [{addresses: [{ip: 10.0.0.1}], ports: [{port: 80}]}]\n");
    await kubectl("apply", "-f", extra);
    const pruned = await kubectl("apply", "-k", out, "--prune", "-l", "app.kubernetes.io/name=podfn");
    assert.match(pruned, /^deployment\.apps\/podfn-http created$/m);
    assert.match(pruned, /^endpoints\/old pruned$/m);
    assert.match(await kubectl("get", "ep", "-n", "sq"), /^No resources found|^$/);
  });

  test("podfn's manifests write fieldRef.apiVersion as the server defaults it: apply -k, then --server-side, applies cleanly and kubectl's migration leaves kubectl alone", async () => {
    assert.match(await kubectl("apply", "-k", out, "--server-side"), /^deployment\.apps\/podfn-http serverside-applied$/m);
    assert.deepEqual(await managers("deployment", "podfn-http"), ["kubectl-last-applied/Apply", "kubectl/Apply"]);
    assert.deepEqual(await managers("cronjob", "podfn-nightly"), ["kubectl-last-applied/Apply", "kubectl/Apply"]);
    assert.match(await kubectl("apply", "-k", out, "--server-side"), /^cronjob\.batch\/podfn-nightly serverside-applied$/m);
  });

  test("a manifest leaving fieldRef.apiVersion to the server's default conflicts on it when applied server-side after client-side, as on 1.32; forced, the migration leaves kubectl alone", async () => {
    const file = join(dir, "bare.yaml");
    await writeFile(
      file,
      "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: bare, namespace: sq}\nspec:\n  selector: {matchLabels: {app: bare}}\n  template:\n    metadata: {labels: {app: bare}}\n    spec:\n      containers:\n      - name: c\n        image: nginx\n        env: [{name: NS, valueFrom: {fieldRef: {fieldPath: metadata.namespace}}}]\n",
    );
    await kubectl("apply", "-f", file);
    const stderr = await failing("apply", "-f", file, "--server-side");
    assert.ok(stderr.includes('Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.template.spec.containers[name="c"].env[name="NS"].valueFrom.fieldRef'), stderr);
    assert.match(await kubectl("apply", "-f", file, "--server-side", "--force-conflicts"), /^deployment\.apps\/bare serverside-applied$/m);
    assert.deepEqual(await managers("deployment", "bare"), ["kubectl-last-applied/Apply", "kubectl/Apply"]);
    assert.match(await kubectl("apply", "-f", file, "--server-side"), /^deployment\.apps\/bare serverside-applied$/m);
  });
});
