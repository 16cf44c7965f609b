import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { createKubeClient } from "../../runtime/kube/client.js";
import type { KubeClient } from "../../runtime/kube/api.js";
import { sendJson, startFakeApiServer } from "./helpers/fake-apiserver.js";
import type { FakeApiServer, Handler } from "./helpers/fake-apiserver.js";

const LIST = { kind: "ConfigMapList", apiVersion: "v1", metadata: { resourceVersion: "10" }, items: [{ metadata: { name: "a", resourceVersion: "9" } }] };

describe("a view's long-lived signal keeps nothing of finished calls", () => {
  let handler: Handler;
  let server: FakeApiServer;
  let kube: KubeClient;

  before(async () => {
    server = await startFakeApiServer((req, res) => handler(req, res));
    kube = createKubeClient({ credentials: server.credentials(), retry: { retries: 0 } });
  });
  after(async () => {
    await kube.close();
    await server.close();
  });

  /** Abort listeners, plus the signals Node's `AbortSignal.any` derived from it (an internal record it keeps for the source's life). */
  const listeners = (signal: AbortSignal): number => {
    const dependants = Object.getOwnPropertySymbols(signal).find((symbol) => symbol.description === "kDependantSignals");
    const derived = dependants ? ((signal as unknown as Record<symbol, Set<unknown> | undefined>)[dependants]?.size ?? 0) : 0;
    return getEventListeners(signal, "abort").length + derived;
  };

  test("gets, lists, pages, streamed logs and watches with a per-call signal leave no listener on the view's or the call's signal", async () => {
    handler = (req, res) => {
      if (req.path.endsWith("/log")) {
        res.writeHead(200, { "content-type": "text/plain" });
        return void res.end("one\ntwo\n");
      }
      if (req.query.get("watch") === "1") {
        res.writeHead(200, { "content-type": "application/json" });
        return void res.write(`${JSON.stringify({ type: "ADDED", object: { metadata: { name: "b", resourceVersion: "11" } } })}\n`);
      }
      sendJson(res, 200, req.path.endsWith("/configmaps") ? LIST : { kind: "ConfigMap", metadata: { name: "a" } });
    };
    const process = new AbortController();
    const invocation = new AbortController();
    const view = kube.with({ signal: process.signal }).with({ signal: invocation.signal });
    const call = new AbortController();
    for (let i = 0; i < 20; i++) {
      await view.configMaps.get("a", { signal: call.signal });
      await view.configMaps.listPage({ signal: call.signal });
      for await (const item of view.configMaps.list({ signal: call.signal })) assert.equal(item.metadata?.name, "a");
      const lines: string[] = [];
      for await (const line of view.pods.streamLogs("p", { signal: call.signal })) lines.push(line);
      assert.deepEqual(lines, ["one", "two"]);
      for await (const event of view.configMaps.watch({ signal: call.signal })) {
        if (event.object.metadata?.name === "b") break;
      }
    }
    // A streamed body's close is reported on a later tick: poll briefly.
    const deadline = Date.now() + 2000;
    while (listeners(process.signal) + listeners(invocation.signal) + listeners(call.signal) > 0 && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(listeners(process.signal), 0, "process-long signal");
    assert.equal(listeners(invocation.signal), 0, "view signal");
    assert.equal(listeners(call.signal), 0, "per-call signal");
  });

  test("each of a view's signals, and the call's, still aborts a call in flight", async () => {
    let arrived: () => void = () => {};
    handler = () => arrived(); // never answers
    for (const which of ["outer view", "inner view", "call"] as const) {
      const outer = new AbortController();
      const inner = new AbortController();
      const call = new AbortController();
      const view = kube.with({ signal: outer.signal }).with({ signal: inner.signal });
      const pending = view.configMaps.get("a", { signal: call.signal });
      await new Promise<void>((resolve) => (arrived = resolve));
      ({ "outer view": outer, "inner view": inner, call })[which].abort(new Error(`${which} aborted`));
      await assert.rejects(pending, new RegExp(`${which} aborted`));
    }
  });
});
