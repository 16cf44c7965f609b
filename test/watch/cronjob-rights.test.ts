/**
 * A function with a watch and a CronJob schedule: its watch's list and watch rights are the HTTP
 * Deployment's, which runs the watch, never its CronJob's (the manifests grant them so). Tests
 * and `podfn run` on the emulated cluster run a CronJob's call as that CronJob's account, so a
 * handler relying on the watch's rights in a scheduled run fails there as it will in a cluster.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { startHarness, type Harness } from "../../runtime/testing/index.js";
import { KubeForbiddenError } from "../../runtime/kube/errors.js";
import { loaded } from "../schedule/helpers.js";
import { runPodfn } from "../e2e/helpers/processes.js";

const definition = {
  name: "audit",
  watch: { resource: "deployments.apps" },
  schedule: { cron: "0 3 * * *" },
  permissions: [{ apiGroups: ["events.k8s.io"], resources: ["events"], verbs: ["create" as const] }],
};

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.stop());

test("a scheduled run is its CronJob's: the watch's list right is not there; the watch itself lists", async () => {
  const fn = loaded({
    ...definition,
    async handler({ kube }) {
      let n = 0;
      for await (const _ of kube.deployments.list()) n++;
      return n;
    },
  });
  const deployed = await h.deploy(fn);
  await assert.rejects(deployed.run({}, { trigger: { type: "schedule", schedule: "0" } }), (e: unknown) => e instanceof KubeForbiddenError && e.missingPermission?.verbs[0] === "list");
  await assert.rejects(deployed.run({}), KubeForbiddenError, "a podfn run too");
  const watching = deployed.watch();
  await watching.ready;
  await watching.stop();
  const decided = (allowed: boolean) => [...new Set(deployed.access().filter((a) => a.allowed === allowed).map((a) => `${a.verb} ${a.resource}`))].sort();
  assert.deepEqual(decided(false), ["list deployments"], "only the CronJob's runs were denied");
  assert.ok(decided(true).includes("list deployments"), "the Deployment's watch listed");
});

test("podfn run on the emulated cluster runs as the CronJob would: exit 3, the missing list named", async () => {
  const dir = await mkdtemp(join(tmpdir(), "podfn-cron-rights-"));
  try {
    const podfn = pathToFileURL(new URL("../../runtime/index.ts", import.meta.url).pathname).href;
    await writeFile(
      join(dir, "audit.ts"),
      `import { defineFunction } from ${JSON.stringify(podfn)};\nexport default defineFunction({ ...${JSON.stringify(definition)}, async handler({ kube }) { let n = 0; for await (const _ of kube.deployments.list()) n++; return n; } });\n`,
    );
    const { code, output } = await runPodfn(["run", "audit", "--functions", dir, "--cluster", "emulated", "--schedule", "0"], { HOME: dir });
    assert.equal(code, 3, output);
    assert.match(output, /cannot list resource \\"deployments\\"|cannot list resource "deployments"/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
