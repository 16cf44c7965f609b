import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ServerResponse } from "node:http";
import type { ConfigMap } from "kubernetes-types/core/v1.js";
import { createKubeClient } from "../../runtime/kube/client.js";
import type { KubeClient, WatchEvent } from "../../runtime/kube/api.js";
import { KubeApiError, KubeForbiddenError } from "../../runtime/kube/errors.js";
import { fixture, recordingSleep, sendJson, startFakeApiServer, statusBody } from "./helpers/fake-apiserver.js";
import type { FakeApiServer, Handler, RecordedRequest } from "./helpers/fake-apiserver.js";
import { until } from "../helpers/until.js";

const cm = (name: string, rv: string): ConfigMap => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "golden", resourceVersion: rv } });

function list(rv: string, items: ConfigMap[]) {
  return { kind: "ConfigMapList", apiVersion: "v1", metadata: { resourceVersion: rv }, items };
}

/** Start a watch stream and write events, one JSON object per line. */
function stream(res: ServerResponse, events: object[], end = true): void {
  res.writeHead(200, { "content-type": "application/json", "transfer-encoding": "chunked" });
  for (const event of events) res.write(`${JSON.stringify(event)}\n`);
  if (end) res.end();
}

async function take<T>(iterable: AsyncIterable<T>, count: number): Promise<T[]> {
  const out: T[] = [];
  if (count === 0) return out;
  for await (const item of iterable) {
    out.push(item);
    if (out.length >= count) break;
  }
  return out;
}

const summary = (events: WatchEvent<ConfigMap>[]) => events.map((e) => `${e.type} ${e.object.metadata?.name}@${e.object.metadata?.resourceVersion}`);


