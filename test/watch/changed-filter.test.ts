/**
 * A watch with `changed`: a MODIFIED calls only when the filter says the change matters (given
 * the object and the object at its previous event); ADDED and DELETED call as ever; a filter
 * that throws calls (logged at warn); with `generationChanges` both must pass.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { ConfigMap } from "kubernetes-types/core/v1.js";
import { applyObjects } from "../../runtime/testing/apply.js";
import { defineFunction } from "../../runtime/function.js";
import { until } from "../schedule/helpers.js";
import { adminForFile, runWatched, watchRecorder } from "./helpers.js";
import { BACKUPS, BACKUPS_CRD, backup, type Backup } from "./status-helpers.js";

const admin = adminForFile();

test("with changed, a MODIFIED the filter says does not matter calls nothing; one that matters, ADDED and DELETED call", async () => {
  const compared: string[] = [];
  const { fn, seen } = watchRecorder(
    {
      name: "data-only",
      watch: {
        resource: "configmaps",
        labelSelector: "suite=changed",
        changed: (object, previous) => {
          const [cm, before] = [object as ConfigMap, previous as ConfigMap];
          compared.push(`${before.data?.v}->${cm.data?.v}`);
          return cm.data?.v !== before.data?.v;
        },
      },
    },
    (t) => `${t.event} ${(t.object as { data?: Record<string, string> }).data?.v}`,
  );
  const run = runWatched(fn, admin());
  try {
    await admin().configMaps.create({ metadata: { name: "ch-1", labels: { suite: "changed" } }, data: { v: "1" } });
    await until(() => seen.length === 1, "the ADDED call");
    await admin().configMaps.patch("ch-1", { metadata: { labels: { touched: "yes" }, annotations: { note: "x" } } });
    await admin().configMaps.patch("ch-1", { data: { v: "2" } });
    await until(() => seen.length === 2, "the data edit's call");
    // The label edit came first and was compared (1 -> 1) but called nothing; the data edit's did.
    assert.deepEqual(seen, ["ADDED 1", "MODIFIED 2"]);
    assert.deepEqual(compared, ["1->1", "1->2"], "each MODIFIED compared with the object at its previous event");
    await admin().configMaps.delete("ch-1");
    await until(() => seen.length === 3, "the DELETED call");
    assert.equal(seen[2], "DELETED 2");
  } finally {
    await run.stop();
  }
});

test("a changed filter that throws calls the function, and says so at warn", async () => {
  const { fn, seen } = watchRecorder(
    {
      name: "throwing-filter",
      watch: {
        resource: "configmaps",
        labelSelector: "suite=changed-throws",
        changed: () => {
          throw new Error("filter bug");
        },
      },
    },
    (t) => t.event,
  );
  const run = runWatched(fn, admin());
  try {
    await admin().configMaps.create({ metadata: { name: "ch-2", labels: { suite: "changed-throws" } }, data: { v: "1" } });
    await until(() => seen.length === 1, "the ADDED call");
    await admin().configMaps.patch("ch-2", { metadata: { labels: { touched: "yes" } } });
    await until(() => seen.length === 2, "the MODIFIED call despite the filter's throw");
    const warned = run.lines.find((l) => l.msg === "the changed() filter of configmaps for throwing-filter threw: the change is called");
    assert.ok(warned, "a warning names the filter");
    assert.equal(warned.level, "warn");
    assert.match(String((warned.err as { message?: string } | undefined)?.message), /filter bug/);
  } finally {
    await run.stop();
  }
});

test("with generationChanges and changed both, a MODIFIED calls only when both pass", async () => {
  await applyObjects(admin(), [BACKUPS_CRD]);
  const { fn, seen } = watchRecorder(
    {
      name: "spec-and-target",
      // The filter passes every change but one to a target it ignores.
      watch: { resource: BACKUPS, labelSelector: "suite=changed-gen", generationChanges: true, changed: (b) => (b as Backup).spec?.target !== "ignored" },
    },
    (t) => `${t.event} ${(t.object as Backup).spec?.target}`,
  );
  const backups = admin().resource(BACKUPS);
  const run = runWatched(fn, admin());
  try {
    await backups.create(backup("cg-1", "changed-gen", "db"));
    await until(() => seen.length === 1, "the ADDED call");
    await backups.patch("cg-1", { metadata: { labels: { touched: "yes" } } }); // the filter passes it, not generationChanges
    await backups.patch("cg-1", { spec: { target: "ignored" } }); // generationChanges passes it, not the filter
    await backups.patch("cg-1", { spec: { target: "db2" } }); // both pass it
    await until(() => seen.length === 2, "the target edit's call");
    assert.deepEqual(seen, ["ADDED db", "MODIFIED db2"]);
  } finally {
    await run.stop();
  }
});

test("defineFunction types changed's arguments as the watched resource's objects", () => {
  const fn = defineFunction({
    name: "typed-filter",
    watch: { resource: "pods", changed: (pod, before) => pod.status?.phase !== before.status?.phase },
    handler: () => undefined,
  });
  assert.equal(typeof (fn.watch as { changed?: unknown }).changed, "function");
  // @ts-expect-error a Pod has no `data`: the arguments are Pods, not any object.
  defineFunction({ name: "wrongly-typed", watch: { resource: "pods", changed: (pod) => pod.data !== undefined }, handler: () => undefined });
});
