/**
 * `podfn manifests` with named workloads: functions naming the same `workload` share a
 * Deployment, a ServiceAccount granted the union of only their rights, a Service, the PDB,
 * HPA and NetworkPolicy the flags ask for and a Lease of their own, in `workload-<name>.yaml`;
 * the others stay in the default HTTP workload, whose selector never changes; no selector of one
 * workload matches another's pods; the Deployments' `serve` is told its workload only when some
 * function names one.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Deployment } from "kubernetes-types/apps/v1.js";
import type { LabelSelector } from "kubernetes-types/meta/v1.js";
import type { CronJob } from "kubernetes-types/batch/v1.js";
import type { PodSpec, Service } from "kubernetes-types/core/v1.js";
import { OPTIONS as CONFIG_OPTIONS, type OptionSpec } from "../../runtime/config.js";
import type { ValidatingWebhookConfiguration } from "kubernetes-types/admissionregistration/v1.js";
import { generateManifests } from "../../runtime/deploy/index.js";
import { PodfnError } from "../../runtime/errors.js";
import type { KubeObject } from "../../runtime/kube/api.js";
import { grantedTo, loaded } from "./helpers.js";
import { loadedAdmission } from "../admission/helpers.js";
import { validateObject } from "./validate.js";

const NS = "ops";
const read = (resource: string, verb = "get") => [{ apiGroups: [""], resources: [resource], verbs: [verb as "get"] }];
/** Two named workloads and the default: a public route, a watch that patches Deployments, an in-process tick, a plain route. */
const functions = [
  loaded({ name: "hook", workload: "public", http: { auth: { type: "hmac", secret: "github-webhook" } }, permissions: read("configmaps"), handler() {} }),
  loaded({ name: "status", workload: "public", http: { method: "GET", auth: "none" }, handler() {} }),
  loaded({ name: "rollout", workload: "controllers", watch: { resource: "deployments.apps" }, permissions: [{ apiGroups: ["apps"], resources: ["deployments"], verbs: ["patch"] }], handler() {} }),
  loaded({ name: "tick", workload: "controllers", schedule: { cron: "*/5 * * * *", mode: "in-process" }, permissions: read("secrets"), handler() {} }),
  loaded({ name: "api", http: { auth: { type: "bearer", secret: "api-token" } }, permissions: read("pods", "list"), handler() {} }),
  loaded({ name: "nightly", schedule: { cron: "0 3 * * *" }, permissions: read("nodes", "list"), handler() {} }),
];
const OPTIONS = { namespace: NS, image: "registry.example/podfn:1.2.3", pdb: true, maxReplicas: 4, networkPolicy: true };
const groups = generateManifests(functions, OPTIONS);
const objects = groups.flatMap((g) => g.objects);
const named = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata?.name === name);
const deployment = (name: string) => named("Deployment", name) as Deployment;

test("each named workload gets a file of its own; the default workload and the CronJobs keep theirs", () => {
  assert.deepEqual(groups.map((g) => g.path), ["http.yaml", "workload-controllers.yaml", "workload-public.yaml", "cronjob-nightly.yaml"]);
  const kinds = (path: string) => groups.find((g) => g.path === path)!.objects.map((o) => `${o.kind}/${o.metadata!.name}`).sort();
  assert.deepEqual(kinds("workload-public.yaml"), [
    "Deployment/podfn-public",
    "HorizontalPodAutoscaler/podfn-public",
    "NetworkPolicy/podfn-public",
    "PodDisruptionBudget/podfn-public",
    "Role/podfn-public",
    "RoleBinding/podfn-public",
    "Service/podfn-public",
    "ServiceAccount/podfn-public",
  ]);
  for (const object of objects) validateObject(object);
});