describe("watch", () => {
  let handler: Handler = () => {};
  let server: FakeApiServer;
  let kube: KubeClient;
  const watches = (): RecordedRequest[] => server.requests.filter((r) => r.query.get("watch") === "1");
  const lists = (): RecordedRequest[] => server.requests.filter((r) => r.method === "GET" && r.query.get("watch") === null);

  before(async () => {
    server = await startFakeApiServer((req, res) => handler(req, res));
    kube = createKubeClient({ credentials: server.credentials(), retry: { sleep: async () => {} } });
  });
  after(async () => {
    await kube.close();
    await server.close();
  });

  test("lists first (items as ADDED), then watches from the list's resourceVersion and resumes where the stream ended", async () => {
    server.requests.length = 0;
    let watchCount = 0;
    handler = (req, res) => {
      if (req.query.get("watch") !== "1") return sendJson(res, 200, list("10", [cm("a", "8"), cm("b", "9")]));
      watchCount++;
      if (watchCount === 1) stream(res, [{ type: "MODIFIED", object: cm("a", "11") }, { type: "BOOKMARK", object: { kind: "ConfigMap", apiVersion: "v1", metadata: { resourceVersion: "15" } } }]);
      else stream(res, [{ type: "DELETED", object: cm("b", "16") }], false);
    };
    const events = await take(kube.configMaps.watch({ labelSelector: "app=web", timeoutSeconds: 60 }), 4);
    assert.deepEqual(summary(events), ["ADDED a@8", "ADDED b@9", "MODIFIED a@11", "DELETED b@16"]);
    const [first, second] = watches();
    assert.equal(first?.path, "/api/v1/namespaces/golden/configmaps");
    assert.equal(first?.query.get("resourceVersion"), "10");
    assert.equal(first?.query.get("allowWatchBookmarks"), "true");
    assert.equal(first?.query.get("timeoutSeconds"), "60");
    assert.equal(first?.query.get("labelSelector"), "app=web");
    assert.equal(second?.query.get("resourceVersion"), "15", "resumed from the bookmark's resourceVersion");
    assert.equal(lists().length, 1);
  });

  test("BOOKMARK events are yielded when asked", async () => {
    handler = (_req, res) => stream(res, [{ type: "BOOKMARK", object: { kind: "ConfigMap", apiVersion: "v1", metadata: { resourceVersion: "30" } } }], false);
    const [event] = await take(kube.configMaps.watch({ resourceVersion: "29", bookmarks: true }), 1);
    assert.equal(event?.type, "BOOKMARK");
    assert.equal(event?.object.metadata?.resourceVersion, "30");
  });

  test("the real watch stream of the fixture parses into typed events", async () => {
    const events = fixture("watch-configmaps").response.body as object[];
    handler = (_req, res) => stream(res, events, false);
    const got = await take(kube.configMaps.watch({ resourceVersion: "223" }), 3);
    assert.deepEqual(got.map((e) => e.type), ["ADDED", "MODIFIED", "DELETED"]);
    assert.equal(got[1]?.object.data?.k, "w");
  });

  test("a 410 ERROR event makes it list again, yield what changed, and watch from the new list", async () => {
    server.requests.length = 0;
    let listCount = 0;
    let watchCount = 0;
    handler = (req, res) => {
      if (req.query.get("watch") !== "1") {
        listCount++;
        return sendJson(res, 200, listCount === 1 ? list("10", [cm("a", "8"), cm("b", "9")]) : list("40", [cm("a", "35"), cm("c", "38")]));
      }
      watchCount++;
      if (watchCount === 1) stream(res, [{ type: "ERROR", object: statusBody(410, "Expired", "too old resource version: 10 (30)") }]);
      else stream(res, [{ type: "ADDED", object: cm("d", "41") }], false);
    };
    const events = await take(kube.configMaps.watch(), 6);
    assert.deepEqual(summary(events), ["ADDED a@8", "ADDED b@9", "MODIFIED a@35", "ADDED c@38", "DELETED b@9", "ADDED d@41"]);
    assert.deepEqual(watches().map((r) => r.query.get("resourceVersion")), ["10", "40"]);
  });

  test("a 410 HTTP answer to the watch request is handled the same way", async () => {
    server.requests.length = 0;
    let watchCount = 0;
    handler = (req, res) => {
      if (req.query.get("watch") !== "1") return sendJson(res, 200, list("50", [cm("x", "49")]));
      watchCount++;
      if (watchCount === 1) sendJson(res, 410, statusBody(410, "Gone", "too old resource version"));
      else stream(res, [{ type: "MODIFIED", object: cm("x", "51") }], false);
    };
    const events = await take(kube.configMaps.watch({ resourceVersion: "3" }), 2);
    assert.deepEqual(summary(events), ["ADDED x@49", "MODIFIED x@51"]);
    assert.deepEqual(watches().map((r) => r.query.get("resourceVersion")), ["3", "50"]);
  });

  test("a caller's store outlives one watch: restarted from a resourceVersion, a list after a 410 yields DELETED for what vanished while it was down", async () => {
    server.requests.length = 0;
    const store = new Map<string, ConfigMap>();
    handler = (req, res) => {
      if (req.query.get("watch") !== "1") return sendJson(res, 200, list("10", [cm("a", "8"), cm("b", "9")]));
      stream(res, [], false);
    };
    assert.deepEqual(summary(await take(kube.configMaps.watch({ store }), 2)), ["ADDED a@8", "ADDED b@9"]);
    assert.deepEqual([...store.keys()].sort(), ["golden/a", "golden/b"]);
    // Down meanwhile: b deleted, c created, and version 10 compacted away.
    let watchCount = 0;
    handler = (req, res) => {
      if (req.query.get("watch") !== "1") return sendJson(res, 200, list("60", [cm("a", "8"), cm("c", "55")]));
      watchCount++;
      if (watchCount === 1) sendJson(res, 410, statusBody(410, "Gone", "too old resource version: 10 (50)"));
      else stream(res, [{ type: "MODIFIED", object: cm("a", "61") }], false);
    };
    const events = await take(kube.configMaps.watch({ resourceVersion: "10", store }), 3);
    assert.deepEqual(summary(events), ["ADDED c@55", "DELETED b@9", "MODIFIED a@61"]);
    assert.deepEqual([...store.entries()].map(([k, o]) => `${k}@${o.metadata?.resourceVersion}`).sort(), ["golden/a@61", "golden/c@55"]);
  });

  test("an object deleted and made again under its name while the watch was behind comes as DELETED (the old one) then ADDED (the new one), not MODIFIED", async () => {
    server.requests.length = 0;
    const withUid = (uid: string, rv: string): ConfigMap => ({ ...cm("x", rv), metadata: { ...cm("x", rv).metadata, uid } });
    const store = new Map<string, ConfigMap>([["golden/x", withUid("old-uid", "5")]]);
    let watchCount = 0;
    handler = (req, res) => {
      if (req.query.get("watch") !== "1") return sendJson(res, 200, list("9", [withUid("new-uid", "9")]));
      watchCount++;
      if (watchCount === 1) sendJson(res, 410, statusBody(410, "Expired", "too old resource version: 5 (8)"));
      else stream(res, [{ type: "MODIFIED", object: withUid("new-uid", "10") }], false);
    };
    const events = await take(kube.configMaps.watch({ resourceVersion: "5", store }), 2);
    assert.deepEqual(events.map((e) => `${e.type} ${e.object.metadata?.uid}@${e.object.metadata?.resourceVersion}`), ["DELETED old-uid@5", "ADDED new-uid@9"]);
    assert.equal(store.get("golden/x")?.metadata?.uid, "new-uid");
  });

  test("without a store, a watch restarted from a resourceVersion knows nothing of what vanished before it", async () => {
    server.requests.length = 0;
    let watchCount = 0;
    handler = (req, res) => {
      if (req.query.get("watch") !== "1") return sendJson(res, 200, list("60", [cm("a", "8")]));
      watchCount++;
      if (watchCount === 1) sendJson(res, 410, statusBody(410, "Gone", "too old resource version: 10 (50)"));
      else stream(res, [{ type: "MODIFIED", object: cm("a", "61") }], false);
    };
    assert.deepEqual(summary(await take(kube.configMaps.watch({ resourceVersion: "10" }), 2)), ["ADDED a@8", "MODIFIED a@61"]);
  });

  test("a stalled stream is dropped and restarted from the last resourceVersion", async () => {
    server.requests.length = 0;
    let watchCount = 0;
    const stalled: ServerResponse[] = [];
    handler = (_req, res) => {
      watchCount++;
      if (watchCount === 1) {
        stream(res, [{ type: "ADDED", object: cm("s", "61") }], false);
        stalled.push(res);
      } else {
        stream(res, [{ type: "MODIFIED", object: cm("s", "62") }], false);
      }
    };
    const events = await take(kube.configMaps.watch({ resourceVersion: "60", stallTimeoutMs: 200 }), 2);
    assert.deepEqual(summary(events), ["ADDED s@61", "MODIFIED s@62"]);
    assert.deepEqual(watches().map((r) => r.query.get("resourceVersion")), ["60", "61"]);
    for (const res of stalled) res.end();
  });

  test("a connection dropped after the 200 but before the first event is resumed from the same resourceVersion, not thrown", async () => {
    server.requests.length = 0;
    let watchCount = 0;
    handler = (_req, res) => {
      watchCount++;
      if (watchCount === 1) {
        // Headers and half an event reach the client, then the connection drops (an API server restart).
        res.writeHead(200, { "content-type": "application/json", "transfer-encoding": "chunked" });
        res.write('{"type":"ADD', () => res.socket?.destroy());
      } else {
        stream(res, [{ type: "ADDED", object: cm("d", "66") }], false);
      }
    };
    const events = await take(kube.configMaps.watch({ resourceVersion: "65" }), 1);
    assert.deepEqual(summary(events), ["ADDED d@66"]);
    assert.deepEqual(watches().map((r) => r.query.get("resourceVersion")), ["65", "65"]);
  });

  test("breaking out of the loop closes the stream", async () => {
    let closed = false;
    handler = (_req, res) => {
      res.on("close", () => (closed = true));
      stream(res, [{ type: "ADDED", object: cm("z", "71") }], false);
    };
    await take(kube.configMaps.watch({ resourceVersion: "70" }), 1);
    await until(() => closed, "the server to see the watch connection close");
  });

  test("aborting the signal ends the watch with the signal's reason", async () => {
    handler = (_req, res) => stream(res, [], false);
    const controller = new AbortController();
    const watching = take(kube.configMaps.watch({ resourceVersion: "80", signal: controller.signal }), 1);
    await until(() => watches().some((r) => r.query.get("resourceVersion") === "80"), "the watch request");
    controller.abort(new Error("shutting down"));
    await assert.rejects(watching, /shutting down/);
  });

  test("an ERROR event with a 4xx code other than 410 is thrown, not swallowed", async () => {
    handler = (_req, res) => stream(res, [{ type: "ERROR", object: statusBody(400, "BadRequest", "the watch cannot go on") }], false);
    await assert.rejects(take(kube.configMaps.watch({ resourceVersion: "90" }), 1), (e: unknown) => e instanceof KubeApiError && e.statusCode === 400 && /cannot go on/.test(e.message));
  });

  test("an ERROR event's error names the request's path with the server URL's path prefix, as the transport's errors do", async () => {
    handler = (_req, res) => stream(res, [{ type: "ERROR", object: statusBody(403, "Forbidden", 'configmaps is forbidden: User "u" cannot watch resource "configmaps" in API group "" in the namespace "golden"') }], false);
    const prefixed = createKubeClient({ credentials: { ...server.credentials(), server: `${server.url}/k8s` }, retry: { sleep: async () => {} } });
    try {
      const error = await take(prefixed.configMaps.watch({ resourceVersion: "90" }), 1).catch((e: unknown) => e);
      assert.ok(error instanceof KubeForbiddenError);
      assert.equal(error.code, "kube_forbidden");
      assert.equal(error.path, "/k8s/api/v1/namespaces/golden/configmaps");
      assert.ok(error.message.startsWith("WATCH /k8s/api/v1/namespaces/golden/configmaps: configmaps is forbidden"), error.message);
    } finally {
      await prefixed.close();
    }
  });

  test("an ERROR event with a 500 is waited out: the watch resumes from the same resourceVersion", async () => {
    server.requests.length = 0;
    let watchCount = 0;
    handler = (_req, res) => {
      watchCount++;
      if (watchCount === 1) stream(res, [{ type: "ERROR", object: statusBody(500, "InternalError", "etcd is sad") }], false);
      else stream(res, [{ type: "ADDED", object: cm("e", "92") }], false);
    };
    const events = await take(kube.configMaps.watch({ resourceVersion: "91" }), 1);
    assert.deepEqual(summary(events), ["ADDED e@92"]);
    assert.deepEqual(watches().map((r) => r.query.get("resourceVersion")), ["91", "91"]);
  });

  test("a stream that brings only an ERROR 500 is resumed after a growing backoff, not at once", async () => {
    const recorded = recordingSleep();
    const pausing = createKubeClient({ credentials: server.credentials(), retry: { sleep: recorded.sleep } });
    let watchCount = 0;
    handler = (_req, res) => {
      watchCount++;
      if (watchCount <= 3) stream(res, [{ type: "ERROR", object: statusBody(500, "InternalError", "etcd is sad") }], false);
      else stream(res, [{ type: "ADDED", object: cm("f", "94") }], false);
    };
    try {
      const events = await take(pausing.configMaps.watch({ resourceVersion: "93" }), 1);
      assert.deepEqual(summary(events), ["ADDED f@94"]);
      assert.equal(recorded.sleeps.length, 3, "one wait before each reconnection");
    } finally {
      await pausing.close();
    }
  });

  test("a watch answered with nothing but 410 lists again after a growing backoff, not in a loop; one that brought events first lists at once", async () => {
    const recorded = recordingSleep();
    const pausing = createKubeClient({ credentials: server.credentials(), retry: { sleep: recorded.sleep } });
    let watchCount = 0;
    let listCount = 0;
    handler = (req, res) => {
      if (req.query.get("watch") !== "1") return sendJson(res, 200, list(String(100 + ++listCount), [cm("a", "8")]));
      watchCount++;
      if (watchCount <= 3) stream(res, [{ type: "ERROR", object: statusBody(410, "Expired", "too old resource version") }]);
      else if (watchCount === 4) stream(res, [{ type: "MODIFIED", object: cm("a", "120") }, { type: "ERROR", object: statusBody(410, "Expired", "too old resource version") }]);
      else stream(res, [{ type: "MODIFIED", object: cm("a", "130") }], false);
    };
    // The jitter at its top: the waits are the backoff's bounds, doubling.
    const random = Math.random;
    Math.random = () => 1;
    try {
      const events = await take(pausing.configMaps.watch(), 4);
      assert.deepEqual(summary(events), ["ADDED a@8", "MODIFIED a@120", "MODIFIED a@8", "MODIFIED a@130"], "the list after the last 410 brings a@8 back");
      assert.equal(listCount, 5, "the first list and one per 410");
      assert.deepEqual(recorded.sleeps, [500, 1000, 2000], "a growing wait before each list that followed a bare 410, none after the stream that brought an event");
    } finally {
      Math.random = random;
      await pausing.close();
    }
  });

  test("timeoutSeconds 0 leaves the timeout to the server and still delivers events; by default each request asks 300 to 600 s", async () => {
    server.requests.length = 0;
    handler = (_req, res) => stream(res, [{ type: "ADDED", object: cm("z", "200") }], false);
    const events = await take(kube.configMaps.watch({ resourceVersion: "199", timeoutSeconds: 0 }), 1);
    assert.deepEqual(summary(events), ["ADDED z@200"]);
    assert.equal(watches()[0]!.query.get("timeoutSeconds"), "0");
    await take(kube.configMaps.watch({ resourceVersion: "199" }), 1);
    const asked = Number(watches()[1]!.query.get("timeoutSeconds"));
    assert.ok(asked >= 300 && asked < 600, String(asked));
  });

  test("a stream that ran over a second and ended quietly (nothing changed) is resumed at once; one ended within a second without an event is backed off from", async () => {
    const recorded = recordingSleep();
    const pausing = createKubeClient({ credentials: server.credentials(), retry: { sleep: recorded.sleep } });
    let watchCount = 0;
    handler = (_req, res) => {
      watchCount++;
      // Two streams the server ends after its timeout with nothing to say, then one ended at once, then an event.
      if (watchCount <= 2) setTimeout(() => stream(res, []), 1100);
      else if (watchCount === 3) stream(res, []);
      else stream(res, [{ type: "ADDED", object: cm("q", "97") }], false);
    };
    try {
      const events = await take(pausing.configMaps.watch({ resourceVersion: "96" }), 1);
      assert.deepEqual(summary(events), ["ADDED q@97"]);
      assert.equal(watchCount, 4);
      assert.equal(recorded.sleeps.length, 1, "a wait only after the stream that ended within a second");
    } finally {
      await pausing.close();
    }
  });

  test("an API server outage longer than the transport's retries is waited out once the watch is established", async () => {
    server.requests.length = 0;
    let watchCount = 0;
    handler = (req, res) => {
      if (req.query.get("watch") !== "1") return sendJson(res, 200, list("100", [cm("o", "99")]));
      watchCount++;
      // The first stream ends; then 6 watch requests (past the transport's 3 retries) get 503.
      if (watchCount === 1) stream(res, []);
      else if (watchCount <= 7) sendJson(res, 503, statusBody(503, "ServiceUnavailable", "the server is restarting"));
      else stream(res, [{ type: "MODIFIED", object: cm("o", "101") }], false);
    };
    const events = await take(kube.configMaps.watch(), 2);
    assert.deepEqual(summary(events), ["ADDED o@99", "MODIFIED o@101"]);
    assert.equal(watches().length, 8);
    assert.ok(watches().every((r) => r.query.get("resourceVersion") === "100"));
  });

  test("a watch that never got going is not retried past the transport: the first list's failure is thrown", async () => {
    handler = (_req, res) => sendJson(res, 503, statusBody(503, "ServiceUnavailable", "the server is restarting"));
    await assert.rejects(take(kube.configMaps.watch(), 1), (e: unknown) => e instanceof KubeApiError && e.statusCode === 503);
  });

  test("a continue token that expires between two pages of the list makes it list once more in full, without a limit, as client-go's pager does", async () => {
    server.requests.length = 0;
    handler = (req, res) => {
      if (req.query.get("watch") === "1") return stream(res, [{ type: "ADDED", object: cm("n", "121") }], false);
      if (req.query.get("continue") === "page-2") return sendJson(res, 410, statusBody(410, "Expired", "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter."));
      if (req.query.get("limit") === null) return sendJson(res, 200, list("120", [cm("l", "118"), cm("m", "119")]));
      return sendJson(res, 200, { ...list("", [cm("l", "117")]), metadata: { continue: "page-2" } });
    };
    const events = await take(kube.configMaps.watch({ limit: 1 }), 4);
    assert.deepEqual(summary(events), ["ADDED l@117", "MODIFIED l@118", "ADDED m@119", "ADDED n@121"]);
    assert.deepEqual(lists().map((r) => [r.query.get("continue"), r.query.get("limit")]), [[null, "1"], ["page-2", "1"], [null, null]]);
  });

  test("a continue token that expires again in the full list is thrown, not retried in a loop", async () => {
    handler = (req, res) => {
      if (req.query.get("continue") !== null || req.query.get("limit") === null) return sendJson(res, 410, statusBody(410, "Expired", "too old"));
      return sendJson(res, 200, { ...list("", [cm("l", "117")]), metadata: { continue: "page-2" } });
    };
    await assert.rejects(take(kube.configMaps.watch({ limit: 1 }), 2), (e: unknown) => e instanceof KubeApiError && e.statusCode === 410);
  });

  test("a forbidden watch is thrown with the missing permission", async () => {
    const { response } = fixture("sa-watch-configmaps");
    handler = (_req, res) => sendJson(res, response.status, response.body);
    await assert.rejects(take(kube.configMaps.watch({ resourceVersion: "1" }), 1), (e: unknown) => e instanceof KubeForbiddenError && e.missingPermission?.verbs[0] === "watch");
  });
});
