/**
 * The README's prune command does what it says on a cluster: applying the next generation of
 * manifests with it removes the ClusterRole and ClusterRoleBinding a narrowed permission no
 * longer needs (the rights go with them), and the HTTP Deployment and Service when no function
 * needs them any more, and keeps what is still generated. Real kubectl
 * against the emulated cluster; skipped when kubectl is not on PATH.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { startCluster, type Cluster } from "../../runtime/testing/index.js";
import { renderManifests } from "../../runtime/deploy/index.js";
import { loaded } from "../schedule/helpers.js";

const run = promisify(execFile);
const hasKubectl = await run("kubectl", ["version", "--client"]).then(() => true, () => false);
const README = await readFile(new URL("../../README.md", import.meta.url), "utf8");
/** The README's command, as a list of arguments after `kubectl`. */
const PRUNE = /^kubectl (apply -k out\/manifests --prune .*)$/m.exec(README)?.[1]?.split(" ");

/** The README's prune command for the manifests in `dir`, made for `namespace` (the README's are for `ops`). */
const pruneArgs = (dir: string, namespace: string) => PRUNE!.map((arg) => (arg === "out/manifests" ? dir : arg.replace("podfn.dev/namespace=ops", `podfn.dev/namespace=${namespace}`)));

/** A function listing secrets: in its own namespace, or (wide) in every one. */
const lister = (wide: boolean) =>
  loaded({ name: "lister", http: { method: "GET", auth: "none" }, permissions: [{ apiGroups: [""], resources: ["secrets"], verbs: ["list"], ...(wide ? { namespace: "*" } : {}) }], handler: () => 1 });

