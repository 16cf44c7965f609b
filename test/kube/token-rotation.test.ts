import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, mkdir, rename, rm, symlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createKubeClient } from "../../runtime/kube/client.js";
import { combinedAuth, staticAuth, tokenFileAuth } from "../../runtime/kube/auth.js";
import { KubeUnauthorizedError } from "../../runtime/kube/errors.js";
import { sendJson, startFakeApiServer, statusBody } from "./helpers/fake-apiserver.js";
import type { FakeApiServer, Handler } from "./helpers/fake-apiserver.js";

/** A ServiceAccount folder laid out as the kubelet does: `token -> ..data/token`, `..data -> ..<timestamp>`. */
async function kubeletDir(token: string): Promise<{ dir: string; rotate(token: string, stamp: string): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "podfn-sa-"));
  async function writeVersion(stamp: string, value: string): Promise<void> {
    await mkdir(join(dir, stamp));
    await writeFile(join(dir, stamp, "token"), value);
    await writeFile(join(dir, stamp, "namespace"), "golden");
  }
  await writeVersion("..2024_01_01_00_00_00.000000001", token);
  await symlink("..2024_01_01_00_00_00.000000001", join(dir, "..data"));
  await symlink("..data/token", join(dir, "token"));
  await symlink("..data/namespace", join(dir, "namespace"));
  return {
    dir,
    async rotate(value: string, stamp: string) {
      // The kubelet's atomic writer: new folder, new symlink, rename over ..data.
      await writeVersion(stamp, value);
      await symlink(stamp, join(dir, "..data_tmp"));
      await rename(join(dir, "..data_tmp"), join(dir, "..data"));
    },
  };
}

const FIXED_TIME = new Date("2024-01-01T00:00:00Z");

/** Rewrite a file in place with content of the same length and the same mtime: a change no stat can see. */
async function rewriteInvisibly(path: string, content: string): Promise<void> {
  await writeFile(path, content);
  await utimes(path, FIXED_TIME, FIXED_TIME);
}

const list = { kind: "ConfigMapList", apiVersion: "v1", metadata: { resourceVersion: "1" }, items: [] };

