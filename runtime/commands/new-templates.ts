/**
 * @module commands/new-templates
 * What `podfn new` writes: for each kind of function (an HTTP route, a CronJob, a watch, an
 * admission webhook) a small working module and its tests on the emulated cluster, which pass as
 * written. Each is a starting point that shows the idioms (a strict input, least-privilege
 * permissions, a dry run, a watch that writes only on change), not a stub.
 */

/** The kinds of function `podfn new` writes. */
export const FUNCTION_KINDS = ["http", "schedule", "watch", "admission"] as const;
export type FunctionKind = (typeof FUNCTION_KINDS)[number];

/** A function module and its test, for the function `name`; `importPath` is the function's module as the test imports it. */
export interface Scaffold {
  module: string;
  test: string;
}

const http = (name: string, importPath: string): Scaffold => ({
  module: `/**
 * @module ${name}
 * An HTTP route: POST /${name} with {"prefix": "web-"} answers the pods of the function's
 * namespace whose names start with the prefix, counted by phase.
 *
 * Callers send the token of the Secret \`${name}-token\` (locally .podfn/secrets/${name}-token,
 * made by \`npm start\`): curl -H "Authorization: Bearer $(cat .podfn/secrets/${name}-token)" \\
 *   -H 'content-type: application/json' -d '{"prefix": "web-"}' localhost:8080/${name}
 */
import { z } from "zod";
import { defineFunction } from "podfn";

export default defineFunction({
  name: "${name}",
  description: "Count the pods of the namespace by phase",
  permissions: [{ apiGroups: [""], resources: ["pods"], verbs: ["list"] }],
  http: { method: "POST", auth: { type: "bearer", secret: "${name}-token" } },
  // Strict: a misspelt field is a 400 naming it.
  input: z.strictObject({ prefix: z.string().max(253).default("") }),
  async handler({ input, kube, namespace }) {
    const phases: Record<string, number> = {};
    for await (const pod of kube.pods.list()) {
      if (!pod.metadata?.name?.startsWith(input.prefix)) continue;
      const phase = pod.status?.phase ?? "Unknown";
      phases[phase] = (phases[phase] ?? 0) + 1;
    }
    return { namespace, phases };
  },
});
`,
  test: `import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startHarness, type Deployed, type Harness } from "podfn/testing";
import fn from "${importPath}";

describe("${name}", () => {
  let h: Harness;
  let deployed: Deployed;
  before(async () => {
    h = await startHarness();
    deployed = await h.deploy(fn);
    for (const pod of ["web-1", "web-2", "batch-1"]) {
      await deployed.admin.pods.create({ metadata: { name: pod }, spec: { containers: [{ name: "main", image: "busybox:1.36" }] } });
    }
  });
  after(() => h.stop());

  const post = (body: unknown, headers: Record<string, string> = deployed.authHeaders()) =>
    deployed.fetch("/${name}", { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify(body) });

  test("counts the pods whose names start with the prefix, by phase", async () => {
    const res = await post({ prefix: "web-" });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { namespace: deployed.namespace, phases: { Pending: 2 } });
  });

  test("refuses a caller without the token", async () => {
    assert.equal((await post({}, {})).status, 401);
  });

  test("answers 400 naming a misspelt field", async () => {
    const res = await post({ prefx: "web-" });
    assert.equal(res.status, 400);
    assert.match(JSON.stringify(await res.json()), /prefx/);
  });
});
`,
});

const schedule = (name: string, importPath: string): Scaffold => ({
  module: `/**
 * @module ${name}
 * A CronJob: every 30 minutes, deletes the pods of its namespace that succeeded and were
 * created more than \`olderThanHours\` ago (24 by default).
 *
 * Run it once: npx podfn run ${name} --input '{"olderThanHours": 1}' --dry-run
 */
import { z } from "zod";
import { defineFunction } from "podfn";

export default defineFunction({
  name: "${name}",
  description: "Delete pods that succeeded, created more than olderThanHours ago",
  permissions: [{ apiGroups: [""], resources: ["pods"], verbs: ["list", "delete"] }],
  schedule: { cron: "*/30 * * * *" },
  input: z.strictObject({ olderThanHours: z.number().min(0).default(24) }),
  timeoutMs: 120_000,
  async handler({ input, kube, log, dryRun }) {
    const cutoff = Date.now() - input.olderThanHours * 3_600_000;
    const deleted: string[] = [];
    // The API server filters by phase; the age is checked here.
    for await (const pod of kube.pods.list({ fieldSelector: "status.phase=Succeeded" })) {
      const created = Date.parse(pod.metadata?.creationTimestamp ?? "");
      if (!(created <= cutoff)) continue;
      await kube.pods.delete(pod.metadata!.name!);
      deleted.push(pod.metadata!.name!);
    }
    log.info({ deleted: deleted.length, dryRun }, "cleanup done");
    return { deleted };
  },
});
`,
  test: `import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startHarness, type Deployed, type Harness } from "podfn/testing";
import fn from "${importPath}";

describe("${name}", () => {
  let h: Harness;
  let deployed: Deployed;
  before(async () => {
    h = await startHarness();
    deployed = await h.deploy(fn);
  });
  after(() => h.stop());

  const seed = async (pod: string, phase: "Running" | "Succeeded") => {
    await deployed.admin.pods.create({ metadata: { name: pod }, spec: { containers: [{ name: "main", image: "busybox:1.36" }] } });
    await deployed.admin.pods.patchStatus(pod, { status: { phase } });
  };
  const names = async () => (await deployed.admin.pods.listPage()).items.map((p) => p.metadata?.name).sort();

  test("a dry run deletes nothing; a run deletes the succeeded pods only", async () => {
    await seed("done", "Succeeded");
    await seed("busy", "Running");
    assert.deepEqual(await deployed.run({ olderThanHours: 0 }, { dryRun: true }), { deleted: ["done"] });
    assert.deepEqual(await names(), ["busy", "done"]);
    assert.deepEqual(await deployed.run({ olderThanHours: 0 }), { deleted: ["done"] });
    assert.deepEqual(await names(), ["busy"]);
  });

  test("keeps pods younger than olderThanHours", async () => {
    await seed("recent", "Succeeded");
    assert.deepEqual(await deployed.run({}), { deleted: [] });
  });
});
`,
});

