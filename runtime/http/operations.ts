/**
 * @module http/operations
 * The operations endpoints, on reserved paths no function may use:
 * (`RESERVED_PATHS` of definition-schema.ts, which the loader refuses for functions):
 * `GET /healthz` (the process is alive: always 200), `GET /readyz` (200 while serving, 503 from
 * the moment shutdown begins, its delay included) and `GET /metrics` (Prometheus text format 0.0.4).
 * Each answers `HEAD` as its `GET` without the body; a `HEAD /metrics` collects nothing: a
 * scrape resets the event loop's delay window (process-metrics.ts), which a HEAD (an uptime
 * check) would otherwise take from the next scrape.
 */
import type { Drain } from "../lifecycle.js";
import { Metrics } from "../metrics.js";
import type { Endpoint } from "./route.js";
import { requestIdOf } from "./request-id.js";
import { jsonAnswer } from "./respond.js";

/** Whether the server still tells its probes it is ready; false from the first shutdown step. */
export interface Readiness {
  ready: boolean;
}

/** The operations endpoints by path (each answers GET). */
export function operationEndpoints(drain: Drain, metrics: Metrics, readiness: Readiness): Record<string, Endpoint> {
  return {
    "/healthz": function healthz(request) {
      return jsonAnswer(200, { status: "ok" }, requestIdOf(request.header("x-request-id")));
    },
    "/readyz": function readyz(request) {
      const requestId = requestIdOf(request.header("x-request-id"));
      return drain.draining || !readiness.ready
        ? jsonAnswer(503, { status: "shutting_down" }, requestId, { connection: "close" })
        : jsonAnswer(200, { status: "ready" }, requestId);
    },
    "/metrics": function metricsEndpoint(request) {
      const headers = { "content-type": Metrics.contentType, "x-request-id": requestIdOf(request.header("x-request-id")) };
      return { status: 200, headers, body: request.method === "HEAD" ? null : metrics.render() };
    },
  };
}
