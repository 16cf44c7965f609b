/**
 * A login written into a kubeconfig's server URL (`https://user:pass@host`) is a credential:
 * `podfn run` connects with it and logs the server without it, as it logs a proxy's URL. The
 * function run is the test's own (fixtures/who-and-pods: who calls whoami()), not an example.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startCluster, type Cluster } from "../../runtime/testing/index.js";
import { runPodfn } from "../e2e/helpers/processes.js";

const FUNCTIONS = fileURLToPath(new URL("./fixtures/who-and-pods", import.meta.url));
const PASSWORD = "pa55w0rd-in-the-url";
let cluster: Cluster;
let dir: string;

before(async () => {
  cluster = await startCluster();
  dir = await mkdtemp(join(tmpdir(), "podfn-url-login-"));
  await writeFile(join(dir, "kubeconfig"), cluster.kubeconfig().replace("server: https://", `server: https://ops:${PASSWORD}@`), { mode: 0o600 });
});

after(async () => {
  await cluster?.stop();
  await rm(dir, { recursive: true, force: true });
});

test("the server URL's login is never logged; the server is, without it", async () => {
  assert.ok((await import("node:fs")).readFileSync(join(dir, "kubeconfig"), "utf8").includes(PASSWORD), "the kubeconfig carries the login");
  const { code, output } = await runPodfn(["run", "who", "--functions", FUNCTIONS, "--cluster", "real", "--kubeconfig", join(dir, "kubeconfig"), "--log-level", "debug"], { HOME: dir });
  assert.equal(code, 0, output);
  assert.ok(!output.includes(PASSWORD), output);
  assert.match(output, new RegExp(`"server":"${cluster.url.replace(/[.]/g, "\\.")}"[^\\n]*"msg":"using Kubernetes \\(credentials found; no request made yet\\)"`));
});
