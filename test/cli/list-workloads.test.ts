/**
 * `podfn list` shows a WORKLOAD column only where some function names a workload (the default's
 * functions `http`, a CronJob-only one `-`), and `--json` always gives each function's workload.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { listOutput } from "./list-output.js";

const WORKLOADS = new URL("./fixtures/workloads", import.meta.url).pathname;
const PLAIN = new URL("./fixtures/serve-scope", import.meta.url).pathname;

const list = listOutput;

test("podfn list shows each function's workload in its column where some function names one", async () => {
  const lines = (await list(WORKLOADS)).trimEnd().split("\n");
  assert.match(lines[0]!, /^NAME +ROUTE +AUTH +SCHEDULES +WATCHES +WORKLOAD +PERMISSIONS$/);
  const workload = (name: string) => lines.find((l) => l.startsWith(`${name} `))!.split(/ {2,}/)[5];
  assert.deepEqual(["front", "reader", "plain", "sweep"].map(workload), ["public", "ops", "http", "-"]);
});

test("podfn list has no WORKLOAD column where no function names a workload", async () => {
  assert.match((await list(PLAIN)).split("\n")[0]!, /^NAME +ROUTE +AUTH +SCHEDULES +WATCHES +PERMISSIONS$/);
});

test("podfn list --json gives each function's workload: its own, http for the default one, null for a CronJob-only function", async () => {
  const fns = JSON.parse(await list(WORKLOADS, "--json")) as { name: string; workload: unknown }[];
  assert.deepEqual(Object.fromEntries(fns.map((f) => [f.name, f.workload])), { front: "public", plain: "http", reader: "ops", sweep: null });
  const plain = JSON.parse(await list(PLAIN, "--json")) as { name: string; workload: unknown }[];
  assert.deepEqual(Object.fromEntries(plain.map((f) => [f.name, f.workload])), { lister: "http", sweeper: null });
});
