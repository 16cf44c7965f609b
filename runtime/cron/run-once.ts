/**
 * @module cron/run-once
 * Runs one function once, the way `podfn run` and a CronJob's pod do: through `invoke()` (so the
 * context is the one HTTP calls get), stopping on SIGINT/SIGTERM by aborting the handler's
 * signal and giving it up to `drainTimeoutMs` to clean up (as it does a handler past its
 * `timeoutMs`), and deciding the exit code with
 * `exitCodeFor`. It prints nothing: the caller writes `output` to stdout.
 */
import type { Logger } from "pino";
import type { KubeClient } from "../kube/api.js";
import { isReply, type LoadedFunction, type Trigger } from "../function.js";
import { HttpError, PodfnError } from "../errors.js";
import { invoke } from "../invoke.js";
import { refuseOpaque } from "../opaque-result.js";
import { whenAborted } from "../signals.js";
import { EXIT_CODES, exitCodeFor, type ExitDecision } from "./exit-codes.js";
import { runId } from "./run-id.js";
import { monotonicMs } from "../clock.js";

export interface RunOnceOptions {
  fn: LoadedFunction;
  /** The raw input, validated by the function's schema. */
  input: unknown;
  /** `input` is already the schema's output (`parseInput`): not parsed again. */
  inputParsed?: boolean;
  /** Milliseconds `parseInput` took: the handler gets what is left of `timeoutMs`. */
  spentMs?: number;
  trigger: Trigger;
  dryRun: boolean;
  kube: KubeClient;
  logger: Logger;
  /** The process's stop signal; its `reason` is `"SIGINT"` or `"SIGTERM"`. */
  signal: AbortSignal;
  /** After a stop signal, how long the handler may take to wind down (ms). Default: 25000. */
  drainTimeoutMs?: number;
  /** Default: a random UUID. */
  requestId?: string;
  /**
   * Aborted, with the error, when the process faults (an exception nothing handled): the run
   * ends at once as failed (exit 1), the handler's signal aborted, its promise not waited for
   * (what threw may be what it waits on).
   */
  fault?: AbortSignal;
}

export interface RunOnceResult extends ExitDecision {
  /**
   * After a stop signal, how the handler ended: `stopped` (it settled failing, as a handler
   * honouring its signal does), `completed` (it finished its work anyway: its result is
   * dropped), or `abandoned` (still running when the drain timeout passed).
   */
  handler?: "stopped" | "completed" | "abandoned";
  /** The result as one JSON line (no newline), set only on success. */
  output?: string;
  /** What the run threw, when it failed. */
  error?: unknown;
  durationMs: number;
}

