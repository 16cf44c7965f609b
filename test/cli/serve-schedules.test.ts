/**
 * `podfn serve` runs the in-process schedules under leader election: once the server has
 * answered its first request, or shortly after it listens when none comes (the scheduler's
 * first API calls never delay the first answer), it takes the scheduler Lease,
 * and on SIGTERM releases it, says "shut down" last and exits 0.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startCluster, type Cluster } from "../../runtime/testing/index.js";
import { createKubeClient, resolveCredentials } from "../../runtime/kube/index.js";
import type { KubeClient } from "../../runtime/kube/api.js";
import { startPodfn } from "../e2e/helpers/processes.js";

const FUNCTIONS = fileURLToPath(new URL("./fixtures/in-process-schedule", import.meta.url));

let home: string;
let cluster: Cluster;
let admin: KubeClient;

before(async () => {
  home = await mkdtemp(join(tmpdir(), "podfn-home-"));
  cluster = await startCluster();
  await writeFile(join(home, "kubeconfig"), cluster.kubeconfig(), { mode: 0o600 });
  admin = createKubeClient({ credentials: await resolveCredentials({ explicit: { server: cluster.url, caPem: cluster.caPem, token: cluster.adminToken, namespace: "default" }, serviceAccountDir: "/nonexistent", env: {} }) });
});

after(async () => {
  await admin?.close();
  await cluster?.stop();
  await rm(home, { recursive: true, force: true });
});

test("serve takes the scheduler Lease once listening, and releases it on SIGTERM", async () => {
  const args = ["serve", "--port", "0", "--functions", FUNCTIONS, "--cluster", "real", "--kubeconfig", join(home, "kubeconfig"), "--namespace", "default", "--app", "ticks"];
  const serve = startPodfn(args, { HOME: home });
  try {
    const identity = (await serve.waitFor(/"identity":"([^"]+)"[^\n]*"msg":"became the leader"/))[1]!;
    const lines = serve.output().split("\n");
    const listening = lines.findIndex((l) => l.includes('"msg":"listening"'));
    assert.ok(listening >= 0 && listening < lines.findIndex((l) => l.includes('"msg":"became the leader"')), serve.output());
    assert.equal((await admin.leases.get("ticks-scheduler")).spec?.holderIdentity, identity);
    // The schedule's runs are on /metrics, every outcome from 0 (the minute may not have come yet).
    const url = (await serve.waitFor(/"url":"(http:\/\/127\.0\.0\.1:\d+)"/))[1]!;
    const metrics = await (await fetch(`${url}/metrics`)).text();
    assert.match(metrics, /^podfn_schedule_runs_total\{function="tick",schedule="minutely",outcome="failed"\} 0$/m);
    assert.match(metrics, /^podfn_schedule_last_success_timestamp_seconds\{function="tick",schedule="minutely"\} \d+(\.\d+)?$/m);
  } catch (error) {
    await serve.stop();
    throw error;
  }
  assert.equal(await serve.stop(), 0, serve.output());
  assert.ok(!(await admin.leases.get("ticks-scheduler")).spec?.holderIdentity);
  // "shut down" is the last word: after the HTTP server closed and the Lease was released.
  const messages = serve.output().split("\n").flatMap((l) => (l.startsWith("{") ? [(JSON.parse(l) as { msg: string }).msg] : []));
  assert.equal(messages.at(-1), "shut down", serve.output());
  assert.ok(messages.includes("HTTP server closed") && messages.includes("released the leader lease"), serve.output());
});
