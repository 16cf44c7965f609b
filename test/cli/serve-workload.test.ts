/**
 * `podfn serve --workload NAME` serves the functions of that workload only (`http`: those naming
 * none), with that workload's rights and Lease on the emulated cluster, as its Deployment runs it;
 * plain `serve` serves every function in one process, as ever; a workload no function makes up
 * is refused, naming those there are.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runPodfn, startPodfn } from "../e2e/helpers/processes.js";

const WORKLOADS = fileURLToPath(new URL("./fixtures/workloads", import.meta.url));
let home: string;

before(async () => {
  home = await mkdtemp(join(tmpdir(), "podfn-serve-workload-"));
});
after(() => rm(home, { recursive: true, force: true }));

/** Serves the fixtures with `args` on the emulated cluster; gives each route's status. */
async function statuses(args: string[], paths: string[]): Promise<{ status: Record<string, number>; output: string }> {
  const serve = startPodfn(["serve", "--port", "0", "--functions", WORKLOADS, "--cluster", "emulated", ...args], { HOME: home }, { cwd: home });
  try {
    const url = (await serve.waitFor(/"url":"(http:\/\/127\.0\.0\.1:\d+)"/))[1]!;
    const status: Record<string, number> = {};
    for (const path of paths) status[path] = (await fetch(`${url}${path}`)).status;
    return { status, output: serve.output() };
  } finally {
    assert.equal(await serve.stop(), 0, serve.output());
  }
}

test("serve --workload public serves its own route only, with its own rights: listing pods, which only the workload ops may, is refused (403)", async () => {
  const { status } = await statuses(["--workload", "public"], ["/front", "/reader", "/plain"]);
  assert.deepEqual(status, { "/front": 403, "/reader": 404, "/plain": 404 });
});

test("serve --workload ops serves its route with its rights, and elects its leader on the workload's Lease", async () => {
  const { status, output } = await statuses(["--workload", "ops", "--app", "myapp"], ["/front", "/reader", "/plain"]);
  assert.deepEqual(status, { "/front": 404, "/reader": 200, "/plain": 404 });
  const serve = startPodfn(["serve", "--port", "0", "--functions", WORKLOADS, "--cluster", "emulated", "--workload", "ops", "--app", "myapp"], { HOME: home }, { cwd: home });
  try {
    await serve.waitFor(/"lease":"myapp-ops-scheduler"[^\n]*"msg":"became the leader"/);
    assert.doesNotMatch(serve.output() + output, /forbidden/);
  } finally {
    assert.equal(await serve.stop(), 0, serve.output());
  }
});

test("serve --workload http serves the functions naming no workload", async () => {
  const { status } = await statuses(["--workload", "http"], ["/front", "/reader", "/plain"]);
  assert.deepEqual(status, { "/front": 404, "/reader": 404, "/plain": 200 });
});

test("plain serve serves every function in one process, as ever", async () => {
  const { status } = await statuses([], ["/front", "/reader", "/plain"]);
  assert.deepEqual(status, { "/front": 200, "/reader": 200, "/plain": 200 });
});

test("serve --workload with a name no function has exits 2, listing the workloads there are", async () => {
  const run = await runPodfn(["serve", "--port", "0", "--functions", WORKLOADS, "--cluster", "emulated", "--workload", "nope"], { HOME: home }, { cwd: home });
  assert.equal(run.code, 2, run.output);
  assert.match(run.output, /--workload nope: no function served by a Deployment is in that workload; the workloads are http \(the functions naming none\), ops, public/);
});

test("serve --help documents --workload", async () => {
  const help = await runPodfn(["serve", "--help"], { HOME: home }, { cwd: home });
  assert.equal(help.code, 0, help.output);
  assert.match(help.output, /--workload/);
  assert.match(help.output, /PODFN_WORKLOAD/);
});
