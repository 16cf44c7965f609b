/**
 * @module kube/transport
 * HTTP to one API server over keep-alive connections (kube/connections.ts: Node's HTTPS client
 * while the client is quiet, undici's `Pool` once busy, a `ProxyAgent` tunnelling through a
 * kubeconfig's `proxy-url`) whose TLS is always verified against the
 * configured CA, the current bearer token or client certificate on every request, JSON in and
 * out, timeouts, the caller's AbortSignal, and bounded retries:
 *
 * - reads (GET, and requests marked `idempotent`) are retried on 5xx and connection errors;
 * - every request is retried on 429, on a 5xx that carries `Retry-After` (client-go's
 *   checkWait), and on connection errors that happened before the request was sent
 *   (ECONNREFUSED, DNS, connect timeout), since the server cannot have applied it;
 * - 429 and 503 wait for `Retry-After` (capped), otherwise exponential backoff with full jitter;
 *   an answer with `Retry-After` is retried up to 10 times (client-go's), others `retry.retries`;
 * - a 401 makes the credentials re-read (a rotated token) and the request retried once.
 *
 * Nothing is loaded before the first request (node:https then, undici once busy): a process whose
 * functions never call the API (or have not yet) does not pay for it.
 *
 * Errors: non-2xx → `KubeApiError` subclasses, TLS failures → `KubeTlsError` (never retried),
 * other socket failures → `KubeConnectionError`. Nothing logged or thrown carries a token.
 */
import type { Status } from "kubernetes-types/meta/v1.js";
import type { ApiResponse, ApiResponseBody } from "./api-pool.js";
import type { NodeHttpsTls } from "./node-https-pool.js";
import { HTTP_CLIENT_CHOICES, type HttpClientChoice } from "./http-client-choice.js";
import { KubeApiError, KubeClientClosedError, KubeConnectionError, KubeCredentialsError, isFailureStatus, kubeApiError } from "./errors.js";
import type { RequestSummary } from "./errors.js";
import type { AuthMaterial, Credentials } from "./auth.js";
import type { KubeLogger } from "./logger.js";
import { silentLogger } from "./logger.js";
import { joinSignals, untilAborted } from "../signals.js";
import { ConfigError, PodfnError } from "../errors.js";
import { Connections } from "./connections.js";
import { connectionFailure, errorCode, isUntrustedCertificate } from "./connection-failure.js";
import { collect, parseBody } from "./response-body.js";
import { backoffDelay, retryAfterMs, retryPolicy } from "./retry.js";
import { ServerWarnings } from "./server-warnings.js";
import { CaFile } from "./ca-file.js";
import { impersonationHeaders } from "./impersonation.js";
import type { RetryOptions, RetryPolicy } from "./retry.js";
import { hostLabel, NO_ANSWER, type KubeRequestMetrics } from "./request-metrics.js";

/** Retries of a request the server answered with `Retry-After` (client-go's `maxRetries`, 10). */
const RETRY_AFTER_RETRIES = 10;
import { withoutCredentials } from "./proxy.js";

/** Timeouts of one request, in ms. `0` disables one. */
export interface TimeoutOptions {
  /** TCP and TLS connection set-up. Default: `10000`. */
  connectMs?: number;
  /**
   * From sending the request to the response headers. Default: `60000`, the API server's own
   * `--request-timeout` (a write behind admission webhooks of up to 30 s each is still answered).
   */
  headersMs?: number;
  /** Longest pause between two chunks of a body. Not applied to watches and followed logs. Default: `60000`. */
  bodyMs?: number;
}

export interface TransportOptions {
  credentials: Credentials;
  logger?: KubeLogger;
  retry?: RetryOptions;
  timeouts?: TimeoutOptions;
  /** Largest number of connections requests hold at once (streams have theirs besides); see `DEFAULT_CONNECTIONS`. */
  connections?: number;
  /** Which HTTP client carries requests; see kube/http-client-choice.ts. Default: "auto". */
  httpClient?: HttpClientChoice;
  /** Where each attempt, retry and Retry-After wait is counted (client-go's rest_client_* series). Default: nowhere. */
  metrics?: KubeRequestMetrics;
}

