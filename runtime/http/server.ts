/**
 * @module http/server
 * Runs the app on a Node HTTP server (its `listener`) until `signal` aborts, then shuts down
 * gracefully: readiness fails, and calls are still served for `shutdownDelayMs` (Services and
 * load balancers go on sending to a terminating pod for a moment: without the delay those
 * calls would be refused); then new calls get 503 (`Connection: close`); calls in flight may finish
 * for `drainTimeoutMs`, after which their signals abort and they get `ABORT_GRACE_MS` more; then
 * the server closes (idle keep-alive connections at once, any left after `ABORT_GRACE_MS`
 * forcibly), the `onShutdown` hooks run, and the promise resolves.
 *
 * A request Node's HTTP parser refuses (two `Content-Length`, a bad chunk, a control byte or
 * 16 KiB of headers) never reaches the app: `answerClientError` answers it as the status
 * contract says, in JSON with a fresh request id (a request refused mid-body: its own
 * `X-Request-Id`, and its call records the same answer), where Node would send a bare 400. A
 * request without `Host` reaches the app, which answers its JSON 400 (`requireHostHeader: false`).
 * Node's request timeout is raised past the longest `http.bodyTimeoutMs`, which then decides;
 * an idle connection is kept `keepAliveTimeoutMs` (65 s, longer than the proxies' in front).
 * With `adminPort`, the operations endpoints are served by a second server on that port, the
 * last thing closed, and answer 404 beside the functions.
 */
