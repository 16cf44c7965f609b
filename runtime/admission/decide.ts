/**
 * @module admission/decide
 * One admission review of one function, without the HTTP around it: the body (JSON) is read as
 * an AdmissionReview, the handler called through `invoke()` (its context's `dryRun` the
 * request's, its deadline `admission.deadlineMs`), and its decision turned into the
 * AdmissionReview answered: the request's `uid`, `allowed`, a denial's `status`, `warnings`
 * (control characters made spaces, which the API server would drop the warning for; a secret the
 * handler read censored from them and from the denial's message),
 * and for a mutating webhook the JSONPatch to the object it returned from a copy of the request's
 * object taken before the call (a handler may change that object in place). A handler that throws,
 * returns no decision or runs past the deadline is answered as `failurePolicy` says (Fail:
 * denied with `status.code` 500 or 504 and the request id; Ignore: allowed, with a warning
 * naming the request id), never with its message or stack, which go to the log. `podfn serve`'s
 * webhook server and the harness's `review()` both answer through here.
 */
import type { Logger } from "pino";
import type { KubeClient } from "../kube/api.js";
import type { LoadedFunction, Trigger } from "../function.js";
import { invoke } from "../invoke.js";
import { PodfnError, TimeoutError, findCause } from "../errors.js";
import { KubeForbiddenError } from "../kube/errors.js";
import { formatPermission, type MissingPermission } from "../kube/forbidden.js";
import { isPlainObject } from "../plain-object.js";
import { checkReview, InvalidReviewError } from "./review-check.js";
import { encodePatch, jsonPatch } from "./patch.js";
import { headerSafeWarnings } from "./warnings.js";
import { censorAnswer } from "../secret-values.js";
import { ADMISSION_REVIEW_VERSION, type AdmissionRequest, type AdmissionResponse, type AdmissionReview } from "./review.js";
import type { AdmissionCall } from "./types.js";

/** How a review ended, as the `outcome` label of `podfn_admission_reviews_total`. */
export type AdmissionOutcome = "allowed" | "patched" | "denied" | "error" | "timeout" | "invalid";

/** The answer to one review: the HTTP status, the JSON body, and what it was. */
export interface ReviewAnswer {
  /** 200 for a decision; 400 for a body that is not an AdmissionReview. */
  status: number;
  /** `{apiVersion, kind: "AdmissionReview", response}`, or `{error: {code, message, requestId, issues}}`. */
  body: AdmissionReview | { error: { code: string; message: string; requestId: string; issues?: { path: string; message: string }[] } };
  outcome: AdmissionOutcome;
  /** The error code of a 400, or what went wrong with a decision (`denied`, `internal`, `timeout`): the access line's `code`. */
  code?: string;
  /** The request's operation, when the review could be read. */
  operation?: string;
}

/** What reviews are decided with. */
export interface DecideOptions {
  kube: KubeClient;
  logger: Logger;
  /** Aborted at shutdown: the handler's signal aborts too. */
  signal?: AbortSignal;
}

/** The handler's result is not a decision (`{allowed: boolean, ...}`), or cannot be sent. */
export class InvalidDecisionError extends PodfnError {
  declare readonly code: "invalid_decision";

  constructor(fn: string, problem: string) {
    super("invalid_decision", `${fn}: ${problem}`);
  }
}

/**
 * Answers the review `parsed` (the body's JSON) for admission function `fn`.
 *
 * @example
 * const answer = await decideReview(fn, JSON.parse(body), requestId, { kube, logger });
 * answer.body.response.allowed;
 */