const watch = (name: string, importPath: string): Scaffold => ({
  module: `/**
 * @module ${name}
 * A watch: keeps the SHA-256 of each labelled ConfigMap's data in an annotation, written only
 * when it changed (so its own write calls it once more, and nothing follows).
 *
 * Try it: kubectl create configmap app --from-literal=a=1 && kubectl label configmap app example.com/checksum=true
 */
import { createHash } from "node:crypto";
import { defineFunction } from "podfn";

/** The label that opts a ConfigMap in. */
export const LABEL = "example.com/checksum";
/** The annotation the checksum is kept in. */
export const ANNOTATION = "example.com/data-sha256";

export default defineFunction({
  name: "${name}",
  description: "Keep the checksum of labelled ConfigMaps' data in an annotation",
  permissions: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["patch"] }],
  watch: { resource: "configmaps", labelSelector: \`\${LABEL}=true\`, events: ["ADDED", "MODIFIED"] },
  async handler({ trigger, kube, log }) {
    if (trigger.type !== "watch") return;
    const configMap = trigger.object;
    const data = Object.entries(configMap.data ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const sum = createHash("sha256").update(JSON.stringify(data)).digest("hex");
    if (configMap.metadata?.annotations?.[ANNOTATION] === sum) return;
    await kube.configMaps.patch(configMap.metadata!.name!, { metadata: { annotations: { [ANNOTATION]: sum } } });
    log.info({ configMap: configMap.metadata?.name }, "checksum written");
  },
});
`,
  test: `import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startHarness, until, type Deployed, type Harness } from "podfn/testing";
import fn, { ANNOTATION, LABEL } from "${importPath}";

describe("${name}", () => {
  let h: Harness;
  let deployed: Deployed;
  before(async () => {
    h = await startHarness();
    deployed = await h.deploy(fn);
  });
  after(() => h.stop());

  const annotation = async (configMap: string) => (await deployed.admin.configMaps.get(configMap)).metadata?.annotations?.[ANNOTATION];

  test("writes the checksum of a labelled ConfigMap, again when its data changes, and leaves others alone", async () => {
    const watching = deployed.watch();
    await watching.ready;
    await deployed.admin.configMaps.create({ metadata: { name: "app", labels: { [LABEL]: "true" } }, data: { a: "1" } });
    await deployed.admin.configMaps.create({ metadata: { name: "other" }, data: { a: "1" } });
    await until(async () => (await annotation("app")) !== undefined, "the checksum of app");
    const first = await annotation("app");
    await deployed.admin.configMaps.patch("app", { data: { a: "2" } });
    await until(async () => (await annotation("app")) !== first, "a new checksum after the change");
    assert.equal(await annotation("other"), undefined);
    await watching.stop();
  });
});
`,
});

const admission = (name: string, importPath: string): Scaffold => ({
  module: `/**
 * @module ${name}
 * A validating admission webhook: refuses a Deployment created or updated without an \`owner\`
 * label, in the namespaces labelled \`example.com/require-owner=true\`. Served by \`podfn serve\`
 * on the webhook port; \`podfn manifests\` writes its configuration and certificate (cert-manager).
 * \`failurePolicy: "Ignore"\`: while podfn is down, Deployments go through unchecked.
 */
import { defineFunction } from "podfn";

export default defineFunction({
  name: "${name}",
  description: "Refuse Deployments without an owner label",
  admission: {
    type: "validating",
    rules: [{ operations: ["CREATE", "UPDATE"], resource: "deployments.apps" }],
    namespaceSelector: { matchLabels: { "example.com/require-owner": "true" } },
    failurePolicy: "Ignore",
    timeoutSeconds: 5,
  },
  handler({ trigger }) {
    const deployment = trigger.request.object;
    if (deployment?.metadata?.labels?.owner) return { allowed: true };
    return { allowed: false, message: "a Deployment needs an owner label: the team to ask about it" };
  },
});
`,
  test: `import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startHarness, type Deployed, type Harness } from "podfn/testing";
import fn from "${importPath}";

describe("${name}", () => {
  let h: Harness;
  let deployed: Deployed;
  before(async () => {
    h = await startHarness();
    deployed = await h.deploy(fn);
  });
  after(() => h.stop());

  const deployment = (labels: Record<string, string> = {}) => ({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", labels } });

  test("refuses a Deployment without an owner label, saying why", async () => {
    const { response } = await deployed.review({ object: deployment() });
    assert.equal(response.allowed, false);
    assert.match(response.status?.message ?? "", /owner label/);
  });

  test("lets a Deployment with an owner through", async () => {
    assert.equal((await deployed.review({ object: deployment({ owner: "payments" }) })).response.allowed, true);
  });
});
`,
});

const SCAFFOLDS: Record<FunctionKind, (name: string, importPath: string) => Scaffold> = { http, schedule, watch, admission };

/**
 * The module and test of a new function `name` of `kind`.
 *
 * @example
 * const { module, test } = scaffold("http", "count-pods", "../../functions/count-pods.js");
 */
export function scaffold(kind: FunctionKind, name: string, importPath: string): Scaffold {
  return SCAFFOLDS[kind](name, importPath);
}