describe("token rotation", () => {
  let handler: Handler = () => {};
  let server: FakeApiServer;
  const dirs: string[] = [];
  before(async () => {
    server = await startFakeApiServer((req, res) => handler(req, res));
  });
  after(async () => {
    await server.close();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  test("after the kubelet swaps ..data, the first request past the check interval carries the new token", async () => {
    const sa = await kubeletDir("token-one");
    dirs.push(sa.dir);
    handler = (_req, res) => sendJson(res, 200, list);
    let now = 1_000_000;
    const kube = createKubeClient({ credentials: server.credentials(tokenFileAuth(join(sa.dir, "token"), { now: () => now })) });
    await kube.configMaps.listPage();
    await sa.rotate("token-two", "..2024_01_01_00_50_00.000000002");
    now += 500;
    await kube.configMaps.listPage();
    now += 600;
    await kube.configMaps.listPage();
    const seen = server.requests.slice(-3).map((r) => r.headers.authorization);
    assert.deepEqual(seen, ["Bearer token-one", "Bearer token-one", "Bearer token-two"], "within 1 s of the last look the file is not looked at; after it, it is");
    await kube.close();
  });

  test("a 401 makes the token be re-read and the request retried once", async () => {
    const dir = await mkdtemp(join(tmpdir(), "podfn-token-"));
    dirs.push(dir);
    const path = join(dir, "token");
    await rewriteInvisibly(path, "old-token");
    const auth = tokenFileAuth(path);
    assert.equal((await auth.get()).token, "old-token");
    // A change the stat cannot see: only the 401 can make the client read the file again.
    await rewriteInvisibly(path, "new-token");
    const seen: string[] = [];
    handler = (req, res) => {
      seen.push(String(req.headers.authorization));
      if (req.headers.authorization === "Bearer new-token") sendJson(res, 200, list);
      else sendJson(res, 401, statusBody(401, "Unauthorized", "Unauthorized"));
    };
    const kube = createKubeClient({ credentials: server.credentials(auth) });
    const page = await kube.configMaps.listPage();
    assert.equal(page.metadata.resourceVersion, "1");
    assert.deepEqual(seen, ["Bearer old-token", "Bearer new-token"]);
    await kube.close();
  });

  test("a 401 is retried once only, then thrown", async () => {
    const sa = await kubeletDir("revoked-token");
    dirs.push(sa.dir);
    let calls = 0;
    handler = (_req, res) => {
      calls++;
      sendJson(res, 401, statusBody(401, "Unauthorized", "Unauthorized"));
    };
    const kube = createKubeClient({ credentials: server.credentials(tokenFileAuth(join(sa.dir, "token"))) });
    await assert.rejects(kube.configMaps.listPage(), (error: unknown) => error instanceof KubeUnauthorizedError && error.code === "kube_unauthorized");
    assert.equal(calls, 2);
    await kube.close();
  });

  test("a 401 with a fixed token is not retried", async () => {
    let calls = 0;
    handler = (_req, res) => {
      calls++;
      sendJson(res, 401, statusBody(401, "Unauthorized", "Unauthorized"));
    };
    const kube = createKubeClient({ credentials: server.credentials("fixed") });
    await assert.rejects(kube.configMaps.listPage(), KubeUnauthorizedError);
    assert.equal(calls, 1);
    await kube.close();
  });
});

describe("token file source", () => {
  test("re-reads after refreshMs even when the file looks unchanged, not before", async () => {
    const dir = await mkdtemp(join(tmpdir(), "podfn-token-"));
    const path = join(dir, "token");
    await rewriteInvisibly(path, "aaaa");
    let now = 1_000_000;
    const auth = tokenFileAuth(path, { now: () => now });
    assert.equal((await auth.get()).token, "aaaa");
    await rewriteInvisibly(path, "bbbb");
    now += 30_000;
    assert.equal((await auth.get()).token, "aaaa", "within 60 s an unchanged-looking file is not re-read");
    now += 31_000;
    assert.equal((await auth.get()).token, "bbbb", "after 60 s it is");
    await rm(dir, { recursive: true, force: true });
  });

  test("within checkMs of the last look a get does not touch the file; past it, it does", async () => {
    const dir = await mkdtemp(join(tmpdir(), "podfn-token-"));
    const path = join(dir, "token");
    await writeFile(path, "kept");
    let now = 1_000_000;
    const looks: string[] = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (_: object, msg: string) => void looks.push(msg) };
    const auth = tokenFileAuth(path, { now: () => now, checkMs: 2000, logger });
    assert.equal((await auth.get()).token, "kept");
    await rm(path);
    now += 1999;
    assert.equal((await auth.get()).token, "kept", "no stat within checkMs: the removal is not seen");
    assert.deepEqual(looks, []);
    now += 1;
    // Looked at: the removal is seen (and the last good token kept, as client-go keeps it).
    assert.equal((await auth.get()).token, "kept");
    assert.deepEqual(looks, ["cannot re-read the token file; using the last token read"]);
    await rm(dir, { recursive: true, force: true });
  });

  test("current() hands the token at once only while get would not look at the file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "podfn-token-"));
    const path = join(dir, "token");
    await writeFile(path, "first");
    let now = 1_000_000;
    const auth = tokenFileAuth(path, { now: () => now, checkMs: 2000 });
    assert.equal(auth.current!(), undefined, "nothing read yet");
    await auth.get();
    now += 1999;
    assert.equal(auth.current!()?.token, "first");
    now += 1;
    assert.equal(auth.current!(), undefined, "a look is due: get must stat");
    await writeFile(path, "second");
    assert.equal((await auth.get()).token, "second");
    assert.equal(auth.current!()?.token, "second");
    auth.invalidate();
    assert.equal(auth.current!(), undefined, "after a 401 the file is read again");
    await rm(dir, { recursive: true, force: true });
  });

  test("combined sources hand their joined material at once only when each part is at hand", async () => {
    const dir = await mkdtemp(join(tmpdir(), "podfn-token-"));
    const path = join(dir, "token");
    await writeFile(path, "tok");
    const auth = combinedAuth([tokenFileAuth(path), staticAuth({ certPem: "CERT", keyPem: "KEY" }, "client certificate")]);
    assert.equal(auth.current!(), undefined, "the token is not read yet");
    assert.deepEqual(await auth.get(), { token: "tok", certPem: "CERT", keyPem: "KEY" });
    assert.deepEqual(auth.current!(), { token: "tok", certPem: "CERT", keyPem: "KEY" });
    await rm(dir, { recursive: true, force: true });
  });

  test("a missing token file is a KubeCredentialsError naming the file", async () => {
    const auth = tokenFileAuth("/nonexistent/podfn/token");
    await assert.rejects(auth.get(), (error: Error & { code?: string }) => error.code === "kube_credentials" && error.message.includes("/nonexistent/podfn/token"));
  });

  test("concurrent requests share one read", async () => {
    const dir = await mkdtemp(join(tmpdir(), "podfn-token-"));
    await writeFile(join(dir, "token"), "shared");
    const auth = tokenFileAuth(join(dir, "token"));
    const all = await Promise.all([auth.get(), auth.get(), auth.get()]);
    assert.deepEqual(all.map((m) => m.token), ["shared", "shared", "shared"]);
    await rm(dir, { recursive: true, force: true });
  });
});