test("each workload's ServiceAccount is granted the union of its own functions' rights only (the watch's and the Lease's included)", () => {
  assert.deepEqual(grantedTo(objects, NS, "podfn-public"), [`${NS} /configmaps get *`]);
  assert.deepEqual(grantedTo(objects, NS, "podfn-controllers"), [
    `${NS} /secrets get *`,
    `${NS} apps/deployments list *`,
    `${NS} apps/deployments patch *`,
    `${NS} apps/deployments watch *`,
    `${NS} coordination.k8s.io/leases create *`,
    `${NS} coordination.k8s.io/leases get podfn-controllers-scheduler`,
    `${NS} coordination.k8s.io/leases update podfn-controllers-scheduler`,
  ]);
  assert.deepEqual(grantedTo(objects, NS, "podfn-http"), [`${NS} /pods list *`]);
  assert.deepEqual(grantedTo(objects, NS, "podfn-nightly"), [`* /nodes list *`]);
  // Each Deployment runs as its own account, mounting only its own functions' secrets.
  assert.equal(deployment("podfn-public").spec!.template.spec!.serviceAccountName, "podfn-public");
  const mounted = (name: string) => deployment(name).spec!.template.spec!.volumes!.flatMap((v) => v.projected?.sources?.map((s) => s.secret!.name!) ?? []);
  assert.deepEqual(mounted("podfn-public"), ["github-webhook"]);
  assert.deepEqual(mounted("podfn-http"), ["api-token"]);
  assert.equal(deployment("podfn-controllers").spec!.template.spec!.automountServiceAccountToken, true);
});

test("Lease names differ per workload: the default keeps <app>-scheduler", () => {
  const withDefaultTick = generateManifests([...functions, loaded({ name: "tock", schedule: { cron: "*/5 * * * *", mode: "in-process" }, handler() {} })], OPTIONS).flatMap((g) => g.objects);
  const leases = (account: string) => grantedTo(withDefaultTick, NS, account).filter((g) => g.includes(" update ")).map((g) => g.split(" ").pop());
  assert.deepEqual(leases("podfn-http"), ["podfn-scheduler"]);
  assert.deepEqual(leases("podfn-controllers"), ["podfn-controllers-scheduler"]);
  assert.deepEqual(leases("podfn-public"), [], "a workload electing no leader gets no Lease rights");
});

test("each Deployment's serve is told its workload (the default's: http); with no workload named, the default's args stay [serve]", () => {
  assert.deepEqual(deployment("podfn-http").spec!.template.spec!.containers[0]!.args, ["serve", "--workload", "http"]);
  assert.deepEqual(deployment("podfn-public").spec!.template.spec!.containers[0]!.args, ["serve", "--workload", "public"]);
  assert.deepEqual(deployment("podfn-controllers").spec!.template.spec!.containers[0]!.args, ["serve", "--workload", "controllers"]);
  const alone = generateManifests(functions.map(({ workload: _, ...fn }) => fn), OPTIONS).flatMap((g) => g.objects);
  assert.deepEqual(alone.filter((o) => o.kind === "Deployment").map((d) => (d as Deployment).spec!.template.spec!.containers[0]!.args), [["serve"]]);
});

test("the default workload's selector is the one every install has; named workloads' objects carry the labels a prune selects by", () => {
  assert.deepEqual(deployment("podfn-http").spec!.selector, { matchLabels: { "app.kubernetes.io/name": "podfn", "app.kubernetes.io/component": "http" } });
  assert.deepEqual(deployment("podfn-public").spec!.selector, { matchLabels: { "app.kubernetes.io/name": "podfn", "app.kubernetes.io/component": "workload", "podfn.dev/workload": "public" } });
  for (const object of objects) {
    assert.equal(object.metadata?.labels?.["app.kubernetes.io/managed-by"], "podfn", `${object.kind} ${object.metadata?.name}`);
    assert.equal(object.metadata?.labels?.["app.kubernetes.io/name"], "podfn");
    assert.equal(object.metadata?.labels?.["podfn.dev/namespace"], NS);
  }
});

/** Whether `selector` (matchLabels and matchExpressions) selects `labels`, as Kubernetes reads it. */
function selects(selector: LabelSelector, labels: Record<string, string>): boolean {
  const exact = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const expressions = (selector.matchExpressions ?? []).every((e) => {
    const value = labels[e.key];
    if (e.operator === "In") return value !== undefined && e.values!.includes(value);
    if (e.operator === "NotIn") return value === undefined || !e.values!.includes(value);
    if (e.operator === "Exists") return value !== undefined;
    return value === undefined;
  });
  return exact && expressions;
}

