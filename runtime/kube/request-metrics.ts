/**
 * @module kube/request-metrics
 * What the client asked of the API server, as a `/metrics` section, named and labelled as
 * client-go's REST client metrics (k8s.io/component-base/metrics/prometheus/restclient), so the
 * dashboards and alerts written for Kubernetes components read podfn's too:
 *
 * - `rest_client_requests_total{code,host,method}`: every attempt sent, by the HTTP status it was
 *   answered with, or `<error>` when it got no answer (a refused connection, a reset, a timeout);
 * - `rest_client_request_duration_seconds{verb,host}`: from sending an attempt to its answer's
 *   headers (a watch's too: its stream is not timed), client-go's buckets;
 * - `rest_client_request_retries_total{code,host,verb}`: attempts made again, by the code of the
 *   attempt retried (a 401 re-read credentials, a 429, a 5xx, `<error>`);
 *
 * and podfn's own, for the waits the server asked for (API Priority and Fairness throttling a
 * 429, a 503 with `Retry-After`):
 *
 * - `podfn_kube_retry_after_waits_total{code,host}` and
 *   `podfn_kube_retry_after_wait_seconds_total{code,host}`: the retries that waited as
 *   `Retry-After` said, and the seconds waited (capped as the client caps them).
 *
 * Every label comes from a small set: `method`/`verb` the HTTP method (GET, POST, PUT, PATCH,
 * DELETE, …), `code` an HTTP status or `<error>`, `host` the API server's host and port as its
 * address writes them (`hostLabel`; one per client). No path, resource, namespace or name: those grow with what the functions touch (the
 * log lines of failures and retries name them). Series appear with their first request.
 */
import { escapeLabel, header, Histogram } from "../prometheus-text.js";

/** client-go's `rest_client_request_duration_seconds` buckets, in seconds. */
export const KUBE_REQUEST_BUCKETS: readonly number[] = [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60];

/** The `code` of an attempt that got no answer, as client-go labels it. */
export const NO_ANSWER = "<error>";

/**
 * The `host` label of an API server address: its host and port as written, as client-go's
 * `url.URL.Host` keeps them. WHATWG's `URL.host` drops a scheme's default port, so the in-cluster
 * address `https://10.96.0.1:443` would be labelled `10.96.0.1` where client-go's
 * `10.96.0.1:443` is; an address without a port has none here either.
 *
 * @example
 * hostLabel("https://10.96.0.1:443"); // "10.96.0.1:443"
 * hostLabel("https://api.example.com/prefix"); // "api.example.com"
 */
export function hostLabel(server: string): string {
  const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(server)?.[1];
  // Without the user and password a URL may carry (`https://user:pw@host`): never a label.
  return authority === undefined ? new URL(server).host : authority.slice(authority.lastIndexOf("@") + 1);
}

/**
 * The requests of one process's clients (share one among them; each attempt names its host).
 *
 * @example
 * const requests = new KubeRequestMetrics();
 * const kube = createKubeClient({ credentials, logger, metrics: requests });
 * await serveHttp({ ..., metricsSections: [requests] }, signal);
 */
export class KubeRequestMetrics {
  readonly #requests = new Map<string, number>();
  readonly #latencies = new Map<string, Histogram>();
  readonly #retries = new Map<string, number>();
  readonly #waits = new Map<string, number>();
  readonly #waited = new Map<string, number>();

  /** Count one attempt sent to `host`, answered with `code` (a status, or `NO_ANSWER`) after `seconds`. */
  sent(host: string, method: string, code: number | typeof NO_ANSWER, seconds: number): void {
    const h = escapeLabel(host);
    const m = escapeLabel(method);
    increment(this.#requests, `code="${code}",host="${h}",method="${m}"`, 1);
    const key = `verb="${m}",host="${h}"`;
    let latency = this.#latencies.get(key);
    if (!latency) this.#latencies.set(key, (latency = new Histogram(KUBE_REQUEST_BUCKETS, key)));
    latency.observe(seconds);
  }

  /** Count an attempt made again after one answered `code`; `retryAfterSeconds` when it waits as the server's `Retry-After` said. */
  retried(host: string, method: string, code: number | typeof NO_ANSWER, retryAfterSeconds?: number): void {
    const h = escapeLabel(host);
    increment(this.#retries, `code="${code}",host="${h}",verb="${escapeLabel(method)}"`, 1);
    if (retryAfterSeconds === undefined) return;
    const key = `code="${code}",host="${h}"`;
    increment(this.#waits, key, 1);
    increment(this.#waited, key, retryAfterSeconds);
  }

  render(out: string[]): void {
    family(out, "rest_client_requests_total", "counter", "Number of HTTP requests, partitioned by status code, method, and host.", this.#requests);
    out.push("# HELP rest_client_request_duration_seconds Request latency in seconds (to the response headers). Broken down by verb, and host.", "# TYPE rest_client_request_duration_seconds histogram");
    for (const d of this.#latencies.values()) d.render(out, "rest_client_request_duration_seconds");
    family(out, "rest_client_request_retries_total", "counter", "Number of request retries, partitioned by status code, verb, and host.", this.#retries);
    family(out, "podfn_kube_retry_after_waits_total", "counter", "Retries of Kubernetes API requests that waited as the server's Retry-After said (429 throttling, 503), by the status that asked.", this.#waits);
    family(out, "podfn_kube_retry_after_wait_seconds_total", "counter", "Seconds Kubernetes API requests waited as the server's Retry-After said, by the status that asked.", this.#waited);
  }
}

function increment(series: Map<string, number>, labels: string, by: number): void {
  series.set(labels, (series.get(labels) ?? 0) + by);
}

function family(out: string[], name: string, type: string, help: string, series: ReadonlyMap<string, number>): void {
  header(out, name, type, help);
  for (const [labels, value] of series) out.push(`${name}{${labels}} ${value}`);
}
