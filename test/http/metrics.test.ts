import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { Metrics, WatchCallMetrics } from "../../runtime/metrics.js";
import { eventLoopDelay, type DelayHistogram } from "../../runtime/process-metrics.js";
import { KubeConnectionError, KubeTooManyRequestsError } from "../../runtime/kube/errors.js";
import { request } from "node:http";
import { deferred, listenOn, loaded, postJson, req, testApp, until } from "./helpers.js";

/** The value of one sample line of a Prometheus text body, e.g. `name{labels}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** The status and Content-Type of a `method` request for /metrics on a local port (the body read and dropped). */
function headersOf(port: number, method: "GET" | "HEAD"): Promise<{ status: number; contentType: string | undefined }> {
  return new Promise((resolve, reject) => {
    const sent = request({ host: "127.0.0.1", port, path: "/metrics", method, agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode!, contentType: res.headers["content-type"] }));
    });
    sent.on("error", reject);
    sent.end();
  });
}

describe("GET /metrics", () => {
  test("counts calls by outcome, observes durations of calls admitted, and reports calls in flight", async () => {
    const gate = deferred();
    const app = testApp(
      [
        loaded({ name: "ok", input: z.object({ n: z.number().default(1) }), handler: () => "fine" }),
        loaded({ name: "hold", handler: () => gate.promise }),
      ],
      { maxInflight: 1 },
    );
    const scrape = async () => {
      const res = await app.fetch(req("/metrics"));
      assert.equal(res.headers.get("content-type"), Metrics.contentType);
      return res.text();
    };
    const before = await scrape();
    assert.equal(sample(before, 'podfn_invocations_total{function="ok",outcome="success"}'), 0);
    assert.equal(sample(before, 'podfn_invocation_duration_seconds_count{function="ok"}'), 0);

    await app.fetch(postJson("/ok", {}));
    await app.fetch(postJson("/ok", {}));
    await app.fetch(postJson("/ok", { n: "x" }));
    const held = app.fetch(postJson("/hold", {}));
    await until(() => app.drain.inflight === 1);
    assert.equal((await app.fetch(postJson("/ok", {}))).status, 429);

    const during = await scrape();
    assert.equal(sample(during, "podfn_invocations_in_flight"), 1);
    assert.equal(sample(during, 'podfn_invocations_total{function="ok",outcome="success"}'), 2);
    assert.equal(sample(during, 'podfn_invocations_total{function="ok",outcome="client_error"}'), 1);
    assert.equal(sample(during, 'podfn_invocations_total{function="ok",outcome="rejected"}'), 1);
    assert.equal(sample(during, 'podfn_invocation_duration_seconds_count{function="ok"}'), 3, "a rejected call is not observed");
    assert.equal(sample(during, 'podfn_invocation_duration_seconds_bucket{function="ok",le="+Inf"}'), 3);
    assert.ok(sample(during, 'podfn_invocation_duration_seconds_sum{function="ok"}')! > 0);

    gate.resolve();
    await held;
    const after = await scrape();
    assert.equal(sample(after, "podfn_invocations_in_flight"), 0);
    assert.equal(sample(after, 'podfn_invocations_total{function="hold",outcome="success"}'), 1);
  });

  test("is valid text format 0.0.4: HELP and TYPE before samples, cumulative buckets, process metrics", async () => {
    const app = testApp([loaded({ name: "f", handler: () => 1 })]);
    await app.fetch(postJson("/f", {}));
    const text = await (await app.fetch(req("/metrics"))).text();
    assert.ok(text.endsWith("\n"));
    const typed = new Set<string>();
    for (const line of text.trimEnd().split("\n")) {
      if (line.startsWith("# TYPE ")) typed.add(line.split(" ")[2]!);
      else if (!line.startsWith("# HELP ")) {
        assert.match(line, /^[a-z_][a-z0-9_]*(\{[^}]*\})? [0-9.e+-]+$/, line);
        const name = line.match(/^[a-z_][a-z0-9_]*/)![0];
        assert.ok(typed.has(name) || typed.has(name.replace(/_(bucket|sum|count)$/, "")), `${name} has no TYPE`);
      }
    }
    const buckets = text.split("\n").filter((l) => l.startsWith('podfn_invocation_duration_seconds_bucket{function="f"')).map((l) => Number(l.split(" ")[1]));
    assert.deepEqual([...buckets].sort((a, b) => a - b), buckets, "buckets are cumulative");
    for (const name of ["process_resident_memory_bytes", "process_cpu_seconds_total", "process_start_time_seconds", "nodejs_external_memory_bytes"]) assert.ok(sample(text, name)! > 0, name);
    for (const name of ["min", "max", "mean", "stddev", "p50", "p90", "p99"]) assert.ok(sample(text, `nodejs_eventloop_lag_${name}_seconds`)! >= 0, name);
    if (process.platform === "linux") {
      assert.ok(sample(text, "process_open_fds")! > 0);
      assert.ok(sample(text, "process_max_fds")! >= sample(text, "process_open_fds")!);
    }
  });

  test("HEAD /metrics answers as GET without a body and collects nothing (a scrape's reset of the event loop's delay window is left to the next GET)", async () => {
    for (const operationsApart of [false, true]) {
      let collected = 0;
      const app = testApp([loaded({ name: "f", handler: () => 1 })], { operationsApart, metricsSections: [{ render: () => void collected++ }] });
      const listener = operationsApart ? app.operations! : app.listener;
      const server = await listenOn(listener);
      try {
        const head = await headersOf(server.port, "HEAD");
        assert.equal(head.status, 200);
        assert.equal(head.contentType, Metrics.contentType);
        assert.equal(collected, 0, `apart: ${operationsApart}`);
        assert.equal((await headersOf(server.port, "GET")).status, 200);
        assert.equal(collected, 1, `apart: ${operationsApart}`);
      } finally {
        await server.close();
      }
    }
  });

  test("the event loop's delay: past the monitor's interval, in seconds, 0 before a sample, reset at each scrape", () => {
    const ms = 1e6;
    let resets = 0;
    const histogram = { count: 4, min: 20.5 * ms, max: 140 * ms, mean: 50 * ms, stddev: 3 * ms, percentile: (p: number) => ({ 50: 21 * ms, 90: 60 * ms, 99: 140 * ms })[p]!, reset: () => void resets++ };
    const lines = (h: DelayHistogram) => {
      const out: string[] = [];
      eventLoopDelay(out, h);
      return Object.fromEntries(out.filter((l) => !l.startsWith("#")).map((l) => [l.split(" ")[0]!.replace(/^nodejs_eventloop_lag_|_seconds$/g, ""), Number(l.split(" ")[1])]));
    };
    const seen = lines(histogram);
    assert.deepEqual(Object.keys(seen), ["min", "max", "mean", "stddev", "p50", "p90", "p99"]);
    for (const [name, value] of Object.entries({ min: 0.0005, max: 0.12, mean: 0.03, stddev: 0.003, p50: 0.001, p90: 0.04, p99: 0.12 })) assert.ok(Math.abs(seen[name]! - value) < 1e-9, `${name}: ${seen[name]}`);
    assert.equal(resets, 1);
    // An empty histogram reads min 2^63, mean NaN: 0 here.
    assert.deepEqual(Object.values(lines({ ...histogram, count: 0, min: 9223372036854776000, mean: Number.NaN, stddev: Number.NaN })), [0, 0, 0, 0, 0, 0, 0]);
  });

  test("timeouts, auth failures and handler errors have their own outcomes", async () => {
    const app = testApp([
      loaded({ name: "slow", timeoutMs: 5, handler: () => new Promise(() => {}) }),
      loaded({ name: "locked", auth: { type: "serviceAccount", allow: [] }, handler: () => 1 }),
      loaded({
        name: "broken",
        handler: () => {
          throw new Error("bug");
        },
      }),
    ]);
    await app.fetch(postJson("/slow", {}));
    await app.fetch(postJson("/locked", {}));
    await app.fetch(postJson("/broken", {}));
    const text = await (await app.fetch(req("/metrics"))).text();
    assert.equal(sample(text, 'podfn_invocations_total{function="slow",outcome="timeout"}'), 1);
    assert.equal(sample(text, 'podfn_invocations_total{function="locked",outcome="unauthorized"}'), 1);
    assert.equal(sample(text, 'podfn_invocations_total{function="broken",outcome="error"}'), 1);
    // The duration covers every admitted call, from arrival to answer: a refused caller's too.
    assert.equal(sample(text, 'podfn_invocation_duration_seconds_count{function="locked"}'), 1);
    assert.match(text, /^# HELP podfn_invocation_duration_seconds Duration of function calls from arrival to answer \(every answer but the 429\/503 refusals\), in seconds\.$/m);
  });

  test("a call the API server could not answer (503 kube_unavailable) is counted as unavailable, not as an error", async () => {
    const app = testApp([
      loaded({
        name: "unreachable",
        handler: () => {
          throw new Error("listing pods failed", { cause: new KubeConnectionError("GET https://10.0.0.1/api/v1/pods: ECONNREFUSED") });
        },
      }),
      loaded({
        name: "throttled",
        handler: () => {
          throw new KubeTooManyRequestsError({ kind: "Status", status: "Failure", reason: "TooManyRequests", code: 429 }, 429, { method: "GET", path: "/api/v1/pods" }, 3);
        },
      }),
    ]);
    assert.equal((await app.fetch(postJson("/unreachable", {}))).status, 503);
    assert.equal((await app.fetch(postJson("/throttled", {}))).status, 503);
    const text = await (await app.fetch(req("/metrics"))).text();
    for (const fn of ["unreachable", "throttled"]) {
      assert.equal(sample(text, `podfn_invocations_total{function="${fn}",outcome="unavailable"}`), 1, fn);
      assert.equal(sample(text, `podfn_invocations_total{function="${fn}",outcome="error"}`), 0, fn);
      assert.equal(sample(text, `podfn_invocation_duration_seconds_count{function="${fn}"}`), 1, fn);
    }
  });
});