type Settled = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Resolves after `ms` (with `undefined`); `cancel()` clears the timer. */
function delay(ms: number): { promise: Promise<undefined>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

/**
 * The JSON line of a successful result; a `Reply` contributes its body, and a status >= 400 is
 * a failure, as is a result JSON cannot hold (a function, a symbol, a BigInt, a cycle) or would
 * write as `{}` (a Map, a Set, an Error, a stream: `refuseOpaque`, as HTTP refuses them).
 */
function toOutput(fn: LoadedFunction, value: unknown): string {
  if (isReply(value)) {
    // As HTTP refuses it (a 500 there): a status no answer can carry is the handler's bug.
    if (!Number.isInteger(value.status) || value.status < 200 || value.status > 599) {
      throw new PodfnError("invalid_reply", `${fn.name}: reply() status must be an integer from 200 to 599, got ${String(value.status)}`);
    }
    if (value.status >= 400) throw new HttpError(value.status, "reply_error", `${fn.name} replied HTTP ${value.status}: ${JSON.stringify(value.body ?? null)}`);
    return jsonLine(fn, value.body);
  }
  return jsonLine(fn, value);
}

function jsonLine(fn: LoadedFunction, value: unknown): string {
  if (typeof value === "object" && value !== null && value.constructor !== Object) {
    try {
      refuseOpaque(value);
    } catch (error) {
      throw new PodfnError("invalid_output", `${fn.name}: ${(error as Error).message}`);
    }
  }
  let line: string | undefined;
  try {
    line = JSON.stringify(value ?? null);
  } catch (error) {
    throw new PodfnError("invalid_output", `${fn.name}: the result cannot be written as JSON (${(error as Error).message})`);
  }
  if (line === undefined) throw new PodfnError("invalid_output", `${fn.name}: the result cannot be written as JSON (a ${typeof value})`);
  return line;
}

/** Waits for a timed-out handler to end, at most `drainMs`; says so when it does not. */
async function windDown(settled: Promise<void>, drainMs: number, name: string, logger: Logger): Promise<void> {
  const grace = delay(drainMs);
  const ended = await Promise.race([settled.then(() => true), grace.promise.then(() => false)]);
  grace.cancel();
  if (!ended) logger.warn({ fn: name, drainTimeoutMs: drainMs }, "the timed-out handler did not stop within the drain timeout (it ignores its signal)");
}

/**
 * The result of a run stopped (`signal` aborted, its reason `"SIGINT"` or `"SIGTERM"`) before its
 * handler started: while starting up, or checking the input.
 */
export function notStarted(fn: LoadedFunction, signal: AbortSignal): RunOnceResult {
  const decision = exitCodeFor({ signal: signal.reason === "SIGINT" ? "SIGINT" : "SIGTERM" });
  return { ...decision, message: `${decision.message} before ${fn.name} started: it was not run`, durationMs: 0 };
}

/**
 * Run `fn` once and decide the exit code.
 *
 * @example
 * const result = await runOnce({ fn, input: {}, trigger: { type: "run" }, dryRun: false, kube, logger, signal });
 * if (result.output !== undefined) process.stdout.write(result.output + "\n");
 * process.exitCode = result.code;
 */
export async function runOnce(options: RunOnceOptions): Promise<RunOnceResult> {
  const { fn, logger, signal } = options;
  const started = monotonicMs();
  // Stopped while starting up (loading modules, connecting): the handler is not started at all.
  if (signal.aborted) return notStarted(fn, signal);
  const controller = new AbortController();
  const requestId = options.requestId ?? runId();
  // A handler past its timeoutMs has its signal aborted; its clean-up is then waited for below.
  let lingering: Promise<void> | undefined;
  const call: Promise<Settled> = invoke({
    fn,
    input: options.input,
    ...(options.inputParsed ? { inputParsed: true } : {}),
    ...(options.spentMs ? { spentMs: options.spentMs } : {}),
    trigger: options.trigger,
    requestId,
    dryRun: options.dryRun,
    kube: options.kube,
    logger,
    signal: controller.signal,
    onTimeout: (settled) => void (lingering = settled),
  }).then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  );
  const stopped = whenAborted(signal);
  const faulted = options.fault ? whenAborted(options.fault) : undefined;
  const first = await Promise.race([call, stopped.promise.then((reason) => ({ stopped: reason })), ...(faulted ? [faulted.promise.then((error) => ({ faulted: error }))] : [])]);
  stopped.dispose();
  faulted?.dispose();
  const elapsed = () => Math.round(monotonicMs() - started);
  if ("faulted" in first) {
    controller.abort(first.faulted);
    const { message } = exitCodeFor({ error: first.faulted });
    return { code: EXIT_CODES.handlerFailed, message: `${message} (an exception nothing handled)`, error: first.faulted, durationMs: elapsed() };
  }
  if ("stopped" in first) {
    const name = first.stopped === "SIGINT" ? "SIGINT" : "SIGTERM";
    controller.abort(new DOMException(`podfn run received ${name}`, "AbortError"));
    const drainMs = options.drainTimeoutMs ?? 25_000;
    // Said as the signal arrives: if the kubelet kills the pod before the run ends (a grace period
    // shorter than the drain, a node shutting down), this line says what was stopped.
    const runningMs = elapsed();
    logger.warn({ fn: fn.name, requestId, signal: name, runningMs, drainTimeoutMs: drainMs }, `received ${name} while ${fn.name} ran (${runningMs} ms): its signal is aborted; it has up to ${drainMs} ms to stop`);
    const grace = delay(drainMs);
    const ended = await Promise.race([call, grace.promise]);
    grace.cancel();
    if (!ended) logger.warn({ fn: fn.name, drainTimeoutMs: drainMs }, "the handler did not stop within the drain timeout");
    const handler = !ended ? "abandoned" : ended.ok ? "completed" : "stopped";
    // What it failed with, unless it is the abort itself (a handler rethrowing its signal's reason).
    const failure = ended && !ended.ok && ended.error !== controller.signal.reason ? { error: ended.error } : {};
    return { ...exitCodeFor({ signal: name }), handler, ...failure, durationMs: elapsed() };
  }
  if (!first.ok) {
    // Timed out: the handler's signal is aborted; it may clean up (release a lock, record where
    // it stopped) for up to the drain timeout before the process exits under it.
    if (lingering) await windDown(lingering, options.drainTimeoutMs ?? 25_000, fn.name, logger);
    return { ...exitCodeFor({ error: first.error }), error: first.error, durationMs: elapsed() };
  }
  try {
    return { ...exitCodeFor({}), output: toOutput(fn, first.value), durationMs: elapsed() };
  } catch (error) {
    return { ...exitCodeFor({ error }), error, durationMs: elapsed() };
  }
}
