/**
 * @module http/listener
 * The Node request listener of the server. A request for a routed path and method whose target
 * and `Host` @hono/node-server would take verbatim (origin form, only plain URL characters, no
 * dot segment or fragment, a plain host name) goes straight to its endpoint: no WHATWG
 * `Request`, hono `Context` or `Response` is built, and the answer is written with one
 * `writeHead`. Everything else (HEAD, 404, 405, percent-encoded or odd targets, a bad `Host`) is
 * served by hono through @hono/node-server, exactly as before: both take the same decisions. A
 * request with two `Host` lines is refused first, whichever way it would go (RFC 9112 §3.2), and
 * one naming another HTTP version than 1.x before that (505).
 * `OPTIONS *` (the server as a whole, RFC 9110 §9.3.7) is answered here with the methods some
 * path serves; `*` with another method is a 400 (hono can make no URL of it either way).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AccessLog } from "./access-log.js";
import { IncomingRequest, writeAnswer, type Answer } from "./exchange.js";
import { freshRequestId, requestIdOfHeader } from "./request-id.js";
import { jsonAnswer } from "./respond.js";
import type { Endpoint } from "./route.js";

/** What the route table maps: path → method → endpoint. */
export type Routes = ReadonlyMap<string, ReadonlyMap<string, Endpoint>>;
export type RequestListener = (incoming: IncomingMessage, outgoing: ServerResponse) => void;

// The checks @hono/node-server makes before using a target and a host as they are (src/url.ts).
const VERBATIM_TARGET = /^\/[!$&-;=?-\[\]_a-z~]*$/;
const DOT_SEGMENT = /\/\.\.?(?:[/?#]|$)/;
const VERBATIM_HOST = /^[a-z0-9._-]+(?::(?:[1-5]\d{3,4}|[6-9]\d{3}))?$/;

/** An unread body left after answering is drained for at most this long (ms), as @hono/node-server does. */
const DRAIN_TIMEOUT_MS = 500;
/** …and at most this many bytes; past either the connection is closed. */
const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

/** Answers a request whose endpoint threw (as hono's `onError` does on the other path). */
export type FaultHandler = (error: unknown, incoming: IncomingMessage, outgoing: ServerResponse) => void;

/**
 * The listener: the fast path for `routes`, `fallback` (hono's listener) for the rest. An
 * endpoint that throws is answered by `onFault` (default: a 500 without a body).
 *
 * @example
 * const server = createServer(requestListener(routes, getRequestListener(app.fetch)));
 */
export function requestListener(routes: Routes, fallback: RequestListener, onFault: FaultHandler = fail, accessLog?: AccessLog): RequestListener {
  // The last host and target found verbatim: a server's requests repeat them (one Host, a few
  // paths). None at first: an empty Host must still be checked (and refused).
  let verbatimHost: string | undefined;
  let verbatimTarget: string | undefined;
  return function listener(incoming, outgoing) {
    if (incoming.httpVersionMajor !== 1) {
      refuseVersion(incoming, outgoing, accessLog);
      return;
    }
    if (repeatsHost(incoming.rawHeaders)) {
      refuseRepeatedHost(incoming, outgoing, accessLog);
      return;
    }
    const target = incoming.url ?? "";
    const q = target.indexOf("?");
    const path = q === -1 ? target : target.slice(0, q);
    const endpoint = routes.get(path)?.get(incoming.method ?? "");
    const host = incoming.headers.host;
    if (!endpoint || host === undefined || (host !== verbatimHost && !isVerbatimHost(host)) || (target !== verbatimTarget && !isVerbatimTarget(target))) {
      if (target === "*" && host !== undefined) answerAsterisk(incoming, outgoing, routes, accessLog);
      else fallback(incoming, outgoing);
      return;
    }
    verbatimHost = host;
    verbatimTarget = target;
    // serveEndpoint's body, written out on the hot path: calling it measured 0.91–0.96x hono on
    // GET against 1.00–1.10x inline (two http-get runs each way).
    let answer: Answer | Promise<Answer>;
    try {
      answer = endpoint(new IncomingRequest(incoming, path, q === -1 ? "" : target.slice(q + 1)));
    } catch (error) {
      onFault(error, incoming, outgoing);
      return;
    }
    if (answer instanceof Promise) {
      answer.then(
        function answered(value) {
          send(incoming, outgoing, value);
        },
        function failed(error: unknown) {
          onFault(error, incoming, outgoing);
        },
      );
    } else send(incoming, outgoing, answer);
  };
}

/**
 * Calls `endpoint` with the request (its `path` and `query`) and writes its answer, sync or
 * async; a throw or a rejection is `onFault`'s to answer. The admin port's listener serves its
 * endpoints with it too.
 */
export function serveEndpoint(endpoint: Endpoint, incoming: IncomingMessage, outgoing: ServerResponse, path: string, query: string, onFault: FaultHandler): void {
  let answer: Answer | Promise<Answer>;
  try {
    answer = endpoint(new IncomingRequest(incoming, path, query));
  } catch (error) {
    onFault(error, incoming, outgoing);
    return;
  }
  if (answer instanceof Promise) {
    answer.then(
      function answered(value) {
        send(incoming, outgoing, value);
      },
      function failed(error: unknown) {
        onFault(error, incoming, outgoing);
      },
    );
  } else send(incoming, outgoing, answer);
}

/** Whether the request has more than one `Host` line (Node keeps the first in `headers`). */
function repeatsHost(raw: readonly string[]): boolean {
  let seen = false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length !== 4 || (name !== "Host" && name !== "host" && name.toLowerCase() !== "host")) continue;
    if (seen) return true;
    seen = true;
  }
  return false;
}