/**
 * Default cap on the connections requests hold (undici's `Pool` has none): requests beyond it
 * queue for a free connection. Watches and followed logs are not counted: each holds a
 * connection of its own (kube/connections.ts: a pool without a cap) for as long as it streams,
 * so no number of them keeps a request waiting.
 */
export const DEFAULT_CONNECTIONS = 32;

export type Query = Record<string, string | number | boolean | undefined>;

export interface TransportRequest {
  method: string;
  /** Path below the server URL, starting with `/`. */
  path: string;
  query?: Query;
  /** Serialized as JSON unless a string. */
  body?: unknown;
  /** Default: `application/json` when there is a body. */
  contentType?: string;
  /** The `Accept` header, when not JSON's default (`application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1`). */
  accept?: string;
  /**
   * Aborts the request; several signals (a client view's and the call's) each abort it. They
   * are linked to one controller per request and unlinked when its answer has been read (for
   * `stream()`, when the body closes), so a long-lived signal keeps nothing of finished calls
   * (`AbortSignal.any` would keep a record per call for the source's whole life).
   */
  signal?: AbortSignal | readonly AbortSignal[];
  /** Where the request's retries and the server's warnings are logged (a call's view's logger, carrying its request id). Default: the client's. */
  logger?: KubeLogger;
  /** Retry on 5xx and connection errors. Default: true for GET and HEAD only. */
  idempotent?: boolean;
  /**
   * The answer may be text (pod logs, raw requests): a 2xx answer that is not JSON resolves to
   * its text. Otherwise it is a `KubeConnectionError` (an auth proxy's login page is no object).
   */
  text?: boolean;
}

/** A streaming response (watch, followed logs): read `body`, or destroy it when done. */
export interface StreamResponse {
  body: ApiResponseBody;
  headers: ApiResponse["headers"];
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** A request whose signals are joined into one. */
interface SentRequest extends TransportRequest {
  signal?: AbortSignal;
}

/** Whether a request may be sent again after a failure: marked so, or a GET or HEAD. */
function isIdempotent(request: TransportRequest): boolean {
  return request.idempotent ?? (request.method === "GET" || request.method === "HEAD");
}

/** `?a=1&b=2` of the defined values of `query`, or "" when there are none. */
function queryString(query: Query): string {
  let search: URLSearchParams | undefined;
  for (const key of Object.keys(query)) {
    const value = query[key];
    if (value !== undefined) (search ??= new URLSearchParams()).set(key, String(value));
  }
  return search ? `?${search}` : "";
}

interface Outcome {
  response?: ApiResponse;
  error?: Error;
  retryable?: boolean;
  /** Server-requested delay (Retry-After), in ms. */
  delayMs?: number;
}

/** The client's connection to one API server. Share one per server; `close()` when done. */
export class Transport {
  readonly server: string;
  readonly #origin: string;
  readonly #basePath: string;
  readonly #connections: Connections;
  #headersToken: string | undefined;
  #headers: Readonly<Record<string, string | string[]>> | undefined;
  /** The `Impersonate-*` headers every request carries, when the credentials act as another user. */
  readonly #impersonation: Readonly<Record<string, string | string[]>> | undefined;
  readonly #credentials: Credentials;
  readonly #logger: KubeLogger;
  readonly #warnings: ServerWarnings;
  readonly #policy: RetryPolicy;
  readonly #headersMs: number;
  readonly #bodyMs: number;
  readonly #caFile: CaFile | undefined;
  readonly #metrics: KubeRequestMetrics | undefined;
  /** The server's host and port as its address writes them, the metrics' `host` label (`hostLabel`). */
  readonly #host: string;
  /** Requests holding a connection or waiting for one: sent and not answered, or answered 2xx and their body not read yet (streams are `Connections`'). */
  #awaiting = 0;

