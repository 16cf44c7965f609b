/**
 * @module http/background
 * The calls of an `http.async` function: the input is validated first (bad input is the
 * caller's 400, as on any route; an asynchronous check past `timeoutMs` its 504), then the call is started and the caller answered
 * `202 Accepted` with its request id. The call runs as a synchronous one would (its timeout,
 * the drain's signal, dry-run mode) and is counted in the drain until it ends, so it holds a
 * `maxInflight` slot and shutdown waits for it. When it ends, its outcome — what its answer
 * would have been — is recorded in the function's metrics and logged in one line
 * (`background call finished`); the result itself goes nowhere. An `onEnd` hook (the test
 * harness's) is told of each call's end too; without one, nothing more is done.
 */
import type { Logger } from "pino";
import type { LoadedFunction, Trigger } from "../function.js";
import type { KubeClient } from "../kube/api.js";
import type { Drain } from "../lifecycle.js";
import type { FunctionMetrics, Outcome } from "../metrics.js";
import { invokeNow, parseInput } from "../invoke.js";
import { isThenable } from "../thenable.js";
import type { Answer } from "./exchange.js";
import { jsonAnswer, refusalAnswer, resultAnswer, type Refusal } from "./respond.js";

/** What a background call needs besides its request. */
export interface BackgroundCalls {
  fn: LoadedFunction;
  /** Its signal and `abandon` reach the call, as any call's. */
  drain: Drain;
  /** Count a call in (false once shutdown began) and out: the drain's and the route's own count. */
  slots: { enter(): boolean; leave(): void };
  kube: KubeClient;
  logger: Logger;
  series: FunctionMetrics;
  /** The answer an error of the call would have had (logs what it must, as for any call). */
  errorAnswer: (error: unknown, requestId: string) => Answer;
  /** The outcome label of a status. */
  outcomeOf: (status: number) => Outcome;
  /** The refusal of a call admitted just before shutdown began. */
  shuttingDown: Refusal;
  /** Told of each call's end, after it is logged (`createHttpApp({ onBackgroundCallEnd })`). */
  onEnd?: BackgroundCallEndHook;
}

/** How one background call ended. */
export interface BackgroundCallEnd {
  fn: string;
  requestId: string;
  /** The status its answer would have had, and that answer's error code, if any. */
  status: number;
  code?: string;
  outcome: Outcome;
  /** The call failed: it threw (or rejected), or its result could not be sent. */
  threw: boolean;
  /** What it threw (the handler's own error), when `threw`. */
  error?: unknown;
}

/** Told of each background call's end; what it throws is logged, never the call's. */
export type BackgroundCallEndHook = (end: BackgroundCallEnd) => void;

/** One background call's request: what `invoke()` takes from it. */
export interface BackgroundCall {
  input: unknown;
  trigger: Trigger;
  requestId: string;
  dryRun: boolean;
  /** Headers the 202 carries (the dry-run marker). */
  extraHeaders: Record<string, string> | undefined;
}

/**
 * The endpoint step of an async function: resolves to the 202 once the input is valid and the
 * call started, or to the 400 (or 503, when shutdown began meanwhile) instead.
 *
 * @example
 * const accept = backgroundCalls({ fn, drain, slots: { enter, leave }, kube, logger, series, errorAnswer, outcomeOf, shuttingDown: SHUTTING_DOWN });
 * return accept({ input, trigger, requestId, dryRun: false, extraHeaders: undefined });
 */
export function backgroundCalls(deps: BackgroundCalls): (call: BackgroundCall) => Promise<Answer> {
  const { fn, drain, slots, kube, logger, series, errorAnswer, outcomeOf, shuttingDown, onEnd } = deps;

  /** Record and log how the call ended (`threw`: with `error`); let go of its drain slot. */
  function ended(call: BackgroundCall, answer: Answer, started: number, threw = false, error?: unknown): void {
    slots.leave();
    const durationMs = performance.now() - started;
    const outcome = answer.failed ?? outcomeOf(answer.status);
    series.record(outcome, durationMs / 1000);
    const line = { fn: fn.name, requestId: call.requestId, status: answer.status, outcome, durationMs: Math.round(durationMs * 100) / 100, ...(answer.code ? { code: answer.code } : {}) };
    if (outcome === "success") logger.info(line, "background call finished");
    else logger.warn(line, "background call finished");
    if (onEnd) tell(onEnd, { fn: fn.name, requestId: call.requestId, status: answer.status, ...(answer.code ? { code: answer.code } : {}), outcome, threw, ...(threw ? { error } : {}) });
  }

  function tell(hook: BackgroundCallEndHook, end: BackgroundCallEnd): void {
    try {
      hook(end);
    } catch (error) {
      logger.error({ fn: fn.name, requestId: end.requestId, err: error }, "background call's end hook failed");
    }
  }

  /** Ends the call with what its answer would have been (a result that cannot be sent is a 500 and a failure, as on any call). */
  function answerOf(call: BackgroundCall, value: unknown, started: number): void {
    let answer: Answer;
    try {
      answer = resultAnswer(value, call.requestId);
    } catch (error) {
      ended(call, errorAnswer(error, call.requestId), started, true, error);
      return;
    }
    ended(call, answer, started);
  }

  function start(call: BackgroundCall, input: unknown, spentMs: number): void {
    const started = performance.now();
    let result: unknown;
    try {
      result = invokeNow({ fn, input, inputParsed: true, spentMs, trigger: call.trigger, requestId: call.requestId, dryRun: call.dryRun, kube, logger, signal: drain.signal, abandon: drain });
    } catch (error) {
      ended(call, errorAnswer(error, call.requestId), started, true, error);
      return;
    }
    if (!isThenable(result)) {
      answerOf(call, result, started);
      return;
    }
    Promise.resolve(result).then(
      function resolved(value) {
        answerOf(call, value, started);
      },
      function rejected(error: unknown) {
        ended(call, errorAnswer(error, call.requestId), started, true, error);
      },
    );
  }

  return function accept(call: BackgroundCall): Promise<Answer> {
    const parseStarted = Date.now();
    return parseInput(fn, call.input, call.trigger, drain).then(
      function valid(input) {
        // Shutdown began while the input was parsed: nothing started, the caller may retry.
        if (!slots.enter()) return { ...refusalAnswer(shuttingDown, call.requestId), failed: "rejected" };
        // Once the 202 is written: a handler busy at first does not hold up the answer. The
        // input's check counts in its timeoutMs.
        setImmediate(start, call, input, Date.now() - parseStarted);
        return { ...jsonAnswer(202, { accepted: true, requestId: call.requestId }, call.requestId, call.extraHeaders), background: true };
      },
      function invalid(error: unknown) {
        return errorAnswer(error, call.requestId);
      },
    );
  };
}
