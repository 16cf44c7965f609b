/**
 * `podfn serve` runs what the HTTP Deployment runs (`http` functions, in-process schedules and
 * watches),
 * with that Deployment's ServiceAccount: a CronJob-only function's permissions are neither
 * needed at start (its token is not mounted there) nor lent to the served functions on the
 * emulated cluster. And on the emulated cluster the namespaces a run names exist, and the
 * scheduler Lease is the app's.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runPodfn, startPodfn } from "../e2e/helpers/processes.js";

const SCOPE = fileURLToPath(new URL("./fixtures/serve-scope", import.meta.url));
const TICK = fileURLToPath(new URL("./fixtures/in-process-schedule", import.meta.url));
const WATCH = fileURLToPath(new URL("./fixtures/watch", import.meta.url));
let home: string;

before(async () => {
  home = await mkdtemp(join(tmpdir(), "podfn-serve-scope-"));
});
after(() => rm(home, { recursive: true, force: true }));

test("in a pod whose Deployment mounts no token (only a CronJob function calls the API), serve starts", async () => {
  const out = join(home, "manifests");
  const generated = await runPodfn(["manifests", "--functions", SCOPE, "--out", out], { HOME: home });
  assert.equal(generated.code, 0, generated.output);
  assert.match(await readFile(join(out, "http.yaml"), "utf8"), /automountServiceAccountToken: false/);
  const serve = startPodfn(["serve", "--port", "0", "--host", "127.0.0.1", "--functions", SCOPE, "--serviceaccount-dir", join(home, "no-token"), "--secrets-dir", join(home, "no-secrets")], { HOME: home, KUBERNETES_SERVICE_HOST: "10.0.0.1", KUBERNETES_SERVICE_PORT: "443" });
  try {
    const url = (await serve.waitFor(/"url":"(http:\/\/127\.0\.0\.1:\d+)"/))[1]!;
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
  } finally {
    assert.equal(await serve.stop(), 0, serve.output());
  }
});

test("on the emulated cluster, a served function gets only what the served functions declare", async () => {
  const serve = startPodfn(["serve", "--port", "0", "--functions", SCOPE, "--cluster", "emulated"], { HOME: home }, { cwd: home });
  try {
    const url = (await serve.waitFor(/"url":"(http:\/\/127\.0\.0\.1:\d+)"/))[1]!;
    const res = await fetch(`${url}/lister`);
    assert.equal(res.status, 403);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, "kube_forbidden");
  } finally {
    assert.equal(await serve.stop(), 0, serve.output());
  }
});

test("on the emulated cluster, the namespace a run names is created", async () => {
  const run = await runPodfn(["run", "sweeper", "--functions", SCOPE, "--cluster", "emulated", "--namespace", "ops"], { HOME: home }, { cwd: home });
  assert.equal(run.code, 0, run.output);
  assert.match(run.output, /"namespace":"ops"/);
  assert.match(run.output, /\{"pods":\d+\}/);
});

test("on the emulated cluster, serve --app takes the app's scheduler Lease", async () => {
  const serve = startPodfn(["serve", "--port", "0", "--functions", TICK, "--cluster", "emulated", "--app", "myapp"], { HOME: home }, { cwd: home });
  try {
    await serve.waitFor(/"msg":"became the leader"/);
    assert.doesNotMatch(serve.output(), /forbidden/);
  } finally {
    assert.equal(await serve.stop(), 0, serve.output());
  }
});

test("serve runs a watch-only function's watch on the leader, under the RBAC its manifests grant; dev runs it too", async () => {
  for (const command of ["serve", "dev"]) {
    const proc = startPodfn([command, "--port", "0", "--functions", WATCH, "--cluster", "emulated"], { HOME: home }, { cwd: home });
    try {
      // serve logs JSON, dev readable lines.
      const url = (await proc.waitFor(/url"?[:=]"?(http:\/\/127\.0\.0\.1:\d+)/))[1]!;
      await proc.waitFor(/watching namespaces for on-namespace \(\d+ listed\)/);
      await proc.waitFor(/saw a namespace/);
      assert.doesNotMatch(proc.output(), /forbidden|watch call failed/, command);
      if (command === "serve") {
        assert.match(proc.output(), /"msg":"became the leader"/);
        // The calls are counted on GET /metrics.
        const metrics = await (await fetch(`${url}/metrics`)).text();
        assert.match(metrics, /^podfn_watch_calls_total\{function="on-namespace",watch="namespaces",event="ADDED",outcome="success"\} [1-9]\d*$/m);
        // This replica leads: the Lease's gauge says so, once.
        assert.match(metrics, /^podfn_leader\{lease="podfn-scheduler"\} 1$/m);
        assert.match(metrics, /^podfn_leader_terms_total\{lease="podfn-scheduler"\} 1$/m);
        assert.match(metrics, /^podfn_watch_call_duration_seconds_count\{function="on-namespace",watch="namespaces"\} [1-9]\d*$/m);
        // The functions' client's requests (the Lease, the list, the watch), as client-go names them.
        assert.match(metrics, /^rest_client_requests_total\{code="200",host="127\.0\.0\.1:\d+",method="GET"\} [1-9]\d*$/m);
        assert.match(metrics, /^rest_client_request_duration_seconds_count\{verb="GET",host="127\.0\.0\.1:\d+"\} [1-9]\d*$/m);
      }
    } finally {
      assert.equal(await proc.stop(), 0, proc.output());
    }
  }
});