  constructor(options: TransportOptions) {
    const { credentials } = options;
    const url = new URL(credentials.server);
    if (url.protocol !== "https:") throw new KubeCredentialsError(`API server ${withoutCredentials(credentials.server)} is not https; TLS is required`);
    if (options.httpClient !== undefined && !HTTP_CLIENT_CHOICES.includes(options.httpClient)) {
      throw new ConfigError(`httpClient ${JSON.stringify(options.httpClient)} is not one of ${HTTP_CLIENT_CHOICES.map((c) => `"${c}"`).join(", ")}`);
    }
    this.server = credentials.server;
    this.#origin = url.origin;
    this.#host = hostLabel(credentials.server);
    this.#metrics = options.metrics;
    this.#basePath = url.pathname.replace(/\/+$/, "");
    this.#credentials = credentials;
    this.#impersonation = credentials.impersonate && impersonationHeaders(credentials.impersonate);
    this.#logger = options.logger ?? silentLogger;
    this.#warnings = new ServerWarnings(this.#logger);
    this.#policy = retryPolicy(options.retry);
    this.#headersMs = options.timeouts?.headersMs ?? 60_000;
    this.#bodyMs = options.timeouts?.bodyMs ?? 60_000;
    const tls: NodeHttpsTls = {
      ca: credentials.caPem,
      rejectUnauthorized: !credentials.insecureSkipTlsVerify,
      servername: credentials.tlsServerName,
      timeout: options.timeouts?.connectMs ?? 10_000,
    };
    this.#caFile = credentials.caFile !== undefined && credentials.caPem !== undefined ? new CaFile(credentials.caFile, credentials.caPem, this.#logger) : undefined;
    const connections = options.connections ?? DEFAULT_CONNECTIONS;
    this.#connections = new Connections({ origin: this.#origin, credentials, tls, connections, headersMs: this.#headersMs, httpClient: options.httpClient, caFile: this.#caFile });
  }

  /** Which HTTP client carries requests now: Node's HTTPS client or undici's pool (undefined before the first request). */
  get httpClient(): "node" | "undici" | undefined {
    return this.#connections.httpClient;
  }

