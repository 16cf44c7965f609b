/**
 * `--kube-http-client` (or PODFN_KUBE_HTTP_CLIENT) chooses how the functions' Kubernetes client
 * sends: a run calling the API works with each choice, and the connection line names the
 * choice when it is not the default `auto`. The function is the test's own (fixtures/who-and-pods), not an example.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runPodfn } from "../e2e/helpers/processes.js";

const FUNCTIONS = fileURLToPath(new URL("./fixtures/who-and-pods", import.meta.url));

for (const [how, args, env] of [
  ["--kube-http-client undici", ["--kube-http-client", "undici"], {}],
  ["PODFN_KUBE_HTTP_CLIENT=node", [], { PODFN_KUBE_HTTP_CLIENT: "node" }],
] as const) {
  test(`podfn run of a function calling whoami() on the emulated cluster with ${how}: the call answers, the log names the client`, async () => {
    const home = await mkdtemp(join(tmpdir(), "podfn-http-client-"));
    try {
      const { code, output } = await runPodfn(["run", "who", "--functions", FUNCTIONS, "--cluster", "emulated", "--log-level", "info", ...args], { HOME: home, ...env });
      assert.equal(code, 0, output);
      assert.match(output, /"username":"system:serviceaccount:default:/);
      const chosen = args.length ? args[1] : env.PODFN_KUBE_HTTP_CLIENT;
      assert.match(output, new RegExp(`"httpClient":"${chosen}"[^\\n]*"msg":"running against the embedded emulated cluster`));
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
}
