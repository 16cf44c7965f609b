/**
 * Sizing per workload (deploy/sizing): replicas, the autoscaler, the PodDisruptionBudget and
 * container resources for every workload and per workload (`http`: the default one) land on
 * that workload's objects only; CronJobs keep the values for every workload; a value for a
 * workload that serves nothing is refused, naming those there are; a workload's own sizing is
 * checked, naming it. `podfn manifests` takes the per-workload syntax end to end.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import type { Deployment } from "kubernetes-types/apps/v1.js";
import type { CronJob } from "kubernetes-types/batch/v1.js";
import type { HorizontalPodAutoscaler } from "kubernetes-types/autoscaling/v2.js";
import { generateManifests, type ManifestOptions } from "../../runtime/deploy/index.js";
import { manifestsCommand } from "../../runtime/commands/manifests.js";
import { ConfigError } from "../../runtime/errors.js";
import type { KubeObject } from "../../runtime/kube/api.js";
import { loaded } from "./helpers.js";
import { validateObject } from "./validate.js";

/** A public route, a controller's watch, a route of the default workload and a CronJob. */
const functions = [
  loaded({ name: "hook", workload: "public", http: { auth: "none" }, handler() {} }),
  loaded({ name: "rollout", workload: "controllers", watch: { resource: "deployments.apps" }, handler() {} }),
  loaded({ name: "api", http: { auth: "none" }, handler() {} }),
  loaded({ name: "nightly", schedule: { cron: "0 3 * * *" }, handler() {} }),
];
const WORKLOADS = ["podfn-http", "podfn-controllers", "podfn-public"];

function manifests(options: ManifestOptions): KubeObject[] {
  const objects = generateManifests(functions, options).flatMap((g) => g.objects);
  for (const object of objects) validateObject(object);
  return objects;
}
const find = (objects: KubeObject[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata?.name === name);
/** Per serving workload, by Deployment name: what `pick` reads of its objects. */
const perWorkload = <T>(objects: KubeObject[], pick: (name: string) => T) => Object.fromEntries(WORKLOADS.map((name) => [name, pick(name)]));
const replicasOf = (objects: KubeObject[]) => perWorkload(objects, (name) => (find(objects, "Deployment", name) as Deployment).spec!.replicas);
const containerOf = (objects: KubeObject[], name: string) => (find(objects, "Deployment", name) as Deployment).spec!.template.spec!.containers[0]!;
const cronContainer = (objects: KubeObject[]) => (find(objects, "CronJob", "podfn-nightly") as CronJob).spec!.jobTemplate.spec!.template.spec!.containers[0]!;

test("replicas per workload: the value for every workload, a workload's own, and http for the default one", () => {
  assert.deepEqual(replicasOf(manifests({ replicas: { default: 3, workloads: { public: 5 } } })), { "podfn-http": 3, "podfn-controllers": 3, "podfn-public": 5 });
  assert.deepEqual(replicasOf(manifests({ replicas: { workloads: { http: 4 } } })), { "podfn-http": 4, "podfn-controllers": 2, "podfn-public": 2 });
  assert.deepEqual(replicasOf(manifests({ replicas: 3 })), { "podfn-http": 3, "podfn-controllers": 3, "podfn-public": 3 });
});

test("an autoscaler for the workload given --max-replicas only, from its own minimum", () => {
  const objects = manifests({ replicas: { default: 2, workloads: { public: 4 } }, maxReplicas: { workloads: { public: 10 } } });
  const hpas = objects.filter((o) => o.kind === "HorizontalPodAutoscaler") as HorizontalPodAutoscaler[];
  assert.deepEqual(hpas.map((h) => [h.metadata!.name, h.spec!.minReplicas, h.spec!.maxReplicas]), [["podfn-public", 4, 10]]);
  // The autoscaler owns the public Deployment's replicas; the others keep theirs.
  assert.deepEqual(replicasOf(objects), { "podfn-http": 2, "podfn-controllers": 2, "podfn-public": undefined });
});

test("a PodDisruptionBudget for the workloads --pdb names only, the default one by http", () => {
  const budgets = (pdb: ManifestOptions["pdb"]) => manifests({ pdb }).filter((o) => o.kind === "PodDisruptionBudget").map((o) => o.metadata!.name);
  assert.deepEqual(budgets({ workloads: { public: true, http: true } }), ["podfn-http", "podfn-public"]);
  assert.deepEqual(budgets({ workloads: { controllers: true } }), ["podfn-controllers"]);
  assert.deepEqual(budgets(true), ["podfn-http", "podfn-controllers", "podfn-public"]);
});

test("resources per workload land on that Deployment's container only; the CronJob keeps the values for every workload", () => {
  const objects = manifests({
    resources: {
      requests: { memory: { default: "128Mi", workloads: { public: "256Mi" } } },
      limits: { cpu: { default: null, workloads: { public: "2" } }, memory: { default: "512Mi", workloads: { public: "1Gi", http: "768Mi" } } },
    },
  });
  assert.deepEqual(perWorkload(objects, (name) => containerOf(objects, name).resources), {
    "podfn-http": { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "768Mi" } },
    "podfn-controllers": { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "512Mi" } },
    "podfn-public": { requests: { cpu: "50m", memory: "256Mi" }, limits: { cpu: "2", memory: "1Gi" } },
  });
  assert.deepEqual(cronContainer(objects).resources, { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "512Mi" } });
});

