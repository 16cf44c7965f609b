/**
 * @module http/route
 * The endpoint of one function: admission (503 while shutting down, 429 over `maxInflight`),
 * caller auth, content type, body limit, input, dry-run mode, the call through `invoke()`, the
 * mapping of its result or error to a status, one metrics record and one access log line.
 * Everything a request needs is prepared once per function when the app is built.
 */
import type { IncomingMessage } from "node:http";
import type { Logger } from "pino";
import type { LoadedFunction } from "../function.js";
import type { KubeClient } from "../kube/api.js";
import type { Drain } from "../lifecycle.js";
import type { FunctionMetrics, Outcome } from "../metrics.js";
import { invoke } from "../invoke.js";
import { HttpError, InputError, TimeoutError, findCause } from "../errors.js";
import { KubeForbiddenError } from "../kube/errors.js";
import { SecretMissingError } from "../secrets.js";
import type { AuthChecker } from "./auth/index.js";
import { checkContentType, parseBody, readBody } from "./body.js";
import { queryInput, wantsDryRun } from "./input.js";
import { requestIdOf } from "./request-id.js";
import { Refusal, internalErrorResponse, jsonResponse, refusalResponse, resultResponse } from "./respond.js";

/**
 * An HTTP endpoint: a function, an operations path, or a refusal. `incoming` is the Node request
 * when served on a socket (absent through the app's `fetch`).
 */
export type Endpoint = (request: Request, path: string, incoming?: IncomingMessage) => Response | Promise<Response>;

/** What every function endpoint shares. */
export interface RouteContext {
  drain: Drain;
  /** Calls in flight before answering 429. */
  maxInflight: number;
  kube: KubeClient;
  logger: Logger;
  /** Writes the access lines (see `accessLogger`). */
  accessLog: Logger;
}

export const SHUTTING_DOWN = new Refusal(503, "shutting_down", "the server is shutting down: retry", { connection: "close", "retry-after": "1" });
const EMPTY = new Uint8Array(0);
const DRY_RUN_HEADERS = { "x-podfn-dry-run": "true" };

/**
 * The logger of access lines: `logger` without its redaction pass, which costs more than the rest
 * of the line. Safe because an access line holds only fields set here (method, path without the
 * query string, status, durationMs, fn, requestId), never a header or a body.
 */
export function accessLogger(logger: Logger): Logger {
  return logger.child({}, { redact: { paths: [] } });
}

/** The outcome label of a status. */
export function outcomeOf(status: number): Outcome {
  if (status < 400) return "success";
  if (status === 401 || status === 403) return "unauthorized";
  if (status === 504) return "timeout";
  return status < 500 ? "client_error" : "error";
}

/**
 * The endpoint of `fn` (which must have `http`).
 *
 * @example
 * const endpoint = functionEndpoint(fn, createAuthChecker(fn.http.auth, deps).checker, metrics.function(fn.name)!, shared);
 * const response = await endpoint(request, "/hello");
 */
