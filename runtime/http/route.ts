/**
 * @module http/route
 * The endpoint of one function: admission (503 while shutting down, 429 over `maxInflight` or
 * the function's own `http.maxInflight`),
 * caller auth, content type, body limit, input, dry-run mode, the call through `invoke()`, the
 * mapping of its result or error to a status, one metrics record and one access log line (with
 * the answer's error code, the peer's address and its User-Agent).
 * Everything a request needs is prepared once per function when the app is built. A call that
 * needs nothing asynchronous (a GET with synchronous auth, schema and handler) is answered
 * without a promise.
 */
import type { Logger } from "pino";
import type { LoadedFunction } from "../function.js";
import type { KubeClient } from "../kube/api.js";
import type { Drain } from "../lifecycle.js";
import type { FunctionMetrics, Outcome } from "../metrics.js";
import { invokeNow } from "../invoke.js";
import { isThenable } from "../thenable.js";
import { SecretMissingError } from "../secrets.js";
import { InputError } from "../errors.js";
import type { AccessLog } from "./access-log.js";
import type { AuthChecker } from "./auth/index.js";
import { BodyDeadlines } from "./body-deadline.js";
import { checkContentEncoding, checkContentType, checkTransferCoding, hasBody, parseBody, readBody } from "./body.js";
import { remoteAddressOf, userAgentOf, type Answer, type CallRequest } from "./exchange.js";
import { queryInput, refuseMisspeltDryRunHeader, wantsDryRun } from "./input.js";
import { requestIdOf } from "./request-id.js";
import { Refusal, censoredAnswer, internalErrorAnswer, refusalAnswer, resultAnswer } from "./respond.js";
import { callErrorAnswerer } from "./call-errors.js";
import { backgroundCalls, type BackgroundCallEndHook } from "./background.js";

/** An HTTP endpoint: a function, an operations path, or a refusal. */
export type Endpoint = (request: CallRequest) => Answer | Promise<Answer>;

/** What every function endpoint shares. */
export interface RouteContext {
  drain: Drain;
  /** Bodies being received before their call is admitted, across routes (a gauge). */
  receiving: { count: number };
  /** Calls in flight before answering 429. */
  maxInflight: number;
  kube: KubeClient;
  logger: Logger;
  /** Writes the access lines. */
  accessLog: AccessLog;
  /** Told of each background (`http.async`) call's end: the test harness's. */
  onBackgroundCallEnd?: BackgroundCallEndHook;
}

export const SHUTTING_DOWN = new Refusal(503, "shutting_down", "the server is shutting down: retry", { connection: "close", "retry-after": "1" });
const EMPTY = new Uint8Array(0);
const DRY_RUN_HEADERS = { "x-podfn-dry-run": "true" };
const GET_BODY = "a GET function's input is its query string: this request's body would not be read (send it with POST)";

/** The `trigger` of an HTTP call; its `headers` are built when the handler first reads them. */
class HttpCallTrigger {
  readonly type = "http";
  readonly method: string;
  readonly path: string;
  readonly #request: CallRequest;

  constructor(request: CallRequest) {
    this.method = request.method;
    this.path = request.path;
    this.#request = request;
  }