  /** Send a request; resolves to the parsed JSON body (or, with `text`, the text of a non-JSON answer). */
  async request<T>(request: TransportRequest): Promise<T> {
    const { response, body: text } = await this.#exchange(request, function readText(response) {
      return response.body.text();
    });
    const type = headerValue(response.headers["content-type"]) ?? "";
    if (!type.includes("json")) {
      if (request.text) return text as T;
      throw this.notJson(request, type);
    }
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch (error) {
      throw this.invalidJson(request, error);
    }
    // A Failure Status is an error whatever the HTTP status.
    if (isFailureStatus(body)) throw this.failureStatus(request, body, response.statusCode);
    return body as T;
  }

  /**
   * The error of a 2xx answer of `request` whose body is a Failure Status (an eviction two
   * budgets cover is a 201 carrying a code-500 Failure), for `requestBytes`' callers too.
   * Stricter than client-go, where only `Into()` fails on it.
   */
  failureStatus(request: Pick<TransportRequest, "method" | "path">, body: Status, httpStatus: number): KubeApiError {
    return kubeApiError(body.code || httpStatus, body, { method: request.method, path: this.#basePath + request.path });
  }

  /**
   * Send a request whose answer must be JSON; resolves to its bytes, for a caller that parses
   * them piecemeal (`list()`). The body is read into `scratch.buffer` (grown, and replaced,
   * when too small), so a caller reading page after page reuses one buffer: the result is a
   * view of it, valid until the next call with the same scratch.
   */
  async requestBytes(request: TransportRequest, scratch: { buffer: Buffer }): Promise<Buffer> {
    const { response, body: bytes } = await this.#exchange(request, function readBytes(response) {
      const length = Number(headerValue(response.headers["content-length"]) ?? 0);
      return collect(response.body, scratch, Number.isSafeInteger(length) ? length : 0);
    });
    const type = headerValue(response.headers["content-type"]) ?? "";
    if (!type.includes("json")) throw this.notJson(request, type);
    return bytes;
  }

  /** The error for a 2xx answer of `request` whose Content-Type is `type`, not JSON. */
  notJson(request: Pick<TransportRequest, "method" | "path">, type: string): KubeConnectionError {
    return new KubeConnectionError(`${request.method} ${this.#basePath}${request.path}: the server answered ${type || "no Content-Type"}, not JSON`);
  }

  /**
   * Send a request and read its whole answer with `read`, its signals linked only meanwhile. A
   * read's answer cut off mid-body (a reset, an API server restarting) is asked for again, as a
   * failure before the answer's head is: within the retry policy's count.
   */
  async #exchange<R>(request: TransportRequest, read: (response: ApiResponse) => Promise<R>): Promise<{ response: ApiResponse; body: R }> {
    const joined = joinSignals(request.signal);
    const sent: SentRequest = { ...request, signal: joined.signal };
    const idempotent = isIdempotent(request);
    try {
      for (let retry = 0; ; retry++) {
        const response = await this.#send(sent, false);
        let body: R;
        try {
          body = await read(response);
        } catch (error) {
          // Its connection is free again (see `#awaiting`).
          this.#awaiting--;
          const failure = this.readFailure(sent, error);
          // Not a body that came too slowly (its timeout): that one would again.
          if (!idempotent || !(failure instanceof KubeConnectionError) || errorCode(error) === "UND_ERR_BODY_TIMEOUT" || retry >= this.#policy.retries) throw failure;
          const delayMs = backoffDelay(retry, this.#policy);
          this.#metrics?.retried(this.#host, request.method, NO_ANSWER);
          (request.logger ?? this.#logger).warn({ method: request.method, path: this.#basePath + request.path, attempt: retry + 2, delayMs, error: failure.message.slice(0, 200) }, "kube answer cut off while read; retrying");
          await this.pause(delayMs, sent.signal);
          continue;
        }
        this.#awaiting--;
        return { response, body };
      }
    } finally {
      joined.release();
    }
  }

  /** The error for an answer of `request` that is not valid JSON. */
  invalidJson(request: Pick<TransportRequest, "method" | "path">, cause: unknown): KubeConnectionError {
    return new KubeConnectionError(`${request.method} ${this.#basePath}${request.path}: the server answered invalid JSON`, { cause });
  }

  /**
   * What a failure while reading an answer's body is: the reason of an aborted signal of the
   * request, a podfn error as it is (the client was closed), else a `KubeConnectionError` naming
   * the request. For readers of `stream()` bodies too.
   */
  readFailure(request: Pick<TransportRequest, "method" | "path" | "signal">, error: unknown): unknown {
    const { signal } = request;
    if (signal !== undefined) {
      for (const one of Array.isArray(signal) ? (signal as readonly AbortSignal[]) : [signal as AbortSignal]) if (one.aborted) return one.reason;
    }
    if (error instanceof PodfnError) return error;
    return new KubeConnectionError(`${request.method} ${this.#origin}${this.#basePath}${request.path}: connection failed while reading the answer (${errorCode(error) ?? (error as Error).message})`, { cause: error });
  }

  /** Send a request whose body is a long-lived stream (no body timeout). */
  async stream(request: TransportRequest): Promise<StreamResponse> {
    const joined = joinSignals(request.signal);
    let response: ApiResponse;
    try {
      response = await this.#send({ ...request, signal: joined.signal }, true);
    } catch (error) {
      joined.release();
      throw error;
    }
    const body = response.body;
    this.#connections.track(body, joined.release);
    return { body, headers: response.headers };
  }

  /**
   * Close every connection: requests in flight finish, streams (watches, followed logs) are
   * ended at once (their readers see a `KubeClientClosedError`; so do waits between retries and
   * streams answered later), and later requests fail with one.
   */
  close(): Promise<void> {
    return this.#connections.close();
  }

  async #send(request: SentRequest, streaming: boolean): Promise<ApiResponse> {
    const policy = this.#policy;
    const idempotent = isIdempotent(request);
    const summary: RequestSummary = { method: request.method, path: this.#basePath + request.path };
    const logger = request.logger ?? this.#logger;
    let reauthenticated = false;
    for (let retry = 0; ; retry++) {
      const outcome = await this.#attempt(request, summary, streaming, idempotent);
      if (outcome.response) return outcome.response;
      const error = outcome.error!;
      if (error instanceof KubeApiError && error.statusCode === 401 && !reauthenticated && this.#credentials.auth.invalidate()) {
        reauthenticated = true;
        retry--;
        this.#metrics?.retried(this.#host, request.method, 401);
        logger.debug({ ...summary, statusCode: 401 }, "kube request unauthorized; re-reading credentials and retrying once");
        continue;
      }
      // The server saying when to come back (Retry-After: API Priority and Fairness, a server
      // shutting down) is waited for up to client-go's 10 times; other failures `policy.retries`.
      const statusCode = error instanceof KubeApiError ? error.statusCode : undefined;
      const asked = statusCode !== undefined && outcome.delayMs !== undefined;
      const limit = asked && policy.retries > 0 ? Math.max(policy.retries, RETRY_AFTER_RETRIES) : policy.retries;
      if (!outcome.retryable || retry >= limit) throw error;
      const delayMs = outcome.delayMs ?? backoffDelay(retry, policy);
      this.#metrics?.retried(this.#host, request.method, statusCode ?? NO_ANSWER, asked ? delayMs / 1000 : undefined);
      const fields = { ...summary, attempt: retry + 2, delayMs, error: error.message.slice(0, 200) };
      // A wait of a second or more is a throttled run's only trace when it then times out.
      if (statusCode === 429) logger[delayMs >= 1000 ? "warn" : "debug"]({ ...fields, statusCode }, "kube server asked to slow down; retrying");
      else logger.warn({ ...fields, statusCode, code: (error as KubeConnectionError).code }, "kube request failed; retrying");
      await this.pause(delayMs, request.signal);
    }
  }

  /**
   * Waits `ms` as the retry policy sleeps (tests inject it); ends early with `signal`'s reason,
   * or with `KubeClientClosedError` when the client is closed meanwhile.
   */
  pause(ms: number, signal?: AbortSignal): Promise<void> {
    const closing = this.#connections.closing;
    if (closing.aborted) return Promise.reject(closing.reason);
    const joined = joinSignals(signal ? [signal, closing] : closing);
    return this.#policy.sleep(ms, joined.signal).finally(joined.release);
  }

  /** The headers of a request without a body, made once per token (undici only reads them). */
  #headersFor(material: AuthMaterial): Record<string, string | string[]> {
    const token = material.token;
    if (this.#headers !== undefined && token === this.#headersToken) return this.#headers;
    const headers: Record<string, string | string[]> = { accept: "application/json, */*", "user-agent": "podfn", ...this.#impersonation };
    if (token) headers.authorization = `Bearer ${token}`;
    this.#headersToken = token;
    return (this.#headers = Object.freeze(headers));
  }

  async #attempt(request: SentRequest, summary: RequestSummary, streaming: boolean, idempotent: boolean): Promise<Outcome> {
    const { signal } = request;
    // When the attempt went out and is not answered yet: counted as `<error>` if it fails so.
    let sentAt: number | undefined;
    try {
      signal?.throwIfAborted();
      const auth = this.#credentials.auth;
      const material = auth.current?.() ?? (await auth.get(signal));
      let headers = this.#headersFor(material);
      if (request.accept !== undefined) headers = { ...headers, accept: request.accept };
      let body: string | undefined;
      if (request.body !== undefined) {
        body = typeof request.body === "string" ? request.body : JSON.stringify(request.body);
        headers = { ...headers, "content-type": request.contentType ?? "application/json" };
      }
      let query = request.query ? queryString(request.query) : "";
      // A raw request's path may carry a query of its own: the options (a dry run's `dryRun=All`) join it.
      if (query !== "" && summary.path.includes("?")) query = `&${query.slice(1)}`;
      const connections = this.#connections;
      const pool = connections.current(material.certPem, streaming) ?? (await connections.for(material, streaming));
      sentAt = performance.now();
      // A request that may wait for a connection races its signal.
      const queued = signal !== undefined && connections.full(this.#awaiting);
      this.#awaiting++;
      let response: ApiResponse;
      // A 2xx answer's body is read by `#exchange`, which lets its connection go after it.
      let held = false;
      try {
        const pending = pool.request({
        // A Pool has its origin; a ProxyAgent needs it with every request, and writes into the headers.
        origin: this.#origin,
        method: request.method,
        path: summary.path + query,
        headers: this.#credentials.proxyUrl === undefined ? headers : { ...headers },
        body,
        signal,
        headersTimeout: this.#headersMs,
        bodyTimeout: streaming ? 0 : this.#bodyMs,
        });
        // Neither undici's Pool nor Node's Agent settles a request waiting for a connection when
        // its signal aborts (only once one frees: nodejs/undici#350), and streams may hold every
        // connection for minutes; a late answer's body is destroyed, freeing its connection. Only
        // then: an abort listener per request costs ~1.5 µs.
        response = await (queued ? untilAborted(pending, signal, destroyBody) : pending);
        held = !streaming && response.statusCode < 300;
      } finally {
        if (!held) this.#awaiting--;
      }
      this.#metrics?.sent(this.#host, request.method, response.statusCode, (performance.now() - sentAt) / 1000);
      sentAt = undefined;
      this.#warnings.report(response.headers.warning, summary, request.logger);
      if (response.statusCode < 300) return { response };
      const text = await response.body.text();
      const retryAfterHeader = headerValue(response.headers["retry-after"]);
      const delayMs = retryAfterMs(retryAfterHeader, this.#policy.maxRetryAfterMs);
      const retryAfterSeconds = retryAfterHeader && /^\d+$/.test(retryAfterHeader.trim()) ? Number(retryAfterHeader) : undefined;
      const error = kubeApiError(response.statusCode, parseBody(text), summary, retryAfterSeconds, this.#credentials.namespace);
      const status = response.statusCode;
      // client-go's checkWait: a 429 or a 5xx that carries Retry-After (the server saying it did
      // not take the request: API Priority and Fairness, overloaded, shutting down) is retried
      // whatever the verb; without it, only a read is (a write's 5xx may have been applied; a
      // 429 without Retry-After is an answer, such as an eviction a PodDisruptionBudget blocks).
      const retryable = (status === 429 || (status >= 500 && status !== 501)) && (idempotent || retryAfterSeconds !== undefined);
      return { error, retryable, delayMs };
    } catch (error) {
      if (sentAt !== undefined) this.#metrics?.sent(this.#host, request.method, NO_ANSWER, (performance.now() - sentAt) / 1000);
      if (signal?.aborted) throw signal.reason;
      if (error instanceof KubeCredentialsError || error instanceof KubeClientClosedError) throw error;
      // Closed between taking the pool and sending on it.
      if (this.#connections.closed) throw this.#connections.closedError();
      // `summary.path` already starts with the server URL's path prefix.
      const where = `${summary.method} ${this.#origin}${summary.path}`;
      // A CA rotation: the file holds a CA the connections did not trust yet; new ones will.
      if (this.#caFile !== undefined && isUntrustedCertificate(error) && this.#caFile.rereadAfterFailure()) {
        return { error: new KubeConnectionError(`${where}: the server's certificate was not trusted, and the CA file changed: retrying with it`, { cause: error }), retryable: true, delayMs: 0 };
      }
      return connectionFailure(error, where, this.#credentials.proxyUrl === undefined ? undefined : (this.#credentials.proxyFrom ?? "proxy-url"), idempotent);
    }
  }
}

function destroyBody(response: ApiResponse): void {
  response.body.destroy();
}
