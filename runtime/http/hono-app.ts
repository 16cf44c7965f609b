/**
 * @module http/hono-app
 * The hono side of the HTTP adapter: every request the socket fast path (`listener.ts`) does
 * not take (HEAD, 404, 405, percent-encoded or odd targets, a bad `Host`) and every request
 * through the app's `fetch`. One route per path whose handler picks the endpoint by method (so
 * 405 with `Allow` comes for free and hono keeps its single-handler fast path), and JSON 404s.
 * `app.ts` imports this module on first use.
 */
import type { IncomingMessage } from "node:http";
import { getRequestListener, RequestError } from "@hono/node-server";
import { Hono, type Context } from "hono";
import type { Logger } from "pino";
import type { AccessLog } from "./access-log.js";
import { fetchRequest, toResponse } from "./exchange.js";
import type { RequestListener, Routes } from "./listener.js";
import { freshRequestId, requestIdOf } from "./request-id.js";
import { internalErrorAnswer, jsonAnswer } from "./respond.js";
import type { Endpoint } from "./route.js";

/** The hono app of a route table, as a `fetch` and as a Node request listener. */
export interface HonoFallback {
  fetch: (request: Request) => Response | Promise<Response>;
  listener: RequestListener;
}

/**
 * Build the hono app serving `routes`.
 *
 * @example
 * const { fetch } = honoFallback(routes, accessLogWriter(logger), logger);
 * const response = await fetch(new Request("http://localhost/nowhere"));
 */
export function honoFallback(routes: Routes, accessLog: AccessLog, logger: Logger): HonoFallback {
  const app = new Hono();
  // Endpoints never throw (each failure is an answer); should one, it is still a logged JSON 500.
  app.onError(function unexpected(error, c) {
    const requestId = requestIdOf(c.req.raw.headers.get("x-request-id"));
    logger.error({ requestId, err: error }, "request failed");
    return toResponse(internalErrorAnswer(requestId));
  });
  for (const [path, methods] of routes) app.all(path, byMethod(methods, accessLog));
  app.notFound(function notFound(c) {
    return unrouted(c, 404, { code: "not_found", message: `no function at ${c.req.path}` }, undefined, accessLog);
  });
  return { fetch: app.fetch, listener: getRequestListener(app.fetch, { errorHandler: (error) => requestFailed(error, logger) }) };
}

/**
 * What @hono/node-server could not turn into a `Request` (a bad `Host`, an absolute or odd
 * target): a JSON 400 naming what is wrong, where it would answer an empty 400, logged at info
 * as the parser's refusals are; anything else it caught, a JSON 500. Either way with an
 * `X-Request-Id` (a fresh one: no request was read).
 */
function requestFailed(error: unknown, logger: Logger): Response {
  const requestId = freshRequestId();
  if (error instanceof RequestError) {
    logger.info({ requestId, status: 400, code: "bad_request", reason: error.message }, "request refused: it cannot be read");
    return toResponse(jsonAnswer(400, { error: { code: "bad_request", message: `the request cannot be read: ${error.message}`, requestId } }, requestId, { connection: "close" }));
  }
  logger.error({ requestId, err: error }, "request failed");
  return toResponse(internalErrorAnswer(requestId));
}

/** The route of one path: the endpoint of the request's method (HEAD served by GET), else 405. */
function byMethod(methods: ReadonlyMap<string, Endpoint>, accessLog: AccessLog) {
  const allow = [...methods.keys(), ...(methods.has("GET") ? ["HEAD"] : [])].join(", ");
  return function route(c: Context): Response | Promise<Response> {
    const method = c.req.raw.method;
    const endpoint = methods.get(method) ?? (method === "HEAD" ? methods.get("GET") : undefined);
    if (endpoint) {
      const answer = endpoint(fetchRequest(c.req.raw, c.req.path, (c.env as { incoming?: IncomingMessage } | undefined)?.incoming));
      return answer instanceof Promise ? answer.then(toResponse) : toResponse(answer);
    }
    return unrouted(c, 405, { code: "method_not_allowed", message: `${method} is not allowed on ${c.req.path}: use ${allow}` }, { allow }, accessLog);
  };
}

function unrouted(c: Context, status: number, error: { code: string; message: string }, headers: Record<string, string> | undefined, accessLog: AccessLog): Response {
  const sent = c.req.raw.headers;
  const requestId = requestIdOf(sent.get("x-request-id"));
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  accessLog(c.req.raw.method, c.req.path, status, requestId, undefined, undefined, error.code, incoming?.socket?.remoteAddress, sent.get("user-agent") ?? undefined);
  return toResponse(jsonAnswer(status, { error: { ...error, requestId } }, requestId, headers));
}