/** The access line of a request answered here, not by an endpoint (no function). */
function logAnswered(accessLog: AccessLog | undefined, incoming: IncomingMessage, path: string, status: number, requestId: string, code?: string): void {
  const userAgent = incoming.headers["user-agent"];
  accessLog?.(incoming.method ?? "", path, status, requestId, undefined, undefined, code, incoming.socket?.remoteAddress, typeof userAgent === "string" ? userAgent : undefined);
}

/** RFC 9112 §3.2: a request with more than one `Host` is a 400 (which host it meant cannot be known). */
function refuseRepeatedHost(incoming: IncomingMessage, outgoing: ServerResponse, accessLog: AccessLog | undefined): void {
  const requestId = freshRequestId();
  const answer = jsonAnswer(400, { error: { code: "bad_request", message: "the request cannot be read: it has more than one Host header", requestId } }, requestId, { connection: "close" });
  writeAnswer(outgoing, answer);
  logAnswered(accessLog, incoming, (incoming.url ?? "").split("?")[0]!, 400, requestId, "bad_request");
}

/**
 * A request line naming another HTTP version than 1.x (Node's parser takes `HTTP/2.0` and
 * `HTTP/0.9` and would answer them as 1.1): a 505, as Go's server answers it (RFC 9110 §15.6.6).
 */
export function refuseVersion(incoming: IncomingMessage, outgoing: ServerResponse, accessLog: AccessLog | undefined): void {
  const requestId = requestIdOfHeader(incoming.headers["x-request-id"]);
  const message = `the request cannot be served: HTTP/${incoming.httpVersion} is not supported; this server speaks HTTP/1.1`;
  writeAnswer(outgoing, jsonAnswer(505, { error: { code: "http_version_not_supported", message, requestId } }, requestId, { connection: "close" }));
  logAnswered(accessLog, incoming, (incoming.url ?? "").split("?")[0]!, 505, requestId, "http_version_not_supported");
}

/**
 * The asterisk target: `OPTIONS *` is a 204 whose `Allow` lists the methods some path serves
 * (HEAD with GET); any other method with it, a 400 saying the target is OPTIONS's alone.
 */
function answerAsterisk(incoming: IncomingMessage, outgoing: ServerResponse, routes: Routes, accessLog: AccessLog | undefined): void {
  const requestId = requestIdOfHeader(incoming.headers["x-request-id"]);
  if (incoming.method !== "OPTIONS") {
    const message = `the request cannot be read: the target * is for OPTIONS only, not ${incoming.method}`;
    send(incoming, outgoing, jsonAnswer(400, { error: { code: "bad_request", message, requestId } }, requestId, { connection: "close" }));
    logAnswered(accessLog, incoming, "*", 400, requestId, "bad_request");
    return;
  }
  const methods = new Set<string>();
  for (const byMethod of routes.values()) for (const method of byMethod.keys()) methods.add(method);
  if (methods.has("GET")) methods.add("HEAD");
  outgoing.writeHead(204, { allow: [...methods].join(", "), "x-request-id": requestId });
  outgoing.end();
  logAnswered(accessLog, incoming, "*", 204, requestId);
}

function isVerbatimHost(host: string): boolean {
  return VERBATIM_HOST.test(host);
}

function isVerbatimTarget(target: string): boolean {
  return VERBATIM_TARGET.test(target) && !target.includes("#") && !DOT_SEGMENT.test(target);
}

function send(incoming: IncomingMessage, outgoing: ServerResponse, answer: Answer): void {
  if (outgoing.destroyed) return;
  try {
    writeAnswer(outgoing, answer);
  } catch {
    // Never reached by answers the endpoints build (they check what Node refuses); a throw here
    // must not escape the listener and take the process down.
    fail(undefined, incoming, outgoing);
    return;
  }
  // A GET's empty body is dumped by Node itself; a body left unread (a refusal, a 413) is drained here.
  if (incoming.method !== "GET" && !incoming.readableEnded) {
    outgoing.once("finish", function finished() {
      if (!incoming.readableEnded) discardBody(incoming);
    });
  }
}

/** What @hono/node-server answers when the app throws: 500 without a body. */
function fail(_error: unknown, _incoming: IncomingMessage, outgoing: ServerResponse): void {
  if (outgoing.headersSent) outgoing.destroy();
  else outgoing.writeHead(500).end();
}

/**
 * Read and drop what is left of a request body the answer did not need (a refusal before the
 * body was read, a 413), within `DRAIN_TIMEOUT_MS` and `MAX_DRAIN_BYTES`, so the connection can
 * serve the next request; past either, close it.
 */
function discardBody(incoming: IncomingMessage): void {
  if (incoming.destroyed) return;
  let read = 0;
  const timer = setTimeout(forceClose, DRAIN_TIMEOUT_MS);
  timer.unref();
  function onData(chunk: Buffer) {
    read += chunk.byteLength;
    if (read > MAX_DRAIN_BYTES) forceClose();
  }
  function cleanup() {
    clearTimeout(timer);
    incoming.off("data", onData);
    incoming.off("end", cleanup);
    incoming.off("error", cleanup);
  }
  function forceClose() {
    cleanup();
    incoming.socket?.destroySoon();
  }
  incoming.on("data", onData);
  incoming.on("end", cleanup);
  incoming.on("error", cleanup);
  incoming.resume();
}
