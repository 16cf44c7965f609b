/**
 * `podfn/testing`: a custom resource's scope, as the project declares it (deploy/scopes), holds
 * in the harness as in `podfn manifests`: a sibling function watching gadgets cluster-scoped puts
 * another function's permission on gadgets in its ClusterRole, in production and when the
 * harness deploys that function alone.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { startHarness, type Harness } from "../../runtime/testing/index.js";
import { loadFunctions } from "../../runtime/loader.js";
import { generateManifests } from "../../runtime/deploy/index.js";
import { homeGrants, rbacInCluster } from "./rbac-grants.js";
import { loaded } from "../schedule/helpers.js";

const PODFN = pathToFileURL(new URL("../../runtime/index.ts", import.meta.url).pathname).href;
const GADGETS = `{ group: "example.com", version: "v1", resource: "gadgets", namespaced: false }`;
const LIST_GADGETS = `[{ apiGroups: ["example.com"], resources: ["gadgets"], verbs: ["list"] }]`;
const module = (definition: string) => `import { defineFunction } from ${JSON.stringify(PODFN)};\nexport default defineFunction(${definition});\n`;

let dir: string;
let h: Harness;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "podfn-scopes-"));
  await writeFile(join(dir, "gadget-watch.mjs"), module(`{ name: "gadget-watch", watch: { resource: ${GADGETS} }, handler() {} }`));
  await writeFile(join(dir, "gadget-api.mjs"), module(`{ name: "gadget-api", http: { auth: "none" }, permissions: ${LIST_GADGETS}, handler() {} }`));
  await writeFile(join(dir, "gadget-report.mjs"), module(`{ name: "gadget-report", schedule: { cron: "0 * * * *" }, permissions: ${LIST_GADGETS}, handler() {} }`));
  h = await startHarness({ functionsDir: dir });
});
after(async () => {
  await h.stop();
  await rm(dir, { recursive: true, force: true });
});

/** What `podfn manifests` grants the ServiceAccount `account` for the functions of `dir` (in namespace `default`). */
async function productionGrants(account: string): Promise<string[]> {
  const objects = generateManifests(await loadFunctions(dir), { namespace: "default" }).flatMap((g) => g.objects);
  return homeGrants(objects, "default", account);
}

test("a permission on a custom resource a sibling function watches cluster-scoped is the ClusterRole's in the harness, as in the manifests (the harness granted a Role)", async () => {
  const api = await h.deploy("gadget-api");
  assert.deepEqual(await productionGrants("podfn-http"), ["* example.com/gadgets list *", "* example.com/gadgets watch *", "HOME coordination.k8s.io/leases create *", "HOME coordination.k8s.io/leases get podfn-scheduler", "HOME coordination.k8s.io/leases update podfn-scheduler"]);
  assert.deepEqual(homeGrants(await rbacInCluster(h.admin), api.namespace, "gadget-api"), ["* example.com/gadgets list *"]);
});

test("a CronJob's account gets the project's scopes too", async () => {
  const report = await h.deploy("gadget-report");
  const production = await productionGrants("podfn-gadget-report");
  assert.deepEqual(production, ["* example.com/gadgets list *"]);
  assert.deepEqual(homeGrants(await rbacInCluster(h.admin), report.namespace, "gadget-report-cronjob"), production);
});

test("a function given as a definition takes the scopes of the harness's functions folder, as one of that project", async () => {
  const fn = await h.deploy(loaded({ name: "gadget-inline", schedule: { cron: "0 * * * *" }, permissions: [{ apiGroups: ["example.com"], resources: ["gadgets"], verbs: ["get"] }], handler() {} }));
  assert.deepEqual(homeGrants(await rbacInCluster(h.admin), fn.namespace, "gadget-inline-cronjob"), ["* example.com/gadgets get *"]);
});
