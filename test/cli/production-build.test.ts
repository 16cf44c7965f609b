/**
 * The production build (`scripts/build.js`, what `npm run build` and the image ship) runs as
 * the sources do: built into a temporary package with this repository's package.json (its
 * `exports` and `bin`), `podfn list` and `podfn run` work from `dist/`, a function's
 * `import "podfn"` shares the CLI's module instances, and the lazily loaded dependencies
 * (yaml for a kubeconfig, undici for API calls) work from the bundle.
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

let root: string;
let cluster: Cluster;
let kubeconfig: string;

/** `node <args>` in the temporary package; resolves whatever the exit code. */
function node(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: join(root, "pkg"), env: { PATH: process.env.PATH ?? "", ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const cli = (args: string[]) => node([join(root, "pkg/dist/runtime/cli.js"), ...args]);

before(async () => {
  root = await mkdtemp(join(tmpdir(), "podfn-build-"));
  const pkg = join(root, "pkg");
  await mkdir(join(pkg, "own"), { recursive: true });
  await copyFile(join(REPO, "package.json"), join(pkg, "package.json"));
  await symlink(join(REPO, "node_modules"), join(pkg, "node_modules"));
  const built = await new Promise<{ error: Error | null; stderr: string }>((resolve) =>
    execFile(process.execPath, [join(REPO, "scripts/build.js"), "--out", join(pkg, "dist")], { cwd: REPO, timeout: 120_000 }, (error, _stdout, stderr) => resolve({ error, stderr })),
  );
  assert.equal(built.error, null, built.stderr);
  // A function throwing the `podfn` entry's ConfigError: exit 2 only if the CLI sees the same class.
  await writeFile(
    join(pkg, "own/refuse.js"),
    `import { defineFunction, ConfigError } from "podfn";
export default defineFunction({ name: "refuse", schedule: { cron: "0 3 * * *" }, handler: () => { throw new ConfigError("refused on purpose"); } });
`,
  );
  cluster = await startCluster();
  kubeconfig = join(root, "kubeconfig");
  await writeFile(kubeconfig, cluster.kubeconfig(), { mode: 0o600 });
});

after(async () => {
  await cluster?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

test("podfn list runs from the build and lists the compiled examples", async () => {
  const { code, stdout, stderr } = await cli(["list", "--functions", "dist/functions"]);
  assert.equal(code, 0, stderr);
  assert.match(stdout, /^NAME +ROUTE/);
  for (const name of ["list-pods", "office-hours", "whoami"]) assert.match(stdout, new RegExp(`^${name} `, "m"));
});

test("the package's bin entry runs the build where the sources are absent", async () => {
  await mkdir(join(root, "pkg/bin"), { recursive: true });
  await copyFile(join(REPO, "bin/podfn.js"), join(root, "pkg/bin/podfn.js"));
  const { code, stdout } = await node(["bin/podfn.js", "--version"]);
  assert.equal(code, 0);
  assert.match(stdout, /^\d+\.\d+\.\d+/);
});

test("podfn run calls the API from the build, with credentials from a kubeconfig", async () => {
  const { code, stdout, stderr } = await cli(["run", "list-pods", "--functions", "dist/functions", "--cluster", "real", "--kubeconfig", kubeconfig, "--namespace", "default"]);
  assert.equal(code, 0, stderr);
  assert.ok(JSON.parse(stdout) !== null);
  assert.match(stderr, /"msg":"connected to Kubernetes"/);
});

test("an error class from `import \"podfn\"` is the CLI's own (one copy of each module)", async () => {
  const { code, stderr } = await cli(["run", "refuse", "--functions", "own", "--cluster", "real", "--kubeconfig", kubeconfig]);
  assert.equal(code, 2, stderr);
  assert.match(stderr, /refused on purpose/);
});