test("a value for a workload no function is served by is refused, naming the option, the entry and the workloads there are", () => {
  const refused = (options: ManifestOptions, message: string) =>
    assert.throws(() => generateManifests(functions, options), (e: unknown) => e instanceof ConfigError && e.code === "config_invalid" && e.message === message);
  refused({ replicas: { default: 2, workloads: { publc: 4 } } }, '--replicas: publc=4: no function names the workload "publc" (did you mean public?); the serving workloads are http, controllers, public');
  refused({ pdb: { workloads: { ops: true } } }, '--pdb: ops: no function names the workload "ops"; the serving workloads are http, controllers, public');
  refused({ pdb: { workloads: { false: true } } }, "--pdb: false: takes the names of workloads, not true or false: give --pdb alone for every serving workload, --pdb public,http for those only, or leave it out for none");
  // A workload may be named false: then --pdb false is for it.
  const named = [...functions, loaded({ name: "odd", workload: "false", http: { auth: "none" }, handler() {} })];
  assert.deepEqual(generateManifests(named, { pdb: { workloads: { false: true } } }).flatMap((g) => g.objects).filter((o) => o.kind === "PodDisruptionBudget").map((o) => o.metadata!.name), ["podfn-false"]);
  refused({ resources: { limits: { cpu: { workloads: { nightly: null } } } } }, '--cpu-limit: nightly=none: no function names the workload "nightly"; the serving workloads are http, controllers, public');
  // Every function naming a workload: no default Deployment for http to size.
  assert.throws(
    () => generateManifests(functions.filter((fn) => fn.workload !== undefined), { replicas: { workloads: { http: 3 } } }),
    (e: unknown) => e instanceof ConfigError && e.message === "--replicas: http=3: the default workload (http) serves no function here: each names its workload; the serving workloads are controllers, public",
  );
});

