/**
 * Acting as another user: a kubeconfig user's `as`, `as-groups`, `as-uid` and `as-user-extra`,
 * and the `impersonate` option over them, reach the API server as client-go's `Impersonate-*`
 * headers, and the server answers as that user (kube/impersonation.ts).
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createKubeClient, resolveCredentials, KubeCredentialsError, KubeForbiddenError } from "../../runtime/kube/index.js";
import { escapeExtraKey, mergeImpersonation } from "../../runtime/kube/impersonation.js";
import { startCluster, type Cluster } from "../../runtime/testing/index.js";

let cluster: Cluster;
let dir: string;

before(async () => {
  cluster = await startCluster();
  dir = await mkdtemp(join(tmpdir(), "podfn-impersonation-"));
});

after(async () => {
  await cluster?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** The emulator's admin kubeconfig with `lines` added to its user. */
async function kubeconfigActing(name: string, lines: string[]): Promise<string> {
  const text = cluster.kubeconfig().replace(/(\n\s*user:\n)(\s*)/, (_m, head: string, indent: string) => `${head}${lines.map((l) => indent + l + "\n").join("")}${indent}`);
  const path = join(dir, name);
  await writeFile(path, text, { mode: 0o600 });
  return path;
}

const credentialsOf = (kubeconfig: string, impersonate?: Parameters<typeof resolveCredentials>[0] extends infer O ? (O extends { impersonate?: infer I } ? I : never) : never) =>
  resolveCredentials({ kubeconfig, serviceAccountDir: "/nonexistent", env: {}, ...(impersonate ? { impersonate } : {}) });

test("a kubeconfig user's `as` makes every request act as that user: a ServiceAccount gets its groups and its rights", async () => {
  const path = await kubeconfigActing("as-sa", ["as: system:serviceaccount:default:robot"]);
  const kube = createKubeClient({ credentials: await credentialsOf(path) });
  try {
    const me = await kube.whoami();
    assert.equal(me.username, "system:serviceaccount:default:robot");
    assert.ok(me.groups.includes("system:serviceaccounts:default"), JSON.stringify(me.groups));
    // The admin behind it could; the ServiceAccount may not.
    await assert.rejects(kube.secrets.listPage(), KubeForbiddenError);
  } finally {
    await kube.close();
  }
});

test("as-groups, as-uid and as-user-extra are sent too, an extra's key escaped as client-go escapes it", async () => {
  const path = await kubeconfigActing("as-all", ["as: jane", "as-uid: u-123", "as-groups: [ops, auditors]", "as-user-extra:", "  acme.com/project: [alpha, beta]"]);
  const kube = createKubeClient({ credentials: await credentialsOf(path) });
  try {
    const me = await kube.whoami();
    assert.equal(me.username, "jane");
    assert.equal(me.uid, "u-123");
    assert.deepEqual(me.groups.filter((g) => g !== "system:authenticated"), ["ops", "auditors"]);
    assert.deepEqual(me.extra, { "acme.com/project": ["alpha", "beta"] });
  } finally {
    await kube.close();
  }
});

test("the impersonate option replaces the kubeconfig's fields one by one, as kubectl's --as flags do", async () => {
  const path = await kubeconfigActing("as-override", ["as: jane", "as-groups: [ops]"]);
  const kube = createKubeClient({ credentials: await credentialsOf(path, { user: "system:serviceaccount:kube-system:builder" }) });
  try {
    const me = await kube.whoami();
    assert.equal(me.username, "system:serviceaccount:kube-system:builder");
    assert.ok(me.groups.includes("ops"), "the kubeconfig's groups stay when --as-group is not given");
  } finally {
    await kube.close();
  }
});

test("groups without a user to act as are refused before any request, naming where they came from", async () => {
  const path = await kubeconfigActing("groups-only", ["as-groups: [ops]"]);
  await assert.rejects(credentialsOf(path), (e: Error) => e instanceof KubeCredentialsError && /groups-only: user "admin".*needs a user to impersonate/.test(e.message) || assert.fail(e.message));
  assert.throws(() => mergeImpersonation(undefined, { uid: "u" }, "--as, --as-group, --as-uid"), /--as, --as-group, --as-uid: impersonating groups, a uid or user extras needs a user/);
  const bad = await kubeconfigActing("bad-groups", ["as: jane", "as-groups: ops"]);
  await assert.rejects(credentialsOf(bad), /as-groups must be a list of group names/);
});

test("no `as` anywhere: requests act as the kubeconfig's own user", async () => {
  const kube = createKubeClient({ credentials: await credentialsOf(await kubeconfigActing("plain", [])) });
  try {
    assert.equal((await kube.whoami()).username, "system:admin");
  } finally {
    await kube.close();
  }
});

test("an extra's key: token characters kept, everything else and `%` percent-encoded byte by byte", () => {
  assert.equal(escapeExtraKey("scopes"), "scopes");
  assert.equal(escapeExtraKey("acme.com/project"), "acme.com%2Fproject");
  assert.equal(escapeExtraKey("100%"), "100%25");
  assert.equal(escapeExtraKey("é"), "%C3%A9");
});
