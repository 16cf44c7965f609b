/**
 * @module http/call-errors
 * The answer to what a call threw, by what it is: invalid input 400 (`issues`), a timeout 504, a
 * handler's `HttpError` its own status, the function's own ServiceAccount denied 403
 * `kube_forbidden` (with `missingPermission`: the rule, never the request's path or the
 * ServiceAccount's name; a 403 of admission — a webhook, PodSecurity — with the server's
 * message), the API server's answer about what the call named
 * (404 `kube_not_found`, 409 `kube_conflict`/`kube_already_exists`, 422 `kube_invalid`, 429
 * `kube_too_many_requests` for an eviction a PodDisruptionBudget refused, with the server's
 * message), the API server unreachable or shedding load 503 `kube_unavailable`
 * (`Retry-After`), a call aborted by shutdown 503, anything else 500 with the request id only
 * (the error and its stack go to the log). Never throws itself.
 */
import type { Logger } from "pino";
import { HttpError, InputError, TimeoutError, findCause } from "../errors.js";
import { KubeApiError, KubeForbiddenError, KubeTooManyRequestsError } from "../kube/errors.js";
import { kubeUnavailable } from "../kube/unavailable.js";
import { formatPermission, type MissingPermission } from "../kube/forbidden.js";
import { censorSecrets } from "../secret-values.js";
import type { Answer } from "./exchange.js";
import { internalErrorAnswer, jsonAnswer, refusalAnswer, type Refusal } from "./respond.js";

/**
 * The error answerer of function `fn`'s calls; `shutdown` is the drain's signal (a call failing
 * once it aborted is answered `shuttingDown`).
 *
 * @example
 * const errorAnswer = callErrorAnswerer("hello", logger, drain.signal, SHUTTING_DOWN);
 * errorAnswer(new TimeoutError("hello", 1000), requestId); // 504
 */
export function callErrorAnswerer(fn: string, logger: Logger, shutdown: AbortSignal, shuttingDown: Refusal): (error: unknown, requestId: string) => Answer {
  function classifiedAnswer(error: unknown, requestId: string): Answer {
    if (error instanceof InputError) {
      return jsonAnswer(400, { error: { code: error.code, message: error.message, requestId, issues: error.issues } }, requestId);
    }
    if (error instanceof TimeoutError) return jsonAnswer(504, { error: { code: error.code, message: error.message, requestId } }, requestId);
    if (error instanceof HttpError && error.status >= 400 && error.status <= 599) {
      const body = { error: { code: error.code, message: error.message, requestId, ...(error.details === undefined ? {} : { details: error.details }) } };
      try {
        return jsonAnswer(error.status, body, requestId);
      } catch (unencodable) {
        // Details JSON cannot hold (a BigInt, a cycle): the handler's bug, a 500 like any other.
        logger.error({ fn, requestId, err: error }, `call failed: HttpError details cannot be sent as JSON (${String((unencodable as Error | null)?.message).split("\n")[0]})`);
        return internalErrorAnswer(requestId);
      }
    }
    const denied = findCause(error, (e): e is KubeForbiddenError => e instanceof KubeForbiddenError);
    if (denied) {
      // The function's own ServiceAccount lacks a permission: say which, so the fix is one copy-paste.
      // The caller gets the rule, not the request's path nor the ServiceAccount's name (the log has both).
      logger.warn({ fn, requestId, missingPermission: denied.missingPermission }, denied.message);
      const { user: _user, ...rule } = denied.missingPermission ?? {};
      const message = denied.missingPermission
        ? `the function's ServiceAccount is not allowed this call; missing permission: ${formatPermission(rule as MissingPermission)}`
        : (admissionRefusal(denied) ?? "the function's ServiceAccount is not allowed this call (the log says what the API server answered)");
      const body = { error: { code: denied.code, message, requestId, missingPermission: denied.missingPermission ? rule : null } };
      // A 403 from the function's own RBAC is the function failing, not a caller refused.
      return { ...jsonAnswer(403, body, requestId), failed: "error" };
    }
    if (shutdown.aborted) {
      logger.warn({ fn, requestId, err: error }, "call aborted by shutdown");
      return refusalAnswer(shuttingDown, requestId);
    }
    const kube = kubeAnswer(error, requestId);
    if (kube) {
      logger.warn({ fn, requestId, err: error }, "call failed on the API server's answer");
      return kube;
    }
    logger.error({ fn, requestId, err: error }, "call failed");
    return internalErrorAnswer(requestId);
  }

  /** A value that cannot be inspected or logged (a Proxy, a getter that throws, details whose toJSON throws) is a 500 like any other. */
  return function errorAnswer(error, requestId) {
    try {
      return classifiedAnswer(error, requestId);
    } catch {
      // The err serializer reads what it can of any value without throwing (log-error.ts).
      logger.error({ fn, requestId, err: error }, "call failed: what the handler threw cannot be inspected");
      return internalErrorAnswer(requestId);
    }
  };
}