test("watch calls are served on /metrics after the function calls' series, by function, watch, event and outcome", async () => {
  const watches = new WatchCallMetrics();
  watches.record("report", "jobs.batch", "MODIFIED", "success", 0.02);
  watches.record("report", "jobs.batch", "MODIFIED", "success", 0.2);
  watches.record("report", "jobs.batch", "ADDED", "error", 3);
  const metrics = new Metrics(["hello"], { sections: [watches] });
  const text = metrics.render();
  assert.match(text, /^podfn_watch_calls_total\{function="report",watch="jobs.batch",event="MODIFIED",outcome="success"\} 2$/m);
  assert.match(text, /^podfn_watch_calls_total\{function="report",watch="jobs.batch",event="ADDED",outcome="error"\} 1$/m);
  assert.match(text, /^podfn_watch_call_duration_seconds_bucket\{function="report",watch="jobs.batch",le="0.025"\} 1$/m);
  assert.match(text, /^podfn_watch_call_duration_seconds_bucket\{function="report",watch="jobs.batch",le="\+Inf"\} 3$/m);
  assert.match(text, /^podfn_watch_call_duration_seconds_count\{function="report",watch="jobs.batch"\} 3$/m);
  assert.ok(text.indexOf("podfn_invocations_in_flight") < text.indexOf("podfn_watch_calls_total"), "after the function calls' series");
  assert.ok(text.indexOf("podfn_watch_calls_total") < text.indexOf("process_cpu_user_seconds_total"), "before the process metrics");
});