test("a workload's own sizing is checked as every workload's is, naming the workload", () => {
  const refused = (options: ManifestOptions, message: string) => assert.throws(() => generateManifests(functions, options), (e: unknown) => e instanceof ConfigError && e.message === message);
  refused({ replicas: { default: 2, workloads: { public: 1 } }, pdb: true }, 'workload "public": --pdb with one replica protects nothing (a drain may evict the only pod): use --replicas public=2 or more');
  refused({ replicas: { workloads: { http: 1 } }, pdb: { workloads: { http: true } } }, 'workload "http": --pdb with one replica protects nothing (a drain may evict the only pod): use --replicas http=2 or more');
  refused({ replicas: { default: 2, workloads: { public: 5 } }, maxReplicas: { default: 8, workloads: { public: 3 } } }, 'workload "public": --max-replicas 3 is below --replicas 5 (the autoscaler\'s minimum): raise --max-replicas or lower --replicas');
  refused({ maxReplicas: { workloads: { controllers: 1 } } }, 'workload "controllers": --max-replicas 1 is below --replicas 2 (the autoscaler\'s minimum, 2 by default): raise --max-replicas or lower --replicas');
  refused(
    { resources: { requests: { cpu: { workloads: { public: "2" } } } } },
    'workload "public": --cpu-request 2 is more than the default cpu limit 1: Kubernetes refuses a request above its limit; raise --cpu-limit or lower --cpu-request',
  );
  // A workload's own values may make right what every workload's would not: one replica with no budget there.
  const objects = manifests({ replicas: { default: 1, workloads: { public: 3 } }, pdb: { workloads: { public: true } } });
  assert.deepEqual(objects.filter((o) => o.kind === "PodDisruptionBudget").map((o) => o.metadata!.name), ["podfn-public"]);
});

test("the replicas for every workload are checked only where a Deployment takes them: every workload given its own, --pdb over one replica by default is fine", () => {
  const all = { http: 3, public: 3, controllers: 3 };
  const objects = manifests({ replicas: { default: 1, workloads: all }, pdb: true });
  assert.deepEqual(objects.filter((o) => o.kind === "PodDisruptionBudget").map((o) => o.metadata!.name).sort(), WORKLOADS.slice().sort());
  assert.ok(manifests({ replicas: { default: 5, workloads: all }, maxReplicas: { default: 3, workloads: { http: 8, public: 8, controllers: 8 } } }).length > 0);
  // One workload left on the values for every workload: checked as ever.
  assert.throws(() => manifests({ replicas: { default: 1, workloads: { http: 3, public: 3 } }, pdb: true }), (e: unknown) => e instanceof ConfigError && e.message.startsWith("--pdb with one replica protects nothing"));
  // The CronJob still takes every workload's resources: checked whatever the Deployments have.
  assert.throws(() => manifests({ resources: { requests: { cpu: { default: "2", workloads: { http: "100m", public: "100m", controllers: "100m" } } } } }), (e: unknown) => e instanceof ConfigError && /--cpu-request 2 is more than/.test(e.message));
});

