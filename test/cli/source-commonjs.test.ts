/**
 * From source (bin/podfn.js running the TypeScript through tsx), a CommonJS function module
 * (.cts, .cjs) that requires `podfn` gets the CLI's own runtime, as an ES module function does:
 * one copy of each error class, and no compiled dist/ needed; `require("podfn/testing")` gives
 * the very module `import("podfn/testing")` does. The package here is a checkout
 * with no dist/ (bin/ copied, runtime/ linked), as a fresh clone is.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startCluster, type Cluster } from "../../runtime/testing/index.js";

const REPO = fileURLToPath(new URL("../../", import.meta.url));

let pkg: string;
let cluster: Cluster;
let kubeconfig: string;

/** `node bin/podfn.js <args>` in the package; resolves whatever the exit code. */
function podfn(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(pkg, "bin/podfn.js"), ...args], { cwd: pkg, env: { PATH: process.env.PATH ?? "" }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

before(async () => {
  pkg = await mkdtemp(join(tmpdir(), "podfn-source-cjs-"));
  await mkdir(join(pkg, "bin"));
  for (const file of ["podfn.js", "source-conditions.js", "source-require.js"]) await copyFile(join(REPO, "bin", file), join(pkg, "bin", file));
  await copyFile(join(REPO, "package.json"), join(pkg, "package.json"));
  await symlink(join(REPO, "runtime"), join(pkg, "runtime"));
  await symlink(join(REPO, "node_modules"), join(pkg, "node_modules"));
  await mkdir(join(pkg, "fns"));
  await writeFile(
    join(pkg, "fns/not-found.cts"),
    `import { defineFunction, KubeNotFoundError } from "podfn";
export default defineFunction({
  name: "not-found",
  schedule: { cron: "0 3 * * *" },
  permissions: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get"] }],
  async handler({ kube }) {
    try {
      await kube.configMaps.get("does-not-exist");
      return { found: true };
    } catch (e) {
      if (e instanceof KubeNotFoundError) return { found: false };
      throw e;
    }
  },
});
`,
  );
  await writeFile(
    join(pkg, "fns/refuse.cjs"),
    `const { defineFunction, ConfigError } = require("podfn");
module.exports = defineFunction({ name: "refuse", schedule: { cron: "0 3 * * *" }, handler: () => { throw new ConfigError("refused by a CommonJS function"); } });
`,
  );
  await writeFile(
    join(pkg, "fns/same-testing.cjs"),
    `const { defineFunction } = require("podfn");
const required = require("podfn/testing");
module.exports = defineFunction({ name: "same-testing", schedule: { cron: "0 3 * * *" }, handler: async () => {
  const imported = await import("podfn/testing");
  return { sameStartCluster: required.startCluster === imported.startCluster, sameErrorClass: required.ManifestError === imported.ManifestError };
} });
`,
  );
  cluster = await startCluster();
  kubeconfig = join(pkg, "kubeconfig");
  await writeFile(kubeconfig, cluster.kubeconfig(), { mode: 0o600 });
});

after(async () => {
  await cluster?.stop();
  if (pkg) await rm(pkg, { recursive: true, force: true });
});

test("a .cts function's KubeNotFoundError is the one the client throws", async () => {
  const { code, stdout, stderr } = await podfn(["run", "not-found", "--functions", "fns", "--cluster", "real", "--kubeconfig", kubeconfig]);
  assert.equal(code, 0, stderr);
  assert.deepEqual(JSON.parse(stdout), { found: false });
});

test("a .cjs function's ConfigError is the CLI's own (exit 2)", async () => {
  const { code, stderr } = await podfn(["run", "refuse", "--functions", "fns", "--cluster", "real", "--kubeconfig", kubeconfig]);
  assert.equal(code, 2, stderr);
  assert.match(stderr, /refused by a CommonJS function/);
});

test("a .cjs function's require(\"podfn/testing\") is the module import(\"podfn/testing\") gives", async () => {
  const { code, stdout, stderr } = await podfn(["run", "same-testing", "--functions", "fns", "--cluster", "real", "--kubeconfig", kubeconfig]);
  assert.equal(code, 0, stderr);
  assert.deepEqual(JSON.parse(stdout), { sameStartCluster: true, sameErrorClass: true });
});

test("podfn list loads CommonJS functions from a checkout with no dist/", async () => {
  const { code, stdout, stderr } = await podfn(["list", "--functions", "fns"]);
  assert.equal(code, 0, stderr);
  assert.match(stdout, /^not-found /m);
  assert.match(stdout, /^refuse /m);
});
