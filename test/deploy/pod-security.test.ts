/**
 * podfn's generated workloads meet the `restricted` Pod Security Standard: deployed into a
 * namespace whose PodSecurity enforce, warn and audit levels are restricted on the emulated
 * cluster (whose PodSecurity admission is 1.32's), the committed deploy/manifests and the
 * manifests of a project with every kind of workload (the HTTP Deployment, a named workload's,
 * an admission webhook's, CronJobs) are created without a warning, and the pods their
 * controllers would make from their templates are admitted.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { generateManifests } from "../../runtime/deploy/index.js";
import { testCluster, type Answer, type TestCluster } from "../cluster/helpers.js";
import { loadedAdmission } from "../admission/helpers.js";
import { loaded } from "./helpers.js";

type Obj = Record<string, any>;

const COMMITTED = new URL("../../deploy/manifests/", import.meta.url).pathname;
const RESTRICTED = Object.fromEntries(["enforce", "warn", "audit"].map((mode) => [`pod-security.kubernetes.io/${mode}`, "restricted"]));
const PATHS: Record<string, string> = { ServiceAccount: "/api/v1/namespaces/NS/serviceaccounts", Deployment: "/apis/apps/v1/namespaces/NS/deployments", CronJob: "/apis/batch/v1/namespaces/NS/cronjobs" };

let t: TestCluster;
before(async () => {
  t = await testCluster();
});
after(() => t.close());

function warnings(a: Answer): string[] {
  const value = a.headers.warning;
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** The pod template of a Deployment or a CronJob. */
function templateOf(o: Obj): Obj {
  return o.kind === "CronJob" ? o.spec.jobTemplate.spec.template : o.spec.template;
}

/** Labels `namespace` (created if missing) restricted, then creates the ServiceAccounts, Deployments and CronJobs of `objects` and a pod from each template. */
async function deployRestricted(namespace: string, objects: Obj[]): Promise<number> {
  if ((await t.send("GET", `/api/v1/namespaces/${namespace}`)).status === 404) {
    assert.equal((await t.send("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } } })).status, 201);
  }
  const labelled = await t.send("PATCH", `/api/v1/namespaces/${namespace}`, { body: { metadata: { labels: RESTRICTED } }, contentType: "application/merge-patch+json" });
  assert.equal(labelled.status, 200, labelled.text);
  let workloads = 0;
  for (const kind of ["ServiceAccount", "Deployment", "CronJob"]) {
    for (const o of objects.filter((x) => x.kind === kind)) {
      assert.equal(o.metadata.namespace, namespace);
      const res = await t.send("POST", PATHS[kind]!.replace("NS", namespace), { body: o });
      assert.equal(res.status, 201, `${kind} ${o.metadata.name}: ${res.text}`);
      assert.deepEqual(warnings(res), [], `${kind} ${o.metadata.name}`);
      if (kind === "ServiceAccount") continue;
      workloads++;
      const template = templateOf(o);
      const pod = { apiVersion: "v1", kind: "Pod", metadata: { ...template.metadata, generateName: `${o.metadata.name}-` }, spec: template.spec };
      const created = await t.send("POST", `/api/v1/namespaces/${namespace}/pods`, { body: pod });
      assert.equal(created.status, 201, `a pod of ${kind} ${o.metadata.name}: ${created.text}`);
      assert.deepEqual(warnings(created), [], `a pod of ${kind} ${o.metadata.name}`);
    }
  }
  return workloads;
}

test("the committed deploy/manifests (functions/'s Deployment and CronJobs) are admitted by a restricted namespace, without a warning", async () => {
  const objects: Obj[] = [];
  for (const file of (await readdir(COMMITTED)).filter((f) => f.endsWith(".yaml"))) {
    for (const doc of parseAllDocuments(await readFile(join(COMMITTED, file), "utf8"))) objects.push(doc.toJS() as Obj);
  }
  const namespaces = [...new Set(objects.filter((o) => PATHS[o.kind]).map((o) => o.metadata.namespace as string))];
  assert.equal(namespaces.length, 1);
  const count = await deployRestricted(namespaces[0]!, objects);
  assert.ok(count >= 2, `only ${count} workloads in deploy/manifests`);
});

test("every kind of generated workload (HTTP, a named workload, admission webhooks, CronJobs) meets restricted", async () => {
  const read = [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get" as const] }];
  const functions = [
    loaded({ name: "api", http: { auth: "none" }, permissions: read, handler() {} }),
    loaded({ name: "rollout", workload: "controllers", watch: { resource: "deployments.apps" }, permissions: [{ apiGroups: ["apps"], resources: ["deployments"], verbs: ["patch"] }], handler() {} }),
    loaded({ name: "nightly", schedule: { cron: "0 3 * * *" }, handler() {} }),
    loadedAdmission({ name: "guard", admission: { type: "validating", rules: [{ operations: ["CREATE"], resource: "pods" }] }, handler: () => ({ allowed: true }) }),
  ];
  const objects = generateManifests(functions, { namespace: "apps", image: "registry.example/podfn:1.2.3" }).flatMap((g) => g.objects) as Obj[];
  assert.equal(await deployRestricted("apps", objects), 3);
});