  get headers(): Headers {
    return this.#request.headers();
  }
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
 * const answer = await endpoint(fetchRequest(request, "/hello"));
 */
export function functionEndpoint(fn: LoadedFunction, auth: AuthChecker | undefined, series: FunctionMetrics, shared: RouteContext): Endpoint {
  const { drain, maxInflight, kube, logger, accessLog, receiving: allReceiving } = shared;
  const readsQuery = fn.http!.method === "GET";
  // The body is the first thing read (no caller auth on the headers): see `receiveThenRun`.
  const bodyFirst = !readsQuery && auth?.phase !== "headers";
  const limit = fn.http!.bodyLimitBytes;
  const deadlines = new BodyDeadlines(fn.http!.bodyTimeoutMs);
  const tooMany = new Refusal(429, "too_many_requests", `${maxInflight} ${maxInflight === 1 ? "call is" : "calls are"} in flight, the most this server runs at once: retry`, { "retry-after": "1" });
  const errorAnswer = callErrorAnswerer(fn.name, logger, drain.signal, SHUTTING_DOWN);
  // This function's calls running (its background ones included), held to `http.maxInflight`.
  const cap = fn.http!.maxInflight ?? Infinity;
  let running = 0;
  const fnTooMany = new Refusal(429, "too_many_requests", `${cap} ${cap === 1 ? "call" : "calls"} of ${fn.name} ${cap === 1 ? "is" : "are"} in flight, the most it runs at once (http.maxInflight): retry`, { "retry-after": "1" });
  /** Count a call in (false once shutdown began). */
  function enter(): boolean {
    if (!drain.enter()) return false;
    running++;
    return true;
  }
  function leave(): void {
    running--;
    drain.leave();
  }
  const accept = fn.http!.async ? backgroundCalls({ fn, drain, slots: { enter, leave }, kube, logger, series, errorAnswer, outcomeOf, shuttingDown: SHUTTING_DOWN, ...(shared.onBackgroundCallEnd ? { onEnd: shared.onBackgroundCallEnd } : {}) }) : undefined;

  /**
   * Caller auth, then `next()` when allowed. A failure of the check itself (a TokenReview the pod
   * may not make, an API server down) is a 500 with the request id: nothing about the pod reaches
   * an unauthenticated caller.
   */
  function checkThen(checker: AuthChecker, request: CallRequest, body: Uint8Array, requestId: string, next: () => Answer | Promise<Answer>): Answer | Promise<Answer> {
    let refused: ReturnType<AuthChecker["check"]>;
    try {
      refused = checker.check(request, body, drain.signal, { fn: fn.name, requestId });
    } catch (error) {
      return checkFailed(error, requestId);
    }
    if (isThenable(refused)) {
      return Promise.resolve(refused).then(
        function checked(r) {
          return r ? refusalAnswer(r, requestId) : next();
        },
        function uncheckable(error) {
          return checkFailed(error, requestId);
        },
      );
    }
    return refused ? refusalAnswer(refused, requestId) : next();
  }

  function checkFailed(error: unknown, requestId: string): Answer {
    // Given up on at shutdown (the drain deadline aborted the check's wait): as any call in flight.
    if (drain.signal.aborted) {
      logger.warn({ fn: fn.name, requestId }, "caller auth aborted by shutdown");
      return refusalAnswer(SHUTTING_DOWN, requestId);
    }
    if (error instanceof SecretMissingError) {
      logger.error({ fn: fn.name, requestId, secretName: error.secret, secretPath: error.path }, `caller auth unavailable: ${error.message}`);
    } else {
      logger.error({ fn: fn.name, requestId, err: error }, "caller auth could not be checked");
    }
    return internalErrorAnswer(requestId);
  }

  /** Auth, body, input, the call: everything after admission. Never throws. */
  function run(request: CallRequest, requestId: string): Answer | Promise<Answer> {
    if (auth?.phase === "headers") return checkThen(auth, request, EMPTY, requestId, () => afterHeaders(request, requestId));
    return afterHeaders(request, requestId);
  }

  function afterHeaders(request: CallRequest, requestId: string): Answer | Promise<Answer> {
    if (!readsQuery) return withBody(request, requestId);
    if (auth?.phase === "body") return checkThen(auth, request, EMPTY, requestId, () => callWithQuery(request, requestId));
    return callWithQuery(request, requestId);
  }

  /** A GET's call, its input read from the query (a malformed escape, or a body sent too, answered 400). */
  function callWithQuery(request: CallRequest, requestId: string): Answer | Promise<Answer> {
    let input: Record<string, string | string[]>;
    try {
      if (hasBody(request)) throw new InputError(`invalid input: ${GET_BODY}`, [{ path: "", message: GET_BODY }]);
      input = queryInput(request.query);
    } catch (error) {
      return errorAnswer(error, requestId);
    }
    return call(request, requestId, input);
  }

  /**
   * Content type, body, HMAC, JSON, the call, for a caller already admitted (and authenticated
   * by its headers). The body is read into one promise, settled by the request's events; the
   * rest runs in that promise's reaction, so in the call's own async context (an
   * AsyncLocalStorage store set around the listener reaches the handler, as it does on a GET).
   */
  function withBody(request: CallRequest, requestId: string): Answer | Promise<Answer> {
    const body = beginBody(request, requestId);
    if (!("read" in body)) return body;
    const { type, read } = body;
    return read.then(
      function bodyRead(bytes) {
        return afterBody(request, requestId, type, bytes);
      },
      function unread(error: unknown) {
        return errorAnswer(error, requestId);
      },
    );
  }

  /**
   * The content type checked and the body's read begun, or the answer refusing the request: 415,
   * or 429 when `full()` says no more bodies may be received now.
   */
  function beginBody(request: CallRequest, requestId: string, full?: () => boolean): { type: string | null; read: Promise<Uint8Array | Refusal> } | Answer {
    try {
      const type = request.header("content-type");
      const unsupported = checkContentType(type) ?? checkContentEncoding(request.header("content-encoding"));
      if (unsupported) return refusalAnswer(unsupported, requestId);
      if (full?.()) return refusalAnswer(tooMany, requestId);
      return { type, read: readBody(request, limit, deadlines) };
    } catch (error) {
      return errorAnswer(error, requestId);
    }
  }

  function afterBody(request: CallRequest, requestId: string, type: string | null, bytes: Uint8Array | Refusal): Answer | Promise<Answer> {
    if (bytes instanceof Refusal) return refusalAnswer(bytes, requestId);
    const next = () => {
      const input = parseBody(bytes, type);
      return input instanceof Refusal ? refusalAnswer(input, requestId) : call(request, requestId, input);
    };
    return auth?.phase === "body" ? checkThen(auth, request, bytes, requestId, next) : next();
  }

  function call(request: CallRequest, requestId: string, input: unknown): Answer | Promise<Answer> {
    try {
      if (request.incoming) refuseMisspeltDryRunHeader(request.incoming.rawHeaders, 2);
      else refuseMisspeltDryRunHeader([...request.headers().keys()]);
      const dryRun = wantsDryRun(request.query, request.header("x-podfn-dry-run"), readsQuery);
      const extraHeaders = dryRun ? DRY_RUN_HEADERS : undefined;
      const trigger = new HttpCallTrigger(request);
      if (accept) return accept({ input, trigger, requestId, dryRun, extraHeaders });
      const result = invokeNow({ fn, input, trigger, requestId, dryRun, kube, logger, signal: drain.signal, abandon: drain });
      if (!isThenable(result)) return resultAnswer(result, requestId, extraHeaders);
      return Promise.resolve(result).then(
        function resolved(value) {
          // A result that cannot be sent (unserializable, a header HTTP refuses) is a 500 here
          // too: `rejected` below only sees the handler's own rejection.
          try {
            return resultAnswer(value, requestId, extraHeaders);
          } catch (error) {
            return errorAnswer(error, requestId);
          }
        },
        function rejected(error) {
          return errorAnswer(error, requestId);
        },
      );
    } catch (error) {
      return errorAnswer(error, requestId);
    }
  }

  /** Let go of, count and log a call that was admitted and ran. */
  function finish(request: CallRequest, answer: Answer, started: number, requestId: string): Answer {
    leave();
    // Finished during the drain: let the connection close so the server can stop.
    if (drain.draining) answer.headers.connection = "close";
    return done(request, answer, answer.failed ?? outcomeOf(answer.status), started, requestId);
  }

  /** `finish` once `answer` settles; a rejection lets go of the call and stays a rejection. */
  function finishWhenSettled(answer: PromiseLike<Answer>, request: CallRequest, started: number, requestId: string): Promise<Answer> {
    return Promise.resolve(answer).then(
      function answered(value) {
        return finish(request, value, started, requestId);
      },
      function failed(error: unknown) {
        leave();
        throw error;
      },
    );
  }

  function done(request: CallRequest, answer: Answer, outcome: Outcome, started: number, requestId: string): Answer {
    const durationMs = performance.now() - started;
    if (!answer.background) series.record(outcome, durationMs / 1000);
    accessLog(request.method, request.path, answer.status, requestId, Math.round(durationMs * 100) / 100, fn.name, answer.code, remoteAddressOf(request), userAgentOf(request));
    // A secret the handler read and put in its answer is censored (nothing done until one is read).
    return censoredAnswer(answer);
  }

  /** Bodies being received by this route from callers not yet authenticated (`bodyFirst`). */
  let receiving = 0;

  /** A refusal before admission, counted and logged: not a call that ran. */
  function refused(request: CallRequest, answer: Answer, started: number, requestId: string): Answer {
    return done(request, answer, answer.status === 429 || answer.status === 503 ? "rejected" : outcomeOf(answer.status), started, requestId);
  }

  /**
   * A route whose caller is known only from its body (HMAC) or never (`none`): the body is
   * received before the call is admitted, so a caller trickling a body in holds no
   * `maxInflight` slot; at most `maxInflight` bodies are received at once per route (429 past
   * that), so stalled uploads to one route cannot refuse another's callers. Once received:
   * admission (503/429), then HMAC, JSON, input and the call, finished in the body's reaction.
   */
  function receiveThenRun(request: CallRequest, requestId: string, started: number): Answer | Promise<Answer> {
    // Counted in the drain from here, as a call on a route with header auth is: a shutdown
    // beginning while the body arrives waits for it, and its call then runs.
    if (!drain.receive()) return refused(request, refusalAnswer(SHUTTING_DOWN, requestId), started, requestId);
    const body = beginBody(request, requestId, () => receiving >= maxInflight);
    if (!("read" in body)) {
      drain.received();
      return refused(request, body, started, requestId);
    }
    const { type, read } = body;
    receiving++;
    allReceiving.count++;
    return read.then(
      function bodyRead(bytes) {
        receiving--;
        allReceiving.count--;
        if (bytes instanceof Refusal || drain.inflight >= maxInflight || running >= cap) {
          drain.received();
          if (bytes instanceof Refusal) return refused(request, refusalAnswer(bytes, requestId), started, requestId);
          return refused(request, refusalAnswer(running >= cap ? fnTooMany : tooMany, requestId), started, requestId);
        }
        drain.admitReceived();
        running++;
        let answer: Answer | Promise<Answer>;
        try {
          answer = afterBody(request, requestId, type, bytes);
        } catch (error) {
          leave();
          throw error;
        }
        return isThenable(answer) ? finishWhenSettled(answer, request, started, requestId) : finish(request, answer, started, requestId);
      },
      function unread(error: unknown) {
        receiving--;
        allReceiving.count--;
        drain.received();
        return refused(request, errorAnswer(error, requestId), started, requestId);
      },
    );
  }

  return function callFunction(request: CallRequest): Answer | Promise<Answer> {
    const started = performance.now();
    const requestId = requestIdOf(request.header("x-request-id"));
    const framing = checkTransferCoding(request.header("transfer-encoding"));
    // The caller's framing, whatever the status (a 501 is not the server failing).
    if (framing) return done(request, refusalAnswer(framing, requestId), "client_error", started, requestId);
    if (drain.draining) return done(request, refusalAnswer(SHUTTING_DOWN, requestId), "rejected", started, requestId);
    if (bodyFirst) return receiveThenRun(request, requestId, started);
    if (drain.inflight >= maxInflight || running >= cap) return done(request, refusalAnswer(running >= cap ? fnTooMany : tooMany, requestId), "rejected", started, requestId);
    enter();
    let answer: Answer | Promise<Answer>;
    try {
      answer = run(request, requestId);
    } catch (error) {
      leave();
      throw error;
    }
    if (!isThenable(answer)) return finish(request, answer, started, requestId);
    return finishWhenSettled(answer, request, started, requestId);
  };
}