export async function decideReview(fn: LoadedFunction, parsed: unknown, requestId: string, options: DecideOptions): Promise<ReviewAnswer> {
  let request: AdmissionRequest;
  try {
    request = checkReview(parsed);
  } catch (error) {
    if (!(error instanceof InvalidReviewError)) throw error;
    return invalidReview(error, requestId);
  }
  const webhook = fn.admission!;
  // What the patch is from: a copy taken before the handler runs, which may change the request's
  // object in place and return it (the same object: diffed against itself, no patch).
  const base = webhook.type === "mutating" ? structuredClone(request.object) : request.object;
  const trigger: AdmissionCall = { type: "admission", webhook: webhook.type, request };
  let result: unknown;
  try {
    result = await invoke({
      fn,
      input: {},
      inputParsed: true,
      // An admission call's trigger is its own (`AdmissionCall`): general handlers never see one.
      trigger: trigger as unknown as Trigger,
      requestId,
      dryRun: request.dryRun === true,
      kube: options.kube,
      logger: options.logger,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const { response, outcome } = decision(fn, request, base, result);
    return { status: 200, body: review(response), outcome, ...(outcome === "denied" ? { code: "denied" } : {}), operation: request.operation };
  } catch (error) {
    return failed(fn, request, error, requestId, options.logger);
  }
}

/** A 400 naming the field that is not an AdmissionReview's. */
export function invalidReview(error: InvalidReviewError, requestId: string): ReviewAnswer {
  const issues = [{ path: error.field, message: error.message.slice(error.field ? error.field.length + 2 : 0) }];
  return { status: 400, body: { error: { code: error.code, message: `not an AdmissionReview: ${error.message}`, requestId, issues } }, outcome: "invalid", code: error.code };
}

function review(response: AdmissionResponse): AdmissionReview {
  return { apiVersion: ADMISSION_REVIEW_VERSION, kind: "AdmissionReview", response };
}

/**
 * The response of a handler's result, a patch from `base` (the request's object as it came);
 * throws `InvalidDecisionError` when it is not a decision.
 */
function decision(fn: LoadedFunction, request: AdmissionRequest, base: unknown, result: unknown): { response: AdmissionResponse; outcome: AdmissionOutcome } {
  if (!isPlainObject(result) || typeof result.allowed !== "boolean") throw new InvalidDecisionError(fn.name, "the handler must return a decision, {allowed: true} or {allowed: false, message}");
  const { allowed, message, code, warnings, object } = result as Record<string, unknown>;
  if (message !== undefined && typeof message !== "string") throw new InvalidDecisionError(fn.name, "the decision's message must be a string");
  if (code !== undefined && !(Number.isInteger(code) && (code as number) >= 400 && (code as number) <= 599)) throw new InvalidDecisionError(fn.name, "the decision's code must be an HTTP status from 400 to 599");
  if (warnings !== undefined && !(Array.isArray(warnings) && warnings.every((w) => typeof w === "string"))) throw new InvalidDecisionError(fn.name, "the decision's warnings must be a list of strings");
  const response: AdmissionResponse = { uid: request.uid, allowed: allowed as boolean };
  // A secret the handler read and put in its words is censored (the patch, data it writes, is not).
  if (!allowed) response.status = { ...(code !== undefined ? { code: code as number } : {}), ...(message !== undefined ? { message: censorAnswer(message) } : {}) };
  const sent = warnings === undefined ? [] : headerSafeWarnings((warnings as string[]).map(censorAnswer));
  if (sent.length > 0) response.warnings = sent;
  if (object === undefined || !allowed) return { response, outcome: allowed ? "allowed" : "denied" };
  if (fn.admission!.type !== "mutating") throw new InvalidDecisionError(fn.name, "a validating webhook cannot change the object (the API server refuses its patches): make it mutating, or return no object");
  if (!isPlainObject(object)) throw new InvalidDecisionError(fn.name, "the decision's object must be the object, changed");
  if (!isPlainObject(base)) throw new InvalidDecisionError(fn.name, `a ${request.operation} request has no object to change`);
  const operations = jsonPatch(base, object);
  if (operations.length === 0) return { response, outcome: "allowed" };
  response.patchType = "JSONPatch";
  response.patch = encodePatch(operations);
  return { response, outcome: "patched" };
}

/**
 * What a failed call is answered, as `failurePolicy` says: Fail denies it (500, or 504 past the
 * deadline), Ignore allows it with a warning; either names the request id, nothing else of the
 * error (a missing permission excepted: it names a rule, never a secret). Logged with the error.
 */
function failed(fn: LoadedFunction, request: AdmissionRequest, error: unknown, requestId: string, logger: Logger): ReviewAnswer {
  const timedOut = error instanceof TimeoutError;
  const denied = findCause(error, (e): e is KubeForbiddenError => e instanceof KubeForbiddenError);
  const what = timedOut
    ? `${fn.name} did not decide within ${fn.timeoutMs} ms`
    : denied?.missingPermission
      ? `${fn.name}'s ServiceAccount is not allowed a call it made; missing permission: ${formatPermission(withoutUser(denied.missingPermission))}`
      : `${fn.name} failed: internal error`;
  const log = { fn: fn.name, requestId, uid: request.uid, operation: request.operation, err: error };
  try {
    logger.error(log, timedOut ? "admission review timed out" : "admission review failed");
  } catch {
    logger.error({ fn: fn.name, requestId, uid: request.uid }, "admission review failed: what the handler threw cannot be logged");
  }
  const text = `${what} (request id ${requestId})`;
  const ignore = fn.admission!.failurePolicy === "Ignore";
  const response: AdmissionResponse = ignore
    ? { uid: request.uid, allowed: true, warnings: [`${text}: allowed, as its failurePolicy Ignore says`] }
    : { uid: request.uid, allowed: false, status: { code: timedOut ? 504 : 500, message: text } };
  return { status: 200, body: review(response), outcome: timedOut ? "timeout" : "error", code: timedOut ? "timeout" : "internal", operation: request.operation };
}

function withoutUser(permission: MissingPermission): MissingPermission {
  const { user: _user, ...rule } = permission as MissingPermission & { user?: unknown };
  return rule as MissingPermission;
}