import { STATUS_CODES, createServer, maxHeaderSize, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { deferContinue } from "./continue.js";
import type { AddressInfo, Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import { ShutdownError, runShutdownHooks } from "../lifecycle.js";
import { ConfigError } from "../errors.js";
import { ABORT_GRACE_MS, whenAborted } from "../signals.js";
import { createHttpApp, type HttpAppOptions } from "./app.js";
import { requestIdOfHeader } from "./request-id.js";
import { REFUSED_BY_PARSER } from "./body.js";
import { Refusal, refusalAnswer } from "./respond.js";
import { writeAnswer } from "./exchange.js";
import { listen } from "../listen.js";

export { ABORT_GRACE_MS };

export interface HttpServerOptions extends HttpAppOptions {
  /** TCP port; 0 picks a free one (see `onListening`). Default (from config) 8080. */
  port: number;
  /** Address to listen on. Default (from config) `127.0.0.1`, `::` in a pod (`0.0.0.0` where there is no IPv6). */
  host: string;
  /** On shutdown, how long calls in flight may finish before their signals abort, in milliseconds. Default (from config) 25000. */
  drainTimeoutMs: number;
  /** The drain for the stop's reason (the signal's `reason`), when it depends on it (`podfn dev`: a reload drains shorter). Default: `drainTimeoutMs`. */
  drainTimeoutFor?: (reason: unknown) => number;
  /** How long an idle connection is kept for its next request, in milliseconds. Default (from config) 65000: longer than the proxies' in front. */
  keepAliveTimeoutMs?: number;
  /**
   * Serve `/healthz`, `/readyz` and `/metrics` on this port (same `host`) instead of beside the
   * functions, where a Service or Ingress would expose them to callers. Default: none.
   */
  adminPort?: number;
  /** On shutdown, how long to go on serving (readiness failing) before the drain, in milliseconds. Default 0. */
  shutdownDelayMs?: number;
  /** Called once listening, with the base URL (e.g. `http://127.0.0.1:8080`). */
  onListening?: (url: string) => void;
  /** Called once the first request has been answered (usually the readiness probe). */
  onFirstAnswer?: () => void;
  /** The function modules' `onShutdown` hooks; they run one by one after the drain. */
  onShutdown?: Array<() => Promise<void> | void>;
}

/**
 * Serve until `signal` aborts; resolves once drained and closed. Rejects when it cannot listen
 * (e.g. `EADDRINUSE`) or the app cannot be built (reserved path, missing secret).
 *
 * @example
 * const controller = new AbortController();
 * process.once("SIGTERM", () => controller.abort("SIGTERM"));
 * await serveHttp({ functions, kube, logger, port: 8080, host: "0.0.0.0", drainTimeoutMs: 25_000 }, controller.signal);
 */
export async function serveHttp(options: HttpServerOptions, signal: AbortSignal): Promise<void> {
  const { logger } = options;
  if (options.adminPort !== undefined && options.adminPort !== 0 && options.adminPort === options.port) {
    throw new ConfigError(`--admin-port ${options.adminPort} is --port too: give the operations endpoints a port of their own`);
  }
  const http = createHttpApp({ ...options, operationsApart: options.adminPort !== undefined });
  // Without Host the request goes to the app, whose 400 is JSON (Node's own is bare). Node's
  // request timeout (300 s) would cut a body a route gives longer (`http.bodyTimeoutMs`).
  const longestBodyMs = Math.max(0, ...options.functions.map((fn) => fn.http?.bodyTimeoutMs ?? 0));
  const server = createServer({ requireHostHeader: false, requestTimeout: Math.max(300_000, longestBodyMs + 60_000) }, http.listener);
  // Node's 5 s would close connections a proxy in front still holds (ingress-nginx, ALB: 60 s):
  // its next request on one is lost, answered 502 to the caller, never retried for a POST.
  server.keepAliveTimeout = options.keepAliveTimeoutMs ?? 65_000;
  server.on("connection", rememberPeer);
  server.on("clientError", function clientError(error: Error, socket: Duplex) {
    answerClientError(error, socket, logger);
  });
  // Expect: 100-continue is answered as the body is read: a request refused first never sends it.
  server.on("checkContinue", function checkContinue(request: IncomingMessage, response: ServerResponse) {
    deferContinue(request, response);
    http.listener(request, response);
  });
  server.on("checkExpectation", function checkExpectation(request: IncomingMessage, response: ServerResponse) {
    answerUnmetExpectation(request, response, logger);
  });
  // Without a listener Node closes a CONNECT's connection without a word.
  server.on("connect", function connect(request: IncomingMessage, socket: Duplex) {
    answerConnect(request, socket, logger);
  });
  const admin = http.operations ? createServer({ requireHostHeader: false }, http.operations) : undefined;
  const { onFirstAnswer } = options;
  // The first answer on either server (the readiness probe asks the admin port when there is one).
  if (onFirstAnswer) for (const one of admin ? [server, admin] : [server]) one.once("request", (_request, response) => response.once("close", onFirstAnswer));
  const address = await listen(server, options.port, options.host, "--port / PORT");
  if (admin) {
    try {
      const adminAddress = await listen(admin, options.adminPort!, options.host, "--admin-port / PODFN_ADMIN_PORT");
      admin.on("error", (error) => logger.error({ err: error }, "admin HTTP server error"));
      logger.info({ url: `http://${adminAddress.family === "IPv6" ? `[${adminAddress.address}]` : adminAddress.address}:${adminAddress.port}` }, "operations listening (/healthz, /readyz, /metrics)");
    } catch (error) {
      server.close();
      throw error;
    }
  }
  // Accept failures (EMFILE under load) are emitted here: log them, never crash the process.
  server.on("error", function serverError(error) {
    logger.error({ err: error }, "HTTP server error");
  });
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  logger.info({ url }, "listening");
  options.onListening?.(url);

  await whenAborted(signal).promise;
  const delayMs = options.shutdownDelayMs ?? 0;
  if (delayMs > 0) {
    http.failReadiness();
    logger.info({ shutdownDelayMs: delayMs }, "shutting down: still serving while endpoints drop this pod");
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
  http.beginShutdown();
  const drainTimeoutMs = options.drainTimeoutFor?.(signal.reason) ?? options.drainTimeoutMs;
  logger.info({ inflight: http.drain.inflight, receiving: http.drain.receiving, drainTimeoutMs }, "shutting down: draining calls in flight");
  if (!(await http.drain.settle(drainTimeoutMs))) {
    logger.warn({ inflight: http.drain.inflight }, "drain timeout passed: calls in flight aborted");
    if (!(await http.drain.idle(ABORT_GRACE_MS))) {
      // Handlers ignoring their aborted signal: their callers get a 503 now, not a cut connection.
      http.drain.abandon(new ShutdownError(`calls still running ${ABORT_GRACE_MS} ms after their signal was aborted: answered 503`));
      await http.drain.idle(ABORT_GRACE_MS);
    }
  }
  await close(server);
  await runShutdownHooks(options.onShutdown ?? [], logger);
  // Last: the probes and the last scrape are answered until the very end.
  if (admin) {
    admin.closeAllConnections();
    await new Promise((resolve) => admin.close(resolve));
  }
  logger.info("HTTP server closed");
}

/**
 * Reads the peer's address as the connection opens: Node keeps it, so the access line of a
 * request whose client has gone (a 499) still names it (read later, a closed socket has none).
 * Once per connection, not per request.
 */
function rememberPeer(socket: Socket): void {
  void socket.remoteAddress;
}

/** Marks a connection whose refusal is written or waits for the answer before it. */
const REFUSING = Symbol("podfn.refusing");

/** A refusal written on the socket itself (no `ServerResponse` is there): the status contract's JSON, `Connection: close`. */
function rawRefusal(status: number, code: string, message: string, requestId: string): string {
  const body = JSON.stringify({ error: { code, message, requestId } });
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\nx-request-id: ${requestId}\r\n` +
    `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`
  );
}

/**
 * Pipelining: what arrived after a request still being answered waits for that answer. Returns
 * true when `then` was deferred to the answer's close (`complete`: only when that request's whole
 * body has arrived, else what arrived belongs to it).
 */
function afterPendingAnswer(socket: Duplex, complete: boolean, then: () => void): boolean {
  const outgoing = (socket as { _httpMessage?: (ServerResponse & { req?: IncomingMessage }) | null })._httpMessage;
  if (!outgoing || outgoing.writableFinished || !socket.writable || (complete && !outgoing.req?.complete)) return false;
  outgoing.once("close", then);
  return true;
}

/** What a refusal of the parser or of the server's deadlines is answered: status, code, message. */
const REFUSED: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, "headers_too_large", "the request's headers are too large"],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, "payload_too_large", "the request's chunk extensions are too large"],
  ERR_HTTP_REQUEST_TIMEOUT: [408, "request_timeout", "the request did not arrive in time"],
  // llhttp stops at `PRI * HTTP/2.0` ("Pause on PRI/Upgrade"): an HTTP/2 client that assumed this port speaks it.
  HPE_PAUSED_H2_UPGRADE: [400, "bad_request", "the request cannot be read: it is HTTP/2's connection preface (h2c with prior knowledge); this server speaks HTTP/1.1 only: send HTTP/1.1, or have the proxy in front speak HTTP/1.1 to it"],
};

const URI_TOO_LONG: [number, string, string] = [414, "uri_too_long", "the request's target is too long"];

/**
 * Whether the head overflowed in its request line (the parser counts it with the headers): the
 * refused bytes begin a request whose first line does not end within `maxHeaderSize` — then
 * the target is too long (414), not the headers (431).
 */
function targetTooLong(error: Error): boolean {
  const raw = (error as { rawPacket?: Buffer }).rawPacket;
  if (!raw || !/^[A-Z]{3,10} \S/.test(raw.subarray(0, 16).toString("latin1"))) return false;
  const end = raw.indexOf("\r\n");
  return end === -1 ? raw.length >= maxHeaderSize : end >= maxHeaderSize;
}

/**
 * The server's `clientError` handler: a request the parser refuses (`HPE_*`) or that missed the
 * server's deadline gets `{error: {code, message, requestId}}` (400 `bad_request`, 431, or 414
 * when it was the request line that was too long, 408) with
 * a fresh request id (a request in flight: its own `X-Request-Id`, and its call records the same
 * refusal) and `Connection: close`, when the socket is writable and no answer has begun on it
 * (Node's own condition); then the connection is destroyed. Logged at info with
 * the parser's reason, never the request's bytes; a connection error (a reset) at debug. A
 * connection the client closed mid-request (`HPE_INVALID_EOF_STATE`: its end came before the
 * whole body, or the whole head) is the client gone, as a reset is: nothing is answered (Node
 * drops an answer to a half-closed connection), a request in flight records 499. Refused bytes
 * that follow a whole request still being answered (pipelining) are answered after it, with a
 * fresh id: that request keeps its own answer.
 *
 * @example
 * server.on("clientError", (error, socket) => answerClientError(error, socket, logger));
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex, logger: Logger): void {
  const refusing = socket as Duplex & { [REFUSING]?: true };
  // The parser, once failed, fails again on every later chunk: one refusal per connection.
  if (refusing[REFUSING]) return;
  refusing[REFUSING] = true;
  // Pipelining: the refused bytes follow a whole request still being answered. Its answer goes
  // first, under its own id; this refusal (a fresh id) follows it, if the connection is still open.
  const deferred = afterPendingAnswer(socket, true, function answeredFirst() {
    delete refusing[REFUSING];
    answerClientError(error, socket, logger);
  });
  if (deferred) return;
  const code = error.code ?? "";
  const answering = (code.startsWith("HPE_") || code === "ERR_HTTP_REQUEST_TIMEOUT") && code !== "HPE_INVALID_EOF_STATE" && socket.writable && !(socket as { _httpMessage?: ServerResponse | null })._httpMessage?.headersSent;
  if (!answering) {
    logger.debug({ code }, "client connection failed");
    socket.destroy();
    return;
  }
  // A request whose body the parser refused mid-way is in flight: its answer is this one (its
  // call sees the refusal, not a client gone away), under the id it was given if it sent one.
  const inFlight = (socket as { _httpMessage?: (ServerResponse & { req?: IncomingMessage }) | null })._httpMessage?.req;
  const given = inFlight?.headers["x-request-id"];
  const requestId = requestIdOfHeader(given);
  // "Parse Error: Invalid header value char": llhttp's fixed reason, never the bytes it read.
  const reason = error.message.replace(/^Parse Error: /, "");
  const [status, errorCode, message] = (code === "HPE_HEADER_OVERFLOW" && targetTooLong(error) ? URI_TOO_LONG : undefined) ?? REFUSED[code] ?? [400, "bad_request", `the request cannot be read: ${reason}`];
  if (inFlight) (inFlight as unknown as Record<symbol, Refusal>)[REFUSED_BY_PARSER] = new Refusal(status, errorCode, message, { connection: "close" });
  socket.write(rawRefusal(status, errorCode, message, requestId));
  logger.info({ requestId, status, code, reason }, "request refused by the HTTP parser");
  socket.destroy();
}

/**
 * The server's `checkExpectation` handler (an `Expect` header other than `100-continue`, which
 * Node answers itself): 417 `expectation_failed` in the status contract's JSON, with a request id
 * (the caller's own, or a fresh one) and `Connection: close` (the client may send the body
 * anyway), logged at info with the method and path; Node's own answer had no body, no id and no
 * log line.
 */
export function answerUnmetExpectation(request: IncomingMessage, response: ServerResponse, logger: Logger): void {
  const requestId = requestIdOfHeader(request.headers["x-request-id"]);
  const refusal = new Refusal(417, "expectation_failed", "the request's Expect header asks for something other than 100-continue, the only expectation this server meets", { connection: "close" });
  writeAnswer(response, refusalAnswer(refusal, requestId));
  const path = (request.url ?? "").split("?")[0];
  logger.info({ requestId, status: 417, method: request.method, path }, "request refused: an expectation the server cannot meet");
}

/**
 * The server's `connect` handler: podfn serves functions, not tunnels. A `CONNECT` gets 501
 * `not_implemented` in the status contract's JSON with a request id (the caller's or a fresh
 * one) and `Connection: close`, logged at info; Node alone would close the connection silently.
 * Pipelined after a request still being answered, it waits for that answer.
 */
export function answerConnect(request: IncomingMessage, socket: Duplex, logger: Logger): void {
  // Node hands a CONNECT's socket over without its error listener: a reset must end this
  // connection only, not surface as an uncaught exception (which stops the server).
  if (socket.listenerCount("error") === 0) {
    socket.on("error", function connectSocketFailed(error: NodeJS.ErrnoException) {
      logger.debug({ code: error.code }, "client connection failed");
      socket.destroy();
    });
  }
  // Pipelined after a request still being answered: that answer goes first.
  const deferred = afterPendingAnswer(socket, false, function answeredFirst() {
    if (socket.writable) answerConnect(request, socket, logger);
    else socket.destroy();
  });
  if (deferred) return;
  const requestId = requestIdOfHeader(request.headers["x-request-id"]);
  socket.end(rawRefusal(501, "not_implemented", "CONNECT is not supported: this server runs functions, it opens no tunnels", requestId));
  logger.info({ requestId, status: 501, method: "CONNECT" }, "request refused: CONNECT");
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(function forceClose() {
      server.closeAllConnections();
    }, ABORT_GRACE_MS);
    server.close(function closed() {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}
