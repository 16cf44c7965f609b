/**
 * On the embedded emulated cluster a local run is granted what production grants: a rule on a
 * custom resource whose scope a sibling function declares (its watch names gadgets
 * cluster-scoped) is the ClusterRole's, as `podfn manifests` makes it, though `podfn run` loads
 * the one function it runs.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runPodfn } from "../e2e/helpers/processes.js";

const FIXTURE = join(import.meta.dirname, "fixtures", "cluster-scoped-resources");

test("podfn run on the emulated cluster lists a cluster-scoped custom resource its sibling declares cluster-scoped, as its CronJob's ClusterRole allows in production", async () => {
  const home = await mkdtemp(join(tmpdir(), "podfn-project-scopes-"));
  try {
    const functions = join(FIXTURE, "functions");
    const manifests = await runPodfn(["manifests", "--functions", functions, "--out", join(home, "out")], { HOME: home });
    assert.equal(manifests.code, 0, manifests.output);
    assert.match(await readFile(join(home, "out", "cronjob-count-gadgets.yaml"), "utf8"), /kind: ClusterRole\n/);
    const run = await runPodfn(["run", "count-gadgets", "--cluster", "emulated", "--functions", functions, "--cluster-objects", join(FIXTURE, "objects")], { HOME: home });
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /\{"gadgets":\["sprocket"\]\}/);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});