export function functionEndpoint(fn: LoadedFunction, auth: AuthChecker | undefined, series: FunctionMetrics, shared: RouteContext): Endpoint {
  const { drain, maxInflight, kube, logger, accessLog } = shared;
  const readsQuery = fn.http!.method === "GET";
  const limit = fn.http!.bodyLimitBytes;
  const deniedByCluster = new WeakSet<Response>();
  const tooMany = new Refusal(429, "too_many_requests", `more than ${maxInflight} calls in flight: retry`, { "retry-after": "1" });

  /**
   * Caller auth. A failure of the check itself (a TokenReview the pod may not make, an API
   * server down) is a 500 with the request id: nothing about the pod reaches an unauthenticated caller.
   */
  async function checkCaller(checker: AuthChecker, headers: Headers, body: Uint8Array, requestId: string): Promise<Response | undefined> {
    let refused: Refusal | undefined;
    try {
      refused = await checker.check(headers, body);
    } catch (error) {
      if (error instanceof SecretMissingError) {
        logger.error({ fn: fn.name, requestId, secretName: error.secret, secretPath: error.path }, `caller auth unavailable: ${error.message}`);
      } else {
        logger.error({ fn: fn.name, requestId, err: error }, "caller auth could not be checked");
      }
      return internalErrorResponse(requestId);
    }
    return refused ? refusalResponse(refused, requestId) : undefined;
  }

  async function run(request: Request, path: string, requestId: string, incoming: IncomingMessage | undefined): Promise<Response> {
    const headers = request.headers;
    try {
      if (auth?.phase === "headers") {
        const refused = await checkCaller(auth, headers, EMPTY, requestId);
        if (refused) return refused;
      }
      let bytes: Uint8Array = EMPTY;
      if (!readsQuery) {
        const unsupported = checkContentType(headers);
        if (unsupported) return refusalResponse(unsupported, requestId);
        const read = await readBody(request, limit, incoming);
        if (read instanceof Refusal) return refusalResponse(read, requestId);
        bytes = read;
      }
      if (auth?.phase === "body") {
        const refused = await checkCaller(auth, headers, bytes, requestId);
        if (refused) return refused;
      }
      const input = readsQuery ? queryInput(request.url) : parseBody(bytes, headers);
      if (input instanceof Refusal) return refusalResponse(input, requestId);
      const dryRun = wantsDryRun(request.url, headers);
      const result = await invoke({
        fn,
        input,
        trigger: { type: "http", method: request.method, path, headers },
        requestId,
        dryRun,
        kube,
        logger,
        signal: drain.signal,
      });
      return resultResponse(result, requestId, dryRun ? DRY_RUN_HEADERS : undefined);
    } catch (error) {
      return errorResponse(error, requestId);
    }
  }

  function errorResponse(error: unknown, requestId: string): Response {
    if (error instanceof InputError) {
      return jsonResponse(400, { error: { code: error.code, message: error.message, requestId, issues: error.issues } }, requestId);
    }
    if (error instanceof TimeoutError) return jsonResponse(504, { error: { code: error.code, message: error.message, requestId } }, requestId);
    if (error instanceof HttpError && error.status >= 400 && error.status <= 599) {
      const body = { error: { code: error.code, message: error.message, requestId, ...(error.details === undefined ? {} : { details: error.details }) } };
      return jsonResponse(error.status, body, requestId);
    }
    const denied = findCause(error, (e): e is KubeForbiddenError => e instanceof KubeForbiddenError);
    if (denied) {
      // The function's own ServiceAccount lacks a permission: say which, so the fix is one copy-paste.
      logger.warn({ fn: fn.name, requestId, missingPermission: denied.missingPermission }, denied.message);
      const body = { error: { code: denied.code, message: denied.message, requestId, missingPermission: denied.missingPermission ?? null } };
      const response = jsonResponse(403, body, requestId);
      deniedByCluster.add(response);
      return response;
    }
    if (drain.signal.aborted) {
      logger.warn({ fn: fn.name, requestId, err: error }, "call aborted by shutdown");
      return refusalResponse(SHUTTING_DOWN, requestId);
    }
    logger.error({ fn: fn.name, requestId, err: error }, "call failed");
    return internalErrorResponse(requestId);
  }

  return async function callFunction(request: Request, path: string, incoming?: IncomingMessage): Promise<Response> {
    const started = performance.now();
    const requestId = requestIdOf(request.headers);
    let response: Response;
    let outcome: Outcome;
    if (drain.draining) {
      response = refusalResponse(SHUTTING_DOWN, requestId);
      outcome = "rejected";
    } else if (drain.inflight >= maxInflight) {
      response = refusalResponse(tooMany, requestId);
      outcome = "rejected";
    } else {
      drain.enter();
      try {
        response = await run(request, path, requestId, incoming);
      } finally {
        drain.leave();
      }
      // Finished during the drain: let the connection close so the server can stop.
      if (drain.draining) response.headers.set("connection", "close");
      // A 403 from the function's own RBAC is the function failing, not a caller refused.
      outcome = deniedByCluster.has(response) ? "error" : outcomeOf(response.status);
    }
    const durationMs = performance.now() - started;
    series.record(outcome, durationMs / 1000);
    accessLog.info({ method: request.method, path, status: response.status, durationMs: Math.round(durationMs * 100) / 100, fn: fn.name, requestId }, "request");
    return response;
  };
}