describe("pruning with the README's command", { skip: hasKubectl ? false : "kubectl is not on PATH" }, () => {
  let cluster: Cluster;
  let dir: string;
  const kubectl = async (...args: string[]) => (await run("kubectl", ["--kubeconfig", join(dir, "kubeconfig"), ...args])).stdout;

  before(async () => {
    cluster = await startCluster();
    dir = await mkdtemp(join(tmpdir(), "podfn-prune-"));
    await writeFile(join(dir, "kubeconfig"), cluster.kubeconfig());
    await kubectl("create", "namespace", "pr");
  });
  after(async () => {
    await cluster?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** Writes the manifests of `lister` (wide or not) into `dir/name`. */
  async function manifests(name: string, wide: boolean): Promise<string> {
    const out = join(dir, name);
    await mkdir(out);
    for (const file of renderManifests([lister(wide)], { namespace: "pr", app: "podfn", image: "podfn:test", env: {} })) await writeFile(join(out, file.path), file.content);
    return out;
  }

  test("the folder applies with kubectl apply -f as with -k: the kustomization is no YAML file that -f would send as an object", async () => {
    await kubectl("create", "namespace", "fdir");
    const out = join(dir, "fdir");
    await mkdir(out);
    for (const file of renderManifests([lister(false), loaded({ name: "nightly", schedule: [{ cron: "0 3 * * *" }], handler: () => 1 })], { namespace: "fdir", image: "podfn:test", env: {} })) await writeFile(join(out, file.path), file.content);
    // kubectl -f of a folder reads every .yaml, .yml and .json file in it; kustomize finds `Kustomization` too.
    const applied = await kubectl("apply", "--dry-run=server", "-f", out);
    assert.match(applied, /deployment\.apps\/podfn-http created \(server dry run\)/);
    assert.match(applied, /cronjob\.batch\/podfn-nightly created \(server dry run\)/);
    // The same objects (kustomize orders them by kind, -f file by file).
    const lines = (text: string) => text.split("\n").filter(Boolean).sort();
    assert.deepEqual(lines(await kubectl("apply", "--dry-run=server", "-k", out)), lines(applied));
  });

  test("a ClusterRole the new manifests no longer make is deleted, with its rights; the rest stays", async () => {
    assert.ok(PRUNE, "the README has the prune command");
    const canList = () => kubectl("auth", "can-i", "list", "secrets", "-n", "kube-system", "--as=system:serviceaccount:pr:podfn-http").then((out) => out.trim(), () => "no");
    await kubectl("apply", "-k", await manifests("wide", true));
    assert.equal(await canList(), "yes");
    const narrow = await manifests("narrow", false);
    // Without pruning the grant outlives the manifests that made it.
    await kubectl("apply", "-k", narrow);
    assert.equal(await canList(), "yes", "apply alone never deletes");
    const pruned = await kubectl(...pruneArgs(narrow, "pr"));
    assert.match(pruned, /clusterrole\.rbac\.authorization\.k8s\.io\/pr:podfn-http pruned/);
    assert.match(pruned, /clusterrolebinding\.rbac\.authorization\.k8s\.io\/pr:podfn-http pruned/);
    assert.equal(await canList(), "no");
    assert.match(await kubectl("get", "deployment,serviceaccount,role,rolebinding", "-n", "pr", "-o", "name"), /deployment\.apps\/podfn-http[\s\S]*serviceaccount\/podfn-http[\s\S]*role\.rbac\.authorization\.k8s\.io\/podfn-http/);
    assert.equal(await kubectl("auth", "can-i", "list", "secrets", "-n", "pr", "--as=system:serviceaccount:pr:podfn-http").then((o) => o.trim()), "yes");
  });

  test("when the last HTTP function goes, its Deployment and Service are pruned with its ServiceAccount: no pod left serving without rights", async () => {
    const nightly = loaded({ name: "nightly", schedule: [{ cron: "0 3 * * *" }], handler: () => 1 });
    const write = async (name: string, fns: ReturnType<typeof loaded>[]) => {
      const out = join(dir, name);
      await mkdir(out);
      for (const file of renderManifests(fns, { namespace: "pr2", app: "podfn", image: "podfn:test", env: {} })) await writeFile(join(out, file.path), file.content);
      return out;
    };
    await kubectl("create", "namespace", "pr2");
    await kubectl("apply", "-k", await write("both", [lister(false), nightly]));
    const http = () => kubectl("get", "deployment,service,serviceaccount", "-n", "pr2", "-o", "name");
    assert.match(await http(), /deployment\.apps\/podfn-http[\s\S]*service\/podfn-http[\s\S]*serviceaccount\/podfn-http/);
    const cronOnly = await write("cron-only", [nightly]);
    const pruned = await kubectl(...pruneArgs(cronOnly, "pr2"));
    assert.match(pruned, /deployment\.apps\/podfn-http pruned/);
    assert.match(pruned, /service\/podfn-http pruned/);
    assert.doesNotMatch(await http(), /podfn-http/);
    assert.match(await kubectl("get", "cronjobs", "-n", "pr2", "-o", "name"), /cronjob\.batch\/podfn-nightly/);
  });

  test("the same app installed in two namespaces is pruned one install at a time: the other's Role in a shared namespace and its ClusterRole stay", async () => {
    const reader = (wide: boolean) =>
      loaded({ name: "reader", http: { method: "GET", auth: "none" }, permissions: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["list"], namespace: "shared" }, ...(wide ? [{ apiGroups: [""], resources: ["nodes"], verbs: ["list" as const] }] : [])], handler: () => 1 });
    const write = async (name: string, namespace: string, wide: boolean) => {
      const out = join(dir, name);
      await mkdir(out);
      for (const file of renderManifests([reader(wide)], { namespace, app: "podfn", image: "podfn:test", env: {} })) await writeFile(join(out, file.path), file.content);
      return out;
    };
    for (const ns of ["inst-a", "inst-b", "shared"]) await kubectl("create", "namespace", ns);
    await kubectl("apply", "-k", await write("a1", "inst-a", true));
    await kubectl("apply", "-k", await write("b1", "inst-b", true));
    const can = (ns: string, verb: string, what: string, where: string[]) => kubectl("auth", "can-i", verb, what, ...where, `--as=system:serviceaccount:${ns}:podfn-http`).then((out) => out.trim(), () => "no");
    // Install a narrows (no more nodes) and prunes: its ClusterRole goes, b's grants all stay.
    const pruned = await kubectl(...pruneArgs(await write("a2", "inst-a", false), "inst-a"));
    assert.match(pruned, /clusterrole\.rbac\.authorization\.k8s\.io\/inst-a:podfn-http pruned/);
    assert.doesNotMatch(pruned, /inst-b/);
    assert.equal(await can("inst-a", "list", "nodes", []), "no");
    assert.equal(await can("inst-a", "list", "configmaps", ["-n", "shared"]), "yes");
    assert.equal(await can("inst-b", "list", "configmaps", ["-n", "shared"]), "yes");
    assert.equal(await can("inst-b", "list", "nodes", []), "yes");
  });
});
