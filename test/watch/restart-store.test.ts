/**
 * A watch restarted after a failure resumes from the version it saw; when that version has
 * expired meanwhile (410), it lists again and calls `DELETED` for an object deleted while it was
 * down: what it knew outlives the failed stream (its store), as an informer's does.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { runWatches } from "../../runtime/watch/watcher.js";
import { clusterForFile } from "../helpers/cluster-clients.js";
import { captureLogs, loaded, until } from "../schedule/helpers.js";
import { deployWithWatchVerbs } from "./helpers.js";

const NS = "default";
// A short change history: a few writes expire the version the watch listed at.
const { cluster, client } = clusterForFile(NS, { eventWindow: 5 });

test("an object deleted while the watch was refused, its version expired meanwhile, is called for as DELETED once it is allowed", async () => {
  const admin = await client();
  for (const name of ["kept", "gone"]) await admin.configMaps.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, labels: { down: "yes" } } });
  const seen: string[] = [];
  const fn = loaded({ name: "down", watch: { resource: "configmaps", labelSelector: "down=yes" }, handler: ({ trigger }) => void (trigger.type === "watch" && seen.push(`${trigger.event} ${trigger.object.metadata!.name}`)) });
  const { kube, setVerbs } = await deployWithWatchVerbs({ cluster, client }, fn, ["list"], NS);
  let failures = 0;
  const stop = new AbortController();
  const { logger } = captureLogs();
  const done = runWatches({ functions: [fn], kube, logger, restartDelayMs: () => 5, onFailure: () => void failures++ }, stop.signal);
  try {
    await until(() => failures >= 1 && seen.length === 2, "the listed objects' calls and the refused watch", 10_000);
    await admin.configMaps.delete("gone");
    // More changes than the history keeps: the version the watch resumes from is expired.
    for (let i = 0; i < 8; i++) await admin.configMaps.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: `noise-${i}` } });
    await setVerbs(["list", "watch"]);
    await until(() => seen.includes("DELETED gone"), "the deletion made while the watch was down", 10_000);
    assert.deepEqual(seen.sort(), ["ADDED gone", "ADDED kept", "DELETED gone"], "kept, unchanged, is not called for again");
  } finally {
    stop.abort();
    await done;
  }
});