/**
 * The server's words of a 403 that is not an authorization refusal — an admission webhook's
 * denial, PodSecurity's, a namespace being deleted: about the object the call wrote, as a 422
 * is — censored; undefined for an authorization refusal, which the generic answer covers: one
 * naming the requesting user (`User "..." cannot`, an RBAC escalation's `user "..." (groups=...)`,
 * whose ServiceAccount stays in the log) or the CSR plugins' `user not permitted to approve|sign`
 * (the authorizer's verdict on `signers`); and for a body that was not a Status. A ServiceAccount
 * the message names unquoted is redacted.
 */
function admissionRefusal(denied: KubeForbiddenError): string | undefined {
  const message = denied.status.message;
  if (!denied.statusFromServer || !message || /\buser (?:"|not permitted)/i.test(message)) return undefined;
  // A policy's own words may name the requesting account unquoted (a webhook's message built from
  // request.userInfo, a ValidatingAdmissionPolicy's messageExpression): that stays in the log.
  return censorSecrets(message).replace(/\bsystem:serviceaccount:[^\s"',;]+/g, "system:serviceaccount:[redacted]");
}

/** The API server's answers a caller can act on: what its request named, as the server words it. */
const KUBE_ANSWERS: Record<number, string> = { 404: "kube_not_found", 409: "kube_conflict", 422: "kube_invalid", 429: "kube_too_many_requests" };

/**
 * The answer to a Kubernetes API error the handler let through (or wrapped as a `cause`), if it
 * is one a caller can act on: 404/409/422 with the server's message (which names only the
 * resource and the object, never the server or the path), 429 for an eviction a
 * PodDisruptionBudget refused (with its `causes`: which budget, how many healthy pods it needs;
 * any other 429 is the server shedding load), 503 `kube_unavailable` when the
 * server could not be reached or was overloaded. The function's own RBAC denials are
 * `kube_forbidden` (above); its credentials refused (401) stay a 500.
 */
function kubeAnswer(error: unknown, requestId: string): Answer | undefined {
  const unavailable = kubeUnavailable(error);
  if (unavailable) {
    const retry = unavailable instanceof KubeTooManyRequestsError && unavailable.retryAfterSeconds ? String(unavailable.retryAfterSeconds) : "1";
    const body = { error: { code: "kube_unavailable", message: "the Kubernetes API server could not answer: retry", requestId } };
    // Not the function's bug: counted as its own outcome, `unavailable`.
    return { ...jsonAnswer(503, body, requestId, { "retry-after": retry }), failed: "unavailable" };
  }
  const answered = findCause(error, (e): e is KubeApiError => e instanceof KubeApiError);
  if (!answered) return undefined;
  const code = answered.reason === "AlreadyExists" ? "kube_already_exists" : KUBE_ANSWERS[answered.statusCode];
  if (!code) return undefined;
  // The server echoes what the call sent (a name, a label): a value this process keeps secret is
  // censored. A body that was not a Status (a proxy's page) may say anything: not relayed.
  const message = answered.statusFromServer ? censorSecrets(answered.status.message || answered.reason) : answered.reason;
  const causes = answered.statusCode === 422 || answered.statusCode === 429 ? answered.details?.causes : undefined;
  const told = causes ? { causes: JSON.parse(censorSecrets(JSON.stringify(causes))) as unknown } : {};
  return jsonAnswer(answered.statusCode, { error: { code, message, requestId, ...told } }, requestId);
}