/** Every pod selector of one workload's objects: the Deployment's, the topology spread's, the Service's, the PDB's, the NetworkPolicy's. */
function selectorsOf(workloadObjects: KubeObject[]): { what: string; selector: LabelSelector }[] {
  return workloadObjects.flatMap((o) => {
    const spec = (o as { spec?: Record<string, unknown> }).spec ?? {};
    const what = `${o.kind} ${o.metadata?.name}`;
    switch (o.kind) {
      case "Deployment": {
        const d = o as Deployment;
        return [{ what, selector: d.spec!.selector }, ...d.spec!.template.spec!.topologySpreadConstraints!.map((c) => ({ what: `${what} topology spread`, selector: c.labelSelector! }))];
      }
      case "Service":
        return [{ what, selector: { matchLabels: spec.selector as Record<string, string> } }];
      case "PodDisruptionBudget":
        return [{ what, selector: spec.selector as LabelSelector }];
      case "NetworkPolicy":
        return [{ what, selector: spec.podSelector as LabelSelector }];
      default:
        return [];
    }
  });
}

test("no selector of one workload matches the pods of another (default, named, CronJob), and each matches its own", () => {
  const serving = groups.filter((g) => g.path === "http.yaml" || g.path.startsWith("workload-"));
  const cronPods = (groups.find((g) => g.path === "cronjob-nightly.yaml")!.objects.find((o) => o.kind === "CronJob") as { spec: { jobTemplate: { spec: { template: { metadata: { labels: Record<string, string> } } } } } }).spec.jobTemplate.spec.template.metadata.labels;
  assert.equal(serving.length, 3);
  for (const group of serving) {
    const own = group.objects.find((o) => o.kind === "Deployment") as Deployment;
    const selectors = selectorsOf(group.objects);
    assert.equal(selectors.length, 6, `${group.path}: Deployment, two spreads, Service, PDB, NetworkPolicy`);
    // The HPA scales its own Deployment only.
    assert.equal((group.objects.find((o) => o.kind === "HorizontalPodAutoscaler") as { spec: { scaleTargetRef: { name: string } } }).spec.scaleTargetRef.name, own.metadata!.name);
    for (const { what, selector } of selectors) {
      assert.ok(selects(selector, own.spec!.template.metadata!.labels!), `${what} selects its own pods`);
      for (const other of serving.filter((g) => g !== group)) {
        const pods = (other.objects.find((o) => o.kind === "Deployment") as Deployment).spec!.template.metadata!.labels!;
        assert.ok(!selects(selector, pods), `${what} (${group.path}) must not select the pods of ${other.path}`);
      }
      assert.ok(!selects(selector, cronPods), `${what} must not select a CronJob's pods`);
    }
  }
});

test("a named workload's webhooks call its own Service, with a Certificate, Issuer and Secret of its own; the default's stay in admission.yaml", () => {
  const guard = loadedAdmission({ name: "guard", workload: "public", admission: { type: "validating", rules: [{ operations: ["CREATE"], resource: "deployments.apps" }] }, handler: () => ({ allowed: true }) });
  const plain = loadedAdmission({ name: "plain", admission: { type: "validating", rules: [{ operations: ["CREATE"], resource: "pods" }] }, handler: () => ({ allowed: true }) });
  const split = generateManifests([guard, plain], { namespace: NS });
  assert.deepEqual(split.map((g) => g.path), ["http.yaml", "admission.yaml", "workload-public.yaml", "admission-public.yaml"]);
  const own = split.find((g) => g.path === "admission-public.yaml")!.objects;
  const configuration = own.find((o) => o.kind === "ValidatingWebhookConfiguration") as ValidatingWebhookConfiguration;
  assert.equal(configuration.metadata!.name, `podfn.public.${NS}`);
  assert.deepEqual(configuration.metadata!.annotations, { "cert-manager.io/inject-ca-from": `${NS}/podfn-public-admission-tls` });
  assert.deepEqual(configuration.webhooks!.map((w) => [w.name, w.clientConfig.service!.name]), [[`guard.podfn.${NS}.podfn.dev`, "podfn-public"]]);
  const certificate = own.find((o) => o.kind === "Certificate") as unknown as { metadata: { name: string }; spec: { secretName: string; dnsNames: string[]; issuerRef: { name: string } } };
  assert.deepEqual([certificate.metadata.name, certificate.spec.secretName, certificate.spec.issuerRef.name], ["podfn-public-admission-tls", "podfn-public-admission-tls", "podfn-public-admission-selfsigned"]);
  assert.deepEqual(certificate.spec.dnsNames, [`podfn-public.${NS}.svc`, `podfn-public.${NS}.svc.cluster.local`]);
  const mounted = (split.find((g) => g.path === "workload-public.yaml")!.objects.find((o) => o.kind === "Deployment") as Deployment).spec!.template.spec!.volumes!.find((v) => v.name === "admission-tls");
  assert.equal(mounted?.secret?.secretName, "podfn-public-admission-tls");
  // The default workload's, as ever.
  const defaults = split.find((g) => g.path === "admission.yaml")!.objects;
  assert.deepEqual((defaults.find((o) => o.kind === "ValidatingWebhookConfiguration") as ValidatingWebhookConfiguration).webhooks!.map((w) => w.clientConfig.service!.name), ["podfn-http"]);
  assert.ok(defaults.some((o) => o.kind === "Certificate" && o.metadata?.name === "podfn-admission-tls"));
  for (const object of split.flatMap((g) => g.objects).filter((o) => !o.apiVersion?.startsWith("cert-manager.io/"))) validateObject(object);
});

