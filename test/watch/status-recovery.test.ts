/**
 * A watch's `status` recovers from a refused write: after a denied write (403) it writes nothing
 * for a minute (no request), then the next call tries again — refused again, quietly, for a
 * minute more —, and once the right is granted the next call after the pause writes its
 * condition and says so; from then on every call writes. A resource that gains its status
 * subresource (a CRD updated) likewise. On the emulated cluster as the HTTP workload's generated
 * ServiceAccount, the pause on a fake clock.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Role } from "kubernetes-types/rbac/v1.js";
import { applyObjects } from "../../runtime/testing/apply.js";
import { generateManifests } from "../../runtime/deploy/index.js";
import type { KubeObject } from "../../runtime/kube/api.js";
import { loaded, until } from "../schedule/helpers.js";
import { FakeClock } from "./fake-clock.js";
import type { ResourceType } from "../../runtime/kube/api.js";
import { BACKUPS, NS, backupsTestFile, backup, conditionOf, countingStatusWrites, deployed, type Backup } from "./status-helpers.js";

const { file, admin, backups } = backupsTestFile();

test("a denied status write: no request for a minute, a quiet retry while still denied, and once granted the next call after the pause writes the condition", async (t) => {
  await backups().create(backup("recover-1", "r1", "t1"));
  const seen: string[] = [];
  const fn = loaded({
    name: "status-recover",
    watch: { resource: BACKUPS, labelSelector: "suite=r1", status: true },
    handler({ trigger }) {
      if (trigger.type === "watch") seen.push(`${trigger.event} ${(trigger.object as Backup).spec!.target}`);
    },
  });
  const clock = new FakeClock();
  let counted!: ReturnType<typeof countingStatusWrites>;
  const withoutStatus = (role: Role): Role => ({ ...role, rules: role.rules!.filter((r) => !r.resources!.includes("backups/status")) });
  const run = await deployed(t, file, [fn], { clock, role: withoutStatus, wrap: (account) => (counted = countingStatusWrites(account)).kube });
  // Each call ends with its status written, refused, or not tried (said at debug): the clock moves only between two.
  const skipped = () => run.lines.filter((l) => typeof l.msg === "string" && l.msg.startsWith("status: not written (writes are refused: denied)")).length;
  const reported = (calls: number) => seen.length === calls && counted.answers.length + skipped() === calls;
  const change = async (target: string) => {
    const calls = seen.length;
    await backups().patch("recover-1", { spec: { target } });
    await until(() => reported(calls + 1), `the call for ${target} and its status`, 10_000);
  };

  await until(() => reported(1) && run.lines.some((l) => l.level === "warn"), "the first call and the warning", 10_000);
  assert.match(String(run.lines.find((l) => l.level === "warn")!.msg), /may not patch backups\/status .*: grant it \(podfn manifests does\) or leave status out; no status is written by this watch for 60 s, then a call tries again \(it says so when it works\)$/);
  await change("t2"); // within the pause: no request
  clock.advance(60_000);
  await change("t3"); // after it: tried, denied again, not told again
  await change("t4"); // within the new pause: no request

  const role = generateManifests([fn], { namespace: NS }).flatMap((g) => g.objects).find((o) => o.kind === "Role") as KubeObject;
  await applyObjects(admin(), [role]);
  await change("t5"); // granted, but within the pause: no request
  clock.advance(60_000);
  await change("t6"); // the next call after the pause: written
  await until(async () => conditionOf(await backups().get("recover-1")) !== undefined, "the condition", 10_000);
  const written = await backups().get("recover-1");
  assert.deepEqual([conditionOf(written)!.status, conditionOf(written)!.reason, conditionOf(written)!.observedGeneration], ["True", "Succeeded", written.metadata!.generation]);
  await change("t7"); // from then on every call writes
  await run.stop();
  assert.equal(skipped(), 3, "t2, t4 and t5 tried no write");

  assert.deepEqual(seen, ["ADDED t1", "MODIFIED t2", "MODIFIED t3", "MODIFIED t4", "MODIFIED t5", "MODIFIED t6", "MODIFIED t7"], "the own writes called nothing");
  assert.deepEqual(counted.answers, ["kube_forbidden", "kube_forbidden", "written", "written"], "one request per pause while denied");
  assert.equal(run.lines.filter((l) => l.level === "warn").length, 1, "one warning for the outage");
  assert.ok(run.lines.some((l) => l.level === "info" && l.msg === "status: the watch backups.status.example.com writes backups.status.example.com's status again (the write is allowed now)"), "told when it works again");
  assert.deepEqual(run.lines.filter((l) => l.level === "error"), []);
});

interface Gadget extends KubeObject {
  spec?: { size?: string };
}
const GADGETS: ResourceType<Gadget> = { group: "recover.example.com", version: "v1", resource: "gadgets", kind: "Gadget", namespaced: true };
/** The Gadget CRD, with a status subresource or without one. */
const gadgetsCrd = (status: boolean) => ({
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "gadgets.recover.example.com" },
  spec: {
    group: "recover.example.com",
    scope: "Namespaced",
    names: { plural: "gadgets", kind: "Gadget" },
    versions: [{ name: "v1", served: true, storage: true, ...(status ? { subresources: { status: {} } } : {}), schema: { openAPIV3Schema: { type: "object", properties: { spec: { type: "object", properties: { size: { type: "string" } } }, status: { type: "object", "x-kubernetes-preserve-unknown-fields": true } } } } }],
  },
});

test("a resource without a status subresource: once its CRD gains one, the next call after the pause writes the condition and says so", async (t) => {
  await applyObjects(admin(), [gadgetsCrd(false)]);
  const gadgets = () => admin().resource(GADGETS);
  await gadgets().create({ apiVersion: "recover.example.com/v1", kind: "Gadget", metadata: { name: "g-1", namespace: NS }, spec: { size: "1" } });
  const seen: string[] = [];
  const fn = loaded({
    name: "status-gains-subresource",
    watch: { resource: GADGETS, status: true },
    handler({ trigger }) {
      if (trigger.type === "watch") seen.push(`${trigger.event} ${(trigger.object as Gadget).spec!.size}`);
    },
  });
  const clock = new FakeClock();
  let counted!: ReturnType<typeof countingStatusWrites>;
  const run = await deployed(t, file, [fn], { clock, wrap: (account) => (counted = countingStatusWrites(account)).kube });
  await until(() => seen.length === 1 && run.lines.some((l) => l.level === "warn"), "the first call and the warning", 10_000);
  assert.match(String(run.lines.find((l) => l.level === "warn")!.msg), /^status: gadgets\.recover\.example\.com has no status subresource/);

  await applyObjects(admin(), [gadgetsCrd(true)]);
  clock.advance(60_000);
  await gadgets().patch("g-1", { spec: { size: "2" } });
  await until(async () => conditionOf(await gadgets().get("g-1")) !== undefined, "the condition", 10_000);
  await run.stop();
  assert.deepEqual(seen, ["ADDED 1", "MODIFIED 2"]);
  assert.deepEqual(counted.answers, ["kube_not_found", "written"]);
  assert.equal(run.lines.filter((l) => l.level === "warn").length, 1);
  assert.ok(run.lines.some((l) => l.level === "info" && l.msg === "status: the watch gadgets.recover.example.com writes gadgets.recover.example.com's status again (the status subresource is there now)"));
});
