/**
 * The client's requests as /metrics series, named and labelled as client-go's: each attempt by
 * status (`<error>` without an answer), method and host, its latency by verb and host, each
 * retry by the code retried, and the waits a server's Retry-After asked for.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import type { ConfigMap } from "kubernetes-types/core/v1.js";
import { createKubeClient } from "../../runtime/kube/client.js";
import { KubeApiError, KubeConnectionError } from "../../runtime/kube/errors.js";
import { staticAuth } from "../../runtime/kube/auth.js";
import { KubeRequestMetrics } from "../../runtime/kube/request-metrics.js";
import { recordingSleep, sendJson, startFakeApiServer, statusBody } from "./helpers/fake-apiserver.js";
import type { FakeApiServer, Handler } from "./helpers/fake-apiserver.js";

const configMap: ConfigMap = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings", namespace: "golden" } };

/** The exposition's sample lines, name{labels} → value. */
function samples(metrics: KubeRequestMetrics): Map<string, number> {
  const out: string[] = [];
  metrics.render(out);
  return new Map(out.filter((l) => !l.startsWith("#")).map((l) => [l.slice(0, l.lastIndexOf(" ")), Number(l.slice(l.lastIndexOf(" ") + 1))]));
}

describe("kube request metrics", () => {
  let handler: Handler = () => {};
  let server: FakeApiServer;
  let host = "";
  before(async () => {
    server = await startFakeApiServer((req, res) => handler(req, res));
    host = new URL(server.url).host;
  });
  after(() => server.close());

  function client(metrics: KubeRequestMetrics) {
    const recorder = recordingSleep();
    return { kube: createKubeClient({ credentials: server.credentials(), metrics, retry: { sleep: recorder.sleep, random: () => 0.5 } }), sleeps: recorder.sleeps };
  }

  test("a throttled read: each attempt by its status, one retry of the 429, and the Retry-After waited counted", async () => {
    const metrics = new KubeRequestMetrics();
    const { kube } = client(metrics);
    let calls = 0;
    handler = (_req, res) => (calls++ === 0 ? sendJson(res, 429, statusBody(429, "TooManyRequests", "slow down"), { "retry-after": "2" }) : sendJson(res, 200, configMap));
    await kube.configMaps.get("settings");
    await kube.close();
    const s = samples(metrics);
    assert.equal(s.get(`rest_client_requests_total{code="429",host="${host}",method="GET"}`), 1);
    assert.equal(s.get(`rest_client_requests_total{code="200",host="${host}",method="GET"}`), 1);
    assert.equal(s.get(`rest_client_request_duration_seconds_count{verb="GET",host="${host}"}`), 2);
    assert.equal(s.get(`rest_client_request_duration_seconds_bucket{verb="GET",host="${host}",le="+Inf"}`), 2);
    assert.equal(s.get(`rest_client_request_retries_total{code="429",host="${host}",verb="GET"}`), 1);
    assert.equal(s.get(`podfn_kube_retry_after_waits_total{code="429",host="${host}"}`), 1);
    assert.equal(s.get(`podfn_kube_retry_after_wait_seconds_total{code="429",host="${host}"}`), 2);
  });

  test("a read failing with 500 and no Retry-After: every attempt and retry counted, no wait the server asked for; a write by its own method", async () => {
    const metrics = new KubeRequestMetrics();
    const { kube, sleeps } = client(metrics);
    handler = (req, res) => (req.method === "POST" ? sendJson(res, 201, configMap) : sendJson(res, 500, statusBody(500, "InternalError", "boom")));
    await assert.rejects(kube.configMaps.get("settings"), KubeApiError);
    await kube.configMaps.create(configMap);
    await kube.close();
    const s = samples(metrics);
    assert.equal(sleeps.length, 3);
    assert.equal(s.get(`rest_client_requests_total{code="500",host="${host}",method="GET"}`), 4);
    assert.equal(s.get(`rest_client_request_retries_total{code="500",host="${host}",verb="GET"}`), 3);
    assert.equal(s.get(`rest_client_requests_total{code="201",host="${host}",method="POST"}`), 1);
    assert.equal(s.get(`rest_client_request_duration_seconds_count{verb="POST",host="${host}"}`), 1);
    assert.equal([...s.keys()].filter((k) => k.startsWith("podfn_kube_retry_after")).length, 0);
  });

  test("an attempt without an answer (a refused connection) is code <error>, as client-go labels it", async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const metrics = new KubeRequestMetrics();
    const recorder = recordingSleep();
    const kube = createKubeClient({ credentials: { server: `https://127.0.0.1:${port}`, namespace: "golden", auth: staticAuth({ token: "t" }, "test"), source: "test" }, metrics, retry: { sleep: recorder.sleep } });
    await assert.rejects(kube.configMaps.get("settings"), KubeConnectionError);
    await kube.close();
    const s = samples(metrics);
    assert.equal(s.get(`rest_client_requests_total{code="<error>",host="127.0.0.1:${port}",method="GET"}`), 4);
    assert.equal(s.get(`rest_client_request_retries_total{code="<error>",host="127.0.0.1:${port}",verb="GET"}`), 3);
  });

  test("host is the server's host and port as its address writes them (client-go's url.Host): the in-cluster :443 kept, no port added", async () => {
    // Nothing listens on port 443 here: each attempt is refused at once and labelled <error>.
    for (const [server, host] of [["https://127.0.0.1:443", "127.0.0.1:443"], ["https://localhost/prefix", "localhost"], ["https://u:pw@127.0.0.1:443", "127.0.0.1:443"]] as const) {
      const metrics = new KubeRequestMetrics();
      const recorder = recordingSleep();
      const kube = createKubeClient({ credentials: { server, namespace: "golden", auth: staticAuth({ token: "t" }, "test"), source: "test" }, metrics, retry: { sleep: recorder.sleep } });
      await assert.rejects(kube.configMaps.get("settings"), KubeConnectionError);
      await kube.close();
      const s = samples(metrics);
      assert.equal(s.get(`rest_client_requests_total{code="<error>",host="${host}",method="GET"}`), 4, `${server}: ${[...s.keys()].join(" ")}`);
      assert.equal(s.get(`rest_client_request_duration_seconds_count{verb="GET",host="${host}"}`), 4, server);
    }
  });

  test("the exposition has HELP and TYPE before each family's samples, and cumulative buckets", async () => {
    const metrics = new KubeRequestMetrics();
    const { kube } = client(metrics);
    handler = (_req, res) => sendJson(res, 200, configMap);
    for (let i = 0; i < 3; i++) await kube.configMaps.get("settings");
    await kube.close();
    const out: string[] = [];
    metrics.render(out);
    const typed = new Set<string>();
    for (const line of out) {
      if (line.startsWith("# TYPE ")) typed.add(line.split(" ")[2]!);
      else if (!line.startsWith("# HELP ")) {
        const name = line.match(/^[a-z_]+/)![0];
        assert.ok(typed.has(name) || typed.has(name.replace(/_(bucket|sum|count)$/, "")), `${name} has no TYPE`);
      }
    }
    const buckets = out.filter((l) => l.startsWith("rest_client_request_duration_seconds_bucket")).map((l) => Number(l.split(" ")[1]));
    assert.equal(buckets.length, 13, "client-go's 12 buckets and +Inf");
    assert.deepEqual([...buckets].sort((a, b) => a - b), buckets);
    assert.equal(buckets.at(-1), 3);
  });
});