test("a workload whose objects' names meet a CronJob function's is refused, naming both", () => {
  const route = loaded({ name: "route", workload: "nightly", http: { auth: "none" }, handler() {} });
  assert.throws(
    () => generateManifests([route, functions.find((fn) => fn.name === "nightly")!]),
    (error: unknown) => error instanceof PodfnError && error.code === "manifest_name_conflict" && /the workload "nightly" \(functions route\) and function "nightly" both need the ServiceAccount "podfn-nightly"/.test(error.message),
  );
});

/** The variables the kubelet sets in a pod for each Service of its namespace when service links are on (pkg/kubelet/envvars/envvars.go). */
function serviceLinkVariables(service: Service): string[] {
  const prefix = service.metadata!.name!.toUpperCase().replaceAll("-", "_");
  const names = [`${prefix}_SERVICE_HOST`, `${prefix}_SERVICE_PORT`, `${prefix}_PORT`];
  for (const port of service.spec?.ports ?? []) {
    const protocol = port.protocol ?? "TCP";
    if (port.name) names.push(`${prefix}_SERVICE_PORT_${port.name.toUpperCase().replaceAll("-", "_")}`);
    const each = `${prefix}_PORT_${port.port}_${protocol}`;
    names.push(each, `${each}_PROTO`, `${each}_PORT`, `${each}_ADDR`);
  }
  return names;
}

test("no pod takes its namespace's Services as variables: a workload named admission (Service podfn-admission) would set PODFN_ADMISSION_PORT=tcp://… in every pod", () => {
  const admission = loaded({ name: "gate", workload: "admission", http: { auth: "none" }, handler() {} });
  const admin = loaded({ name: "panel", workload: "admin", http: { auth: "none" }, handler() {} });
  const all = generateManifests([...functions, admission, admin], OPTIONS).flatMap((g) => g.objects);
  const read = new Set(Object.values(CONFIG_OPTIONS as Record<string, OptionSpec>).map((o) => o.env));
  const colliding = (all.filter((o) => o.kind === "Service") as Service[]).flatMap(serviceLinkVariables).filter((name) => read.has(name));
  assert.deepEqual(colliding.sort(), ["PODFN_ADMIN_PORT", "PODFN_ADMISSION_PORT"], "with links on, these Services would set variables the configuration reads");
  const pods: [string, PodSpec][] = [
    ...(all.filter((o) => o.kind === "Deployment") as Deployment[]).map((d): [string, PodSpec] => [d.metadata!.name!, d.spec!.template.spec!]),
    ...(all.filter((o) => o.kind === "CronJob") as CronJob[]).map((c): [string, PodSpec] => [c.metadata!.name!, c.spec!.jobTemplate.spec!.template.spec!]),
  ];
  assert.ok(pods.some(([name]) => name === "podfn-admission") && pods.some(([name]) => name === "podfn-nightly"));
  // Every Service of the namespace, the user's own and those of another --app included, not only these.
  for (const [name, spec] of pods) assert.equal(spec.enableServiceLinks, false, name);
});