test("podfn manifests takes a value per workload for its sizing options, and refuses an unknown workload with exit 2", async () => {
  const fixture = new URL("../cli/fixtures/workloads", import.meta.url).pathname;
  const out = await mkdtemp(join(tmpdir(), "podfn-sizing-"));
  const run = async (...argv: string[]) => {
    let stderr = "";
    const code = await manifestsCommand.run({ argv: ["--functions", fixture, "--out", out, "--image", "x:1", ...argv], env: {}, cwd: fixture, stdout: () => {}, stderr: (t) => void (stderr += t), signal: new AbortController().signal });
    return { code, stderr };
  };
  try {
    const ok = await run("--replicas", "2,public=4", "--max-replicas", "public=10", "--pdb", "public,http", "--memory-limit", "512Mi,public=1Gi", "--cpu-limit", "none,ops=2");
    assert.equal(ok.code, 0, ok.stderr);
    // Each file's objects, by kind.
    const file = async (name: string) => Object.fromEntries(parseAllDocuments(await readFile(join(out, name), "utf8")).map((d) => d.toJS() as KubeObject).map((o) => [o.kind, o]));
    const [http, publicFile, ops, sweep] = await Promise.all(["http.yaml", "workload-public.yaml", "workload-ops.yaml", "cronjob-sweep.yaml"].map(file));
    const hpa = publicFile!.HorizontalPodAutoscaler as HorizontalPodAutoscaler;
    assert.deepEqual([hpa.spec!.minReplicas, hpa.spec!.maxReplicas], [4, 10]);
    assert.deepEqual(Object.keys(publicFile!).filter((kind) => kind === "PodDisruptionBudget" || kind === "HorizontalPodAutoscaler"), ["PodDisruptionBudget", "HorizontalPodAutoscaler"]);
    assert.deepEqual(Object.keys(http!).filter((kind) => kind === "PodDisruptionBudget" || kind === "HorizontalPodAutoscaler"), ["PodDisruptionBudget"]);
    assert.deepEqual(Object.keys(ops!).filter((kind) => kind === "PodDisruptionBudget" || kind === "HorizontalPodAutoscaler"), []);
    const limits = (deployment: KubeObject | undefined) => (deployment as Deployment).spec!.template.spec!.containers[0]!.resources!.limits;
    assert.equal((http!.Deployment as Deployment).spec!.replicas, 2);
    assert.deepEqual(limits(publicFile!.Deployment), { memory: "1Gi" });
    assert.deepEqual(limits(ops!.Deployment), { cpu: "2", memory: "512Mi" });
    assert.deepEqual(limits(http!.Deployment), { memory: "512Mi" });
    assert.deepEqual((sweep!.CronJob as CronJob).spec!.jobTemplate.spec!.template.spec!.containers[0]!.resources!.limits, { memory: "512Mi" });
    const bad = await run("--replicas", "2,publik=4");
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr, 'podfn: --replicas: publik=4: no function names the workload "publik" (did you mean public?); the serving workloads are http, ops, public\n');
    // --pdb=false reads as a workload's name: said to be a switch, as --network-policy=false is told it takes no argument.
    for (const argv of [["--pdb=false"], ["--pdb", "true"]]) {
      const word = await run(...argv);
      assert.equal(word.code, 2, argv.join(" "));
      assert.equal(word.stderr, `podfn: --pdb: ${argv.at(-1)!.replace("--pdb=", "")}: takes the names of workloads, not true or false: give --pdb alone for every serving workload, --pdb public,http for those only, or leave it out for none\n`);
    }
    const badValue = await run("--memory-limit", "public=lots");
    assert.equal(badValue.code, 2);
    assert.equal(badValue.stderr, "podfn: invalid configuration: --memory-limit: public=lots: must be a Kubernetes quantity, such as 2 (cores) or 1Gi, or none for no limit\n");
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

test("podfn manifests notes a Deployment whose replicas pass to a new autoscaler: applying as is would drop it to 1 replica", async () => {
  const fixture = new URL("../cli/fixtures/workloads", import.meta.url).pathname;
  const out = await mkdtemp(join(tmpdir(), "podfn-handover-"));
  const run = async (...argv: string[]) => {
    let stderr = "";
    const code = await manifestsCommand.run({ argv: ["--functions", fixture, "--out", out, "--image", "x:1", "--namespace", "ops", ...argv], env: {}, cwd: fixture, stdout: () => {}, stderr: (t) => void (stderr += t), signal: new AbortController().signal });
    assert.equal(code, 0, stderr);
    return stderr.split("\n").filter((line) => line.includes("edit-last-applied"));
  };
  try {
    // A first generation: nothing applied before, nothing to hand over.
    assert.deepEqual(await run("--replicas", "4"), []);
    // The public workload gains an autoscaler: its Deployment's spec.replicas (4) leaves the manifests.
    const notes = await run("--replicas", "4", "--max-replicas", "public=10");
    assert.equal(notes.length, 1, notes.join("\n"));
    assert.match(notes[0]!, /^note: Deployment ops\/podfn-public: its replicas are now the HorizontalPodAutoscaler's, and spec\.replicas \(4\) leaves the manifests: /);
    assert.match(notes[0]!, /kubectl apply edit-last-applied deployment\/podfn-public -n ops/);
    // Generated again as is: the handover is behind, no note.
    assert.deepEqual(await run("--replicas", "4", "--max-replicas", "public=10"), []);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});
