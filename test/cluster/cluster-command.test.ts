/**
 * `podfn cluster`: writes the admin kubeconfig and CA into the state folder, serves HTTPS on the
 * chosen port until its signal aborts, and prints how to use it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { Agent, request } from "undici";
import { once } from "node:events";
import { createServer, type AddressInfo } from "node:net";
import { clusterCommand } from "../../runtime/commands/cluster.js";
import { eventually } from "./helpers.js";

test("podfn cluster writes admin.kubeconfig and ca.crt, serves, and stops on abort", async () => {
  const dir = await mkdtemp(join(tmpdir(), "podfn-cluster-cmd-"));
  const controller = new AbortController();
  let out = "";
  let err = "";
  const exit = clusterCommand.run({
    argv: ["--port", "0", "--state-dir", "state"], env: {}, cwd: dir, signal: controller.signal,
    stdout: (s) => (out += s), stderr: (s) => (err += s),
  });
  try {
    await eventually(() => (out.includes("kubectl get ns") ? true : undefined));
    assert.match(out, /export KUBECONFIG=.*admin\.kubeconfig/);
    const kubeconfig = parse(await readFile(join(dir, "state", "admin.kubeconfig"), "utf8"));
    const ca = await readFile(join(dir, "state", "ca.crt"), "utf8");
    const server: string = kubeconfig.clusters[0].cluster.server;
    assert.match(server, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(Buffer.from(kubeconfig.clusters[0].cluster["certificate-authority-data"], "base64").toString(), ca);
    const agent = new Agent({ connect: { ca } });
    const res = await request(`${server}/api/v1/namespaces`, { headers: { authorization: `Bearer ${kubeconfig.users[0].user.token}` }, dispatcher: agent });
    assert.equal(res.statusCode, 200);
    assert.equal(((await res.body.json()) as { items: unknown[] }).items.length, 4);
    await agent.close();
  } finally {
    controller.abort("SIGTERM");
    assert.equal(await exit, 0, err);
    await rm(dir, { recursive: true, force: true });
  }
});

test("podfn cluster --help describes the command", async () => {
  let out = "";
  const code = await clusterCommand.run({ argv: ["--help"], env: {}, cwd: "/", signal: new AbortController().signal, stdout: (s) => (out += s), stderr: () => {} });
  assert.equal(code, 0);
  assert.match(out, /Usage: podfn cluster/);
  assert.match(out, /--state-dir/);
  // The port it really uses when none is given (the option table's 8080 is serve's).
  assert.match(out, /--port <value> .*\(default: 6443\)/);
  assert.doesNotMatch(out, /default: 8080/);
});

test("podfn cluster --cluster-objects applies the manifests (CRDs first) before it says it is listening", async () => {
  const dir = await mkdtemp(join(tmpdir(), "podfn-cluster-cmd-"));
  const controller = new AbortController();
  let out = "";
  let err = "";
  const objects = join(import.meta.dirname, "..", "cli", "fixtures", "custom-resources", "objects");
  const exit = clusterCommand.run({
    argv: ["--port", "0", "--state-dir", "state", "--cluster-objects", objects], env: {}, cwd: dir, signal: controller.signal,
    stdout: (s) => (out += s), stderr: (s) => (err += s),
  });
  try {
    await eventually(() => (out.includes("kubectl get ns") ? true : undefined));
    assert.match(out, /applied: {12}3 object\(s\) from .*objects \(1 CustomResourceDefinition\(s\)\)/);
    assert.doesNotMatch(out, /warning:/, "these manifests draw no warning");
    const kubeconfig = parse(await readFile(join(dir, "state", "admin.kubeconfig"), "utf8"));
    const agent = new Agent({ connect: { ca: await readFile(join(dir, "state", "ca.crt"), "utf8") } });
    const res = await request(`${kubeconfig.clusters[0].cluster.server}/apis/ops.example.com/v1/namespaces/default/backups`, { headers: { authorization: `Bearer ${kubeconfig.users[0].user.token}` }, dispatcher: agent });
    assert.deepEqual(((await res.body.json()) as { items: { metadata: { name: string } }[] }).items.map((i) => i.metadata.name), ["nightly", "weekly"]);
    await agent.close();
  } finally {
    controller.abort("SIGTERM");
    assert.equal(await exit, 0, err);
    await rm(dir, { recursive: true, force: true });
  }
});

test("podfn cluster --cluster-objects prints the server's warnings about them", async () => {
  const dir = await mkdtemp(join(tmpdir(), "podfn-cluster-cmd-"));
  const controller = new AbortController();
  let out = "";
  let err = "";
  await writeFile(
    join(dir, "widget.json"),
    JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "default", surprise: 1 }, data: { a: "b" } }),
  );
  const exit = clusterCommand.run({
    argv: ["--port", "0", "--state-dir", "state", "--cluster-objects", join(dir, "widget.json")], env: {}, cwd: dir, signal: controller.signal,
    stdout: (s) => (out += s), stderr: (s) => (err += s),
  });
  try {
    await eventually(() => (out.includes("kubectl get ns") ? true : undefined));
    assert.match(out, /\n {2}warning: {12}unknown field "metadata\.surprise"\n/);
  } finally {
    controller.abort("SIGTERM");
    assert.equal(await exit, 0, err);
    await rm(dir, { recursive: true, force: true });
  }
});

test("podfn cluster --state-dir where a file is in the way exits 2 naming --state-dir, its server stopped (not exit 1 with an errno, the server left listening)", async () => {
  const dir = await mkdtemp(join(tmpdir(), "podfn-cluster-cmd-"));
  await writeFile(join(dir, "state"), "a file");
  // A port free now, which the cluster takes: free again once the command has returned, if it stopped its server.
  const probe = createServer().listen(0, "127.0.0.1");
  await once(probe, "listening");
  const port = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  let out = "";
  let err = "";
  try {
    const code = await clusterCommand.run({
      argv: ["--port", String(port), "--state-dir", "state"], env: {}, cwd: dir, signal: new AbortController().signal,
      stdout: (s) => (out += s), stderr: (s) => (err += s),
    });
    assert.equal(code, 2, err);
    assert.match(err, /^podfn: --state-dir \S*state: cannot write the emulated cluster's admin kubeconfig there \(a file is in the way of the folder: .*state\)\n$/);
    assert.equal(out, "");
    const again = createServer().listen(port, "127.0.0.1");
    await once(again, "listening");
    await new Promise((resolve) => again.close(resolve));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
