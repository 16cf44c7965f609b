/**
 * `/openapi/v2` answers as kube-openapi's handler does (JSON, or gnostic protobuf for the
 * proto-openapi media types kubectl asks for, 406 otherwise, the ETag's 304), so real kubectl
 * (1.32) applying a custom resource whose CRD is not installed says `no matches for kind` as
 * against a real server, not that the server could not find the requested resource (it was a
 * 404). The kubectl case is skipped when kubectl is not on PATH.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { kubectlCluster, type KubectlCluster } from "./helpers.js";

const run = promisify(execFile);
const hasKubectl = await run("kubectl", ["version", "--client"]).then(() => true, () => false);

const WIDGET = `apiVersion: example.com/v1
kind: Widget
metadata: {name: w1, namespace: default}
spec: {size: 1}
`;

const DOCUMENT = { swagger: "2.0", info: { title: "Kubernetes", version: "v1.32.6" }, paths: {}, definitions: {} };

describe("/openapi/v2", () => {
  let t: KubectlCluster;
  before(async () => {
    t = await kubectlCluster({ "widget.yaml": WIDGET });
  });
  after(() => t.close());

  test("JSON for application/json or no Accept, with its ETag; a matching If-None-Match is a 304", async () => {
    const res = await t.send("GET", "/openapi/v2");
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers["content-type"], "application/json");
    assert.equal(res.headers.vary, "Accept");
    assert.deepEqual(res.body, DOCUMENT);
    const etag = String(res.headers.etag);
    assert.match(etag, /^"[0-9A-F]{128}"$/);
    const any = await t.send("GET", "/openapi/v2", { accept: "*/*" });
    assert.equal(any.headers["content-type"], "application/json");
    const cached = await fetchWith(t, { "if-none-match": etag, accept: "application/json" });
    assert.equal(cached.status, 304);
  });

  test("gnostic's protobuf Document for the proto-openapi media types (kubectl's deprecated one too), 406 for others", async () => {
    for (const accept of ["application/com.github.proto-openapi.spec.v2@v1.0+protobuf", "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"]) {
      const res = await fetchWith(t, { accept });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("content-type"), "application/com.github.proto-openapi.spec.v2.v1.0+protobuf");
      // swagger (1) "2.0", info (2) {title (1), version (2)}, paths (8) and definitions (9) empty.
      const expected = Buffer.from("0a03322e3012150a0a4b756265726e65746573120776312e33322e3642004a00", "hex");
      assert.deepEqual(Buffer.from(await res.arrayBuffer()), expected);
    }
    const refused = await fetchWith(t, { accept: "application/xml" });
    assert.equal(refused.status, 406);
    assert.equal(refused.headers.get("content-type"), null);
    assert.equal(await refused.text(), "");
  });

  test("kubectl apply of a custom resource without its CRD says there is no such kind", { skip: hasKubectl ? false : "kubectl is not on PATH" }, async () => {
    const cacheDir = join(t.dir, "cache");
    const failed = await run("kubectl", ["--kubeconfig", t.kubeconfig, "--cache-dir", cacheDir, "apply", "-f", join(t.dir, "widget.yaml")]).then(
      () => assert.fail("kubectl apply succeeded"),
      (error: { stderr: string }) => error.stderr,
    );
    assert.equal(
      failed,
      `error: resource mapping not found for name: "w1" namespace: "default" from "${join(t.dir, "widget.yaml")}": no matches for kind "Widget" in version "example.com/v1"\nensure CRDs are installed first\n`,
    );
  });
});

/** A GET of /openapi/v2 with `headers` as the admin (fetch: the raw bytes and headers). */
async function fetchWith(t: KubectlCluster, headers: Record<string, string>) {
  const { Agent, fetch } = await import("undici");
  const dispatcher = new Agent({ connect: { ca: t.cluster.caPem } });
  try {
    const res = await fetch(`${t.cluster.url}/openapi/v2`, { headers: { authorization: `Bearer ${t.cluster.adminToken}`, ...headers }, dispatcher });
    const body = Buffer.from(await res.arrayBuffer());
    return { status: res.status, headers: res.headers, arrayBuffer: async () => body, text: async () => body.toString("utf8") };
  } finally {
    await dispatcher.close();
  }
}
