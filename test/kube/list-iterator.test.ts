import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ServerResponse } from "node:http";
import { createKubeClient } from "../../runtime/kube/client.js";
import type { KubeClient, KubeObject } from "../../runtime/kube/api.js";
import { KubeConnectionError } from "../../runtime/kube/errors.js";
import { startFakeApiServer } from "./helpers/fake-apiserver.js";
import type { FakeApiServer, Handler } from "./helpers/fake-apiserver.js";

function sendText(res: ServerResponse, text: string, type = "application/json", chunked = false): void {
  res.writeHead(200, chunked ? { "content-type": type } : { "content-type": type, "content-length": Buffer.byteLength(text) });
  if (!chunked) return void res.end(text);
  // Small writes with no Content-Length: the client grows its buffer as the body arrives.
  for (let i = 0; i < text.length; i += 7) res.write(text.slice(i, i + 7));
  res.end();
}

/** Pretty-printed pages whose items have and lack kind/apiVersion, with escapes and multi-byte text. */
const PAGES: Record<string, string> = {
  "": JSON.stringify({ kind: "PodList", apiVersion: "v1", metadata: { resourceVersion: "5", continue: "p2" }, items: [{ metadata: { name: "a", annotations: { note: 'say "hi" ] } \\' } } }, { kind: "Pod", apiVersion: "v1", metadata: { name: "b" }, spec: { nodeName: "nöde-😀" } }] }, null, 2),
  p2: JSON.stringify({ kind: "PodList", apiVersion: "v1", metadata: { resourceVersion: "5" }, items: [{ metadata: { name: "c" }, status: { phase: "Running" } }, { apiVersion: "v1", metadata: { name: "d" } }] }),
};

describe("list() parses each item as it yields it", () => {
  let handler: Handler;
  let server: FakeApiServer;
  let kube: KubeClient;

  before(async () => {
    server = await startFakeApiServer((req, res) => handler(req, res));
    kube = createKubeClient({ credentials: server.credentials() });
  });
  after(async () => {
    await kube.close();
    await server.close();
  });

  async function iterate(): Promise<KubeObject[]> {
    const out: KubeObject[] = [];
    for await (const pod of kube.pods.list({ limit: 2 })) out.push(pod);
    return out;
  }

  test("yields exactly the objects listPage() returns, page after page, with or without Content-Length", async () => {
    for (const chunked of [false, true]) {
      handler = (req, res) => sendText(res, PAGES[req.query.get("continue") ?? ""]!, "application/json", chunked);
      const viaPages = [...(await kube.pods.listPage({ limit: 2 })).items, ...(await kube.pods.listPage({ limit: 2, continue: "p2" })).items];
      const listed = await iterate();
      assert.deepEqual(listed, viaPages);
      // Same key order too (apiVersion and kind appended when missing, kept in place when present).
      assert.deepEqual(listed.map((o) => Object.keys(o)), viaPages.map((o) => Object.keys(o)));
      assert.deepEqual(listed.map((o) => o.metadata?.name), ["a", "b", "c", "d"]);
      assert.deepEqual(listed[0], { metadata: { name: "a", annotations: { note: 'say "hi" ] } \\' } }, apiVersion: "v1", kind: "Pod" });
    }
  });

  test("an item that is not JSON fails with KubeConnectionError once it is reached, after the good ones", async () => {
    handler = (_req, res) => sendText(res, '{"kind":"PodList","metadata":{},"items":[{"metadata":{"name":"a"}},{"metadata":{"name":}}]}');
    const seen: string[] = [];
    await assert.rejects(
      async () => {
        for await (const pod of kube.pods.list()) seen.push(pod.metadata!.name!);
      },
      (error: unknown) => error instanceof KubeConnectionError && /GET \/api\/v1\/namespaces\/golden\/pods: the server answered invalid JSON/.test(error.message),
    );
    assert.deepEqual(seen, ["a"]);
  });

  test("a claimed Content-Length is not trusted with memory: an absurd one ends in KubeConnectionError when the body falls short", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "99999999999999" });
      res.write('{"kind":"PodList","metadata":{},"items":[]}');
      res.socket?.destroySoon();
    };
    // Read until the server hung up (not refused up front for the size it claimed).
    await assert.rejects(iterate(), (error: unknown) => error instanceof KubeConnectionError && /UND_ERR_SOCKET/.test(error.message) && !/ERR_OUT_OF_RANGE/.test(error.message));
  });

  test("a page that is not JSON at all fails before any item", async () => {
    handler = (_req, res) => sendText(res, '{"kind":"PodList","metadata":{},"items":[{}]');
    await assert.rejects(iterate(), (error: unknown) => error instanceof KubeConnectionError && error.message.includes("the server answered invalid JSON"));
    handler = (_req, res) => sendText(res, "<html>proxy error</html>", "text/html");
    await assert.rejects(iterate(), (error: unknown) => error instanceof KubeConnectionError && error.message.includes("answered text/html, not JSON"));
  });
});
