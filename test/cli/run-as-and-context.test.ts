/**
 * `podfn run --as`: a run against a real cluster acts as the user named (impersonation, as
 * `kubectl --as`), so a function can be tried with its CronJob's ServiceAccount's rights from an
 * admin's kubeconfig; a missing right is exit 3 as it would be in the pod. The embedded emulated
 * cluster, which runs functions with their declared rights already, refuses the flag.
 * `--context` picks a kubeconfig context other than the current one. The functions run are the
 * test's own (fixtures/who-and-pods: who calls whoami(), pods lists pods), not the examples.
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

let cluster: Cluster;
let dir: string;
let kubeconfig: string;

before(async () => {
  cluster = await startCluster();
  dir = await mkdtemp(join(tmpdir(), "podfn-run-as-"));
  kubeconfig = join(dir, "kubeconfig");
  await writeFile(kubeconfig, cluster.kubeconfig(), { mode: 0o600 });
});

after(async () => {
  await cluster?.stop();
  await rm(dir, { recursive: true, force: true });
});

test("--as runs the function as that ServiceAccount: whoami() says so, and the log line says whom it impersonates", async () => {
  const sa = "system:serviceaccount:default:podfn-pods";
  const { code, output } = await runPodfn(["run", "who", "--functions", FUNCTIONS, "--cluster", "real", "--kubeconfig", kubeconfig, "--as", sa], { HOME: dir });
  assert.equal(code, 0, output);
  assert.ok(output.includes(`"username":"${sa}"`), output);
  assert.match(output, new RegExp(`"impersonating":"${sa}"[^\\n]*"msg":"using Kubernetes`));
});

test("--as a ServiceAccount without the function's rights: exit 3 naming the permission, as its pod would fail", async () => {
  const { code, output } = await runPodfn(["run", "pods", "--functions", FUNCTIONS, "--cluster", "real", "--kubeconfig", kubeconfig, "--as", "system:serviceaccount:default:nobody"], { HOME: dir });
  assert.equal(code, 3, output);
  assert.match(output, /system:serviceaccount:default:nobody[^\n]*cannot list resource \\?"pods\\?"/);
});

test("the same run without --as acts as the kubeconfig's user and succeeds", async () => {
  const { code, output } = await runPodfn(["run", "pods", "--functions", FUNCTIONS, "--cluster", "real", "--kubeconfig", kubeconfig], { HOME: dir });
  assert.equal(code, 0, output);
});

test("--as-group without --as (and no `as` in the kubeconfig) is refused before any request: exit 2 naming the flags", async () => {
  const { code, output } = await runPodfn(["run", "who", "--functions", FUNCTIONS, "--cluster", "real", "--kubeconfig", kubeconfig, "--as-group", "ops"], { HOME: dir });
  assert.equal(code, 2, output);
  assert.match(output, /--as, --as-group, --as-uid: impersonating groups, a uid or user extras needs a user to impersonate/);
});

test("--as with the embedded emulated cluster is refused: it already runs functions with their declared rights", async () => {
  const { code, output } = await runPodfn(["run", "who", "--functions", FUNCTIONS, "--cluster", "emulated", "--as", "jane"], { HOME: dir });
  assert.equal(code, 2, output);
  assert.match(output, /--as, --as-group and --as-uid: not with --cluster emulated/);
});

test("--context uses that context of the kubeconfig (its namespace and user), not current-context", async () => {
  const text = cluster.kubeconfig().replace(/current-context: \S+/, "current-context: nowhere");
  const path = join(dir, "contexts");
  await writeFile(path, `${text.replace(/\ncontexts:\n/, "\ncontexts:\n  - name: nowhere\n    context:\n      cluster: missing\n      user: admin\n  - name: ops\n    context:\n      cluster: podfn\n      user: admin\n      namespace: kube-system\n")}`, { mode: 0o600 });
  const current = await runPodfn(["run", "who", "--functions", FUNCTIONS, "--cluster", "real", "--kubeconfig", path], { HOME: dir });
  assert.equal(current.code, 2, current.output);
  assert.match(current.output, /no cluster named \\"missing\\"/);
  const { code, output } = await runPodfn(["run", "who", "--functions", FUNCTIONS, "--cluster", "real", "--kubeconfig", path, "--context", "ops"], { HOME: dir });
  assert.equal(code, 0, output);
  assert.match(output, /"source":"kubeconfig [^"]*\(context ops\)","namespace":"kube-system"/);
});
