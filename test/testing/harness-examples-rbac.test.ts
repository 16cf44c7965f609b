/**
 * `podfn/testing` against `podfn manifests`, for every example in functions/: what the harness
 * grants a deployed function's accounts is what the generated manifests grant its workloads'.
 * A CronJob's account is one function's in both, so its grants are equal; the HTTP Deployment's
 * (a workload's) serves several functions, and the harness deploys each alone with its share,
 * so the shares together are the Deployment's grants. Compared as sets of single permissions
 * (`scope group/resource verb name`, the home namespace written `HOME`), the rules' merging
 * aside.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { manifestsCommand } from "../../runtime/commands/manifests.js";
import { loadFunctions } from "../../runtime/loader.js";
import { cronServiceAccountName, servingWorkloadName } from "../../runtime/deploy/names.js";
import { servedByDeployment } from "../../runtime/requirements.js";
import type { LoadedFunction } from "../../runtime/function.js";
import type { KubeObject } from "../../runtime/kube/api.js";
import { readManifests, startHarness, type Harness } from "../../runtime/testing/index.js";
import { homeGrants, rbacInCluster } from "./rbac-grants.js";

const ROOT = new URL("../../", import.meta.url).pathname;
const FUNCTIONS = join(ROOT, "functions");
/** The manifests' namespace: one no permission of an example names, so `HOME` means the home namespace alone. */
const HOME = "podfn-home";

let h: Harness;
let examples: LoadedFunction[];
let production: KubeObject[];
/** The harness's grants of each example's accounts: `served` the Deployment's (its share), `cronJob` its CronJob's. */
const harnessGrants = new Map<string, { served?: string[]; cronJob?: string[] }>();

before(async () => {
  examples = await loadFunctions(FUNCTIONS);
  const out = await mkdtemp(join(tmpdir(), "podfn-examples-rbac-"));
  try {
    let stderr = "";
    const code = await manifestsCommand.run({ argv: ["--functions", FUNCTIONS, "--namespace", HOME, "--out", out], env: {}, cwd: ROOT, stdout: () => {}, stderr: (t) => void (stderr += t), signal: new AbortController().signal });
    assert.equal(code, 0, stderr);
    production = await readManifests(out);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
  h = await startHarness({ functionsDir: FUNCTIONS });
  for (const fn of examples) {
    const deployed = await h.deploy(fn.name);
    const objects = await rbacInCluster(h.admin);
    const served = servedByDeployment([fn]).length > 0;
    const hasCronJob = fn.schedules.some((s) => s.mode === "cronjob");
    harnessGrants.set(fn.name, {
      ...(served ? { served: homeGrants(objects, deployed.namespace, fn.name) } : {}),
      ...(hasCronJob ? { cronJob: homeGrants(objects, deployed.namespace, `${fn.name}-cronjob`) } : {}),
    });
  }
});
after(() => h?.stop());

test("every example's CronJob account is granted in the harness what the manifests grant its CronJob's", () => {
  const withCronJob = examples.filter((fn) => harnessGrants.get(fn.name)?.cronJob !== undefined);
  assert.ok(withCronJob.length > 0, "some example has a CronJob");
  for (const fn of withCronJob) {
    assert.deepEqual(harnessGrants.get(fn.name)!.cronJob, homeGrants(production, HOME, cronServiceAccountName("podfn", fn.name)), fn.name);
  }
});

test("the examples a Deployment serves are granted in the harness, together, what the manifests grant that Deployment's account, and each no more", () => {
  const byWorkload = new Map<string, LoadedFunction[]>();
  for (const fn of servedByDeployment(examples)) {
    const account = servingWorkloadName("podfn", fn.workload);
    byWorkload.set(account, [...(byWorkload.get(account) ?? []), fn]);
  }
  assert.ok(byWorkload.size > 0, "some example is served by a Deployment");
  for (const [account, functions] of byWorkload) {
    const workload = homeGrants(production, HOME, account);
    const shares = functions.map((fn) => harnessGrants.get(fn.name)!.served!);
    assert.deepEqual([...new Set(shares.flat())].sort(), workload, `${account}: ${functions.map((fn) => fn.name).join(", ")}`);
  }
});
