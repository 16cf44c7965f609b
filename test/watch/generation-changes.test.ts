/**
 * A watch with `generationChanges`: a MODIFIED calls only when `metadata.generation` changed (a
 * spec edit of a resource that counts generations); a status, label or annotation edit calls
 * nothing, and an object without a generation (a ConfigMap) is called for every change.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { applyObjects } from "../../runtime/testing/apply.js";
import { until } from "../schedule/helpers.js";
import { adminForFile, runWatched, watchRecorder } from "./helpers.js";
import { BACKUPS, BACKUPS_CRD, backup, type Backup } from "./status-helpers.js";

const admin = adminForFile();

test("with generationChanges, a status, label or annotation edit calls nothing; a spec edit does", async () => {
  await applyObjects(admin(), [BACKUPS_CRD]);
  const { fn, seen } = watchRecorder({ name: "spec-only", watch: { resource: BACKUPS, labelSelector: "suite=gen", generationChanges: true } }, (t) => `${t.event} ${(t.object as Backup).spec?.target} g${t.object.metadata?.generation}`);
  const backups = admin().resource(BACKUPS);
  const run = runWatched(fn, admin());
  try {
    await backups.create(backup("g-1", "gen", "db"));
    await until(() => seen.length === 1, "the ADDED call");
    await backups.patchStatus("g-1", { status: { phase: "Running" } });
    await backups.patch("g-1", { metadata: { labels: { seen: "yes" }, annotations: { note: "x" } } });
    await backups.patch("g-1", { spec: { target: "db2" } });
    await until(() => seen.length === 2, "the spec edit's call");
    // The status and metadata edits came first and called nothing: the next call is the spec's.
    assert.deepEqual(seen, ["ADDED db g1", "MODIFIED db2 g2"]);
    await backups.delete("g-1");
    await until(() => seen.length === 3, "the DELETED call");
    assert.equal(seen[2], "DELETED db2 g2");
  } finally {
    await run.stop();
  }
});

test("an object without a generation (a ConfigMap) is called for every change; without the option every change calls", async () => {
  const maps = watchRecorder({ name: "maps", watch: { resource: "configmaps", labelSelector: "suite=gen-cm", generationChanges: true } }, (t) => `${t.event} ${(t.object as { data?: Record<string, string> }).data?.v}`);
  const all = watchRecorder({ name: "all", watch: { resource: BACKUPS, labelSelector: "suite=gen-all" } }, (t) => `${t.event} g${t.object.metadata?.generation}`);
  const runs = [runWatched(maps.fn, admin()), runWatched(all.fn, admin())];
  try {
    await admin().configMaps.create({ metadata: { name: "gen-cm", labels: { suite: "gen-cm" } }, data: { v: "1" } });
    await until(() => maps.seen.length === 1, "the ConfigMap's ADDED");
    await admin().configMaps.patch("gen-cm", { data: { v: "2" } });
    await until(() => maps.seen.length === 2, "the ConfigMap's MODIFIED");
    assert.deepEqual(maps.seen, ["ADDED 1", "MODIFIED 2"]);
    await admin().resource(BACKUPS).create(backup("g-all", "gen-all"));
    await until(() => all.seen.length === 1, "the ADDED call");
    await admin().resource(BACKUPS).patchStatus("g-all", { status: { phase: "Running" } });
    await until(() => all.seen.length === 2, "the status edit's call, without the option");
    assert.deepEqual(all.seen, ["ADDED g1", "MODIFIED g1"]);
  } finally {
    await Promise.all(runs.map((r) => r.stop()));
  }
});
