/**
 * @module watch/watch-call
 * The handler called for one event of a watch, as `watch-steps` runs it: its tries — one log
 * line each, retried after a growing pause up to `retries` (without limit for a `FINALIZE`),
 * given up for a newer change of the object, a timed-out handler awaited before the object's
 * next call —, how it ended (`CallEnd`: its result, or the failure no try is left for, which a
 * `status` reports), and what every call of one watch shares (`WatchRun`).
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { LoadedFunction, LoadedWatch, WatchCallEvent } from "../function.js";
import type { KubeObject, ResourceClient } from "../kube/api.js";
import { invoke, type InvokeOptions } from "../invoke.js";
import { exitCodeFor, outcomeOf, type RunOutcome } from "../cron/exit-codes.js";
import type { WatchOutcome } from "../metrics.js";
import type { CallPlace } from "./keyed-queue.js";
import type { OwnWrites } from "./finalizer.js";
import type { StatusReporter } from "./status.js";
import type { RequeueTimers } from "./requeue.js";
import { ABORT_GRACE_MS } from "../signals.js";
import type { RunWatchesOptions } from "./watcher.js";

/** A call's outcome as its metric's label. */
const OUTCOME_LABELS: Record<RunOutcome, Exclude<WatchOutcome, "coalesced">> = {
  succeeded: "success",
  failed: "error",
  "invalid input": "invalid_input",
  forbidden: "forbidden",
  "timed out": "timeout",
  "kube unavailable": "unavailable",
  aborted: "aborted",
};

/** `namespace/name`, or `name` for a cluster-scoped object (as kubectl names them). */
export const keyOf = (object: KubeObject) => (object.metadata?.namespace ? `${object.metadata.namespace}/${object.metadata.name ?? ""}` : (object.metadata?.name ?? ""));

/** The pause before the `n`th retry or restart (ms): 1 s doubling to a minute. */
export const defaultDelay = (n: number) => Math.min(60_000, 1000 * 2 ** (n - 1));

/**
 * Outcomes another try may change: the handler threw, or the API server could not answer. Invalid input and a denied request fail
 * again; a call that timed out may still be running (a handler that ignores its signal runs
 * on), and a retry would run beside it.
 */
const RETRIED: ReadonlySet<RunOutcome> = new Set(["failed", "kube unavailable"]);

/** "1 s", "250 ms". */
export const duration = (ms: number) => (ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`);

/**
 * How a call about an object ended, once for good: it succeeded (with the handler's `result`), or
 * it failed with no try left (`outcome` and `message` as its log line says them). Calls given up
 * (aborted, or for a newer change of the object) have no end.
 */
export type CallEnd = { object: KubeObject; result: unknown } | { object: KubeObject; failure: { outcome: RunOutcome; message: string } };

/** One watch of one function as it runs: what its calls share. */
export interface WatchRun {
  fn: LoadedFunction;
  watch: LoadedWatch;
  options: RunWatchesOptions;
  signal: AbortSignal;
  client: ResourceClient<KubeObject>;
  /** The watch's own finalizer and status writes, whose events call nothing. */
  own: OwnWrites;
  /** With `status`: what writes each call's condition. */
  status?: StatusReporter;
  /** The timers of the calls that asked to be made again (`requeueAfter`). */
  requeue: RequeueTimers;
  /** Gives up on a call still running `stopWaitMs` after `signal` aborted (`abandonAfterAbort`). */
  abandon: NonNullable<InvokeOptions["abandon"]>;
}

/**
 * The handler called for one event, one log line per try: info when it succeeds, an error when
 * it fails (saying whether and when it is made again). `prepare` gives each try's object
 * (undefined: nothing to call, which ends it). With `untilSuccess` (a FINALIZE: a deletion waits
 * for it) every outcome but an abort is tried again, without limit, a timed-out handler awaited
 * first. Resolves to how the call ended (see `CallEnd`): the object its last try had, and the
 * handler's result or the failure; undefined when it was not made or was given up.
 */
export async function tries(run: WatchRun, event: WatchCallEvent, key: string, place: CallPlace, untilSuccess: boolean, prepare: (log: Logger) => Promise<KubeObject | undefined>): Promise<CallEnd | undefined> {
  const { fn, watch, options, signal } = run;
  const retryDelay = options.retryDelayMs ?? defaultDelay;
  const about = { fn: fn.name, watch: watch.name, event, object: key };
  // Its turn came with a newer change of the object queued behind it: that call has the newer object.
  if (watch.coalesce && !signal.aborted && place.superseded()) {
    options.metrics?.skipped(fn.name, watch.name, event);
    options.logger.debug(about, "watch call skipped: a newer change of the object is queued (coalesce)");
    return undefined;
  }
  for (let retry = 0; ; retry++) {
    // Queued before a shutdown (or the end of a leadership): not started, and nothing to say.
    if (signal.aborted) return undefined;
    const requestId = randomUUID();
    const log = options.logger.child({ ...about, requestId, ...(retry > 0 ? { retry } : {}) });
    const started = performance.now();
    let delayMs: number | undefined;
    // A handler still running after its timeout (it ignores its signal).
    let lingering: Promise<void> | undefined;
    let object: KubeObject | undefined;
    try {
      object = await prepare(log);
      if (object === undefined) return undefined;
      const result = await invoke({ fn, input: {}, trigger: { type: "watch", watch: watch.name, event, object }, requestId, dryRun: false, kube: options.kube, logger: options.logger, signal, abandon: run.abandon, onTimeout: (settled) => void (lingering = settled) });
      const ms = performance.now() - started;
      options.metrics?.record(fn.name, watch.name, event, "success", ms / 1000);
      log.info({ outcome: "succeeded", durationMs: Math.round(ms) }, "watch call succeeded");
      return { object, result };
    } catch (error) {
      const decision = exitCodeFor({ error });
      const outcome = outcomeOf(decision, signal.aborted);
      options.metrics?.record(fn.name, watch.name, event, OUTCOME_LABELS[outcome], (performance.now() - started) / 1000);
      const retryable = !signal.aborted && (untilSuccess ? outcome !== "aborted" : RETRIED.has(outcome));
      const again = retryable && (untilSuccess || retry < watch.retries);
      const newer = again && place.superseded();
      if (again && !newer) delayMs = retryDelay(retry + 1);
      const exhausted = retryable && !again && watch.retries > 0;
      const next =
        delayMs !== undefined ? `; trying again in ${duration(delayMs)} (retry ${retry + 1}${untilSuccess ? ": until it succeeds, the object's deletion waits for it" : ` of ${watch.retries}`})`
        : newer ? "; not made again: a newer change of the object is queued"
        : exhausted ? `; no retries left (${watch.retries} made)`
        : "";
      // A handler's own failure carries its stack and cause: the log is all it leaves.
      log.error({ outcome, durationMs: Math.round(performance.now() - started), ...(delayMs !== undefined ? { retryInMs: delayMs } : {}), ...(outcome === "failed" ? { err: error } : {}) }, `watch call ${outcome}: ${decision.message}${next}`);
      if (outcome !== "aborted") options.onCallFailure?.({ fn: fn.name, watch: watch.name, event, object: key, outcome, error, retried: delayMs !== undefined });
      // Calls about one object run one at a time: the next (or this one's retry) waits for a
      // handler that outlived its timeout. At most another `timeoutMs`: a handler that never
      // ends must not stop the object's calls for good, nor (its queued calls filling the
      // queue) the whole watch.
      if (lingering) {
        log.warn("the timed-out handler still runs (it ignores its signal): the object's next call waits for it, another timeoutMs at most");
        if (!(await place.outlast(lingering, signal, ABORT_GRACE_MS, fn.timeoutMs)) && !signal.aborted) {
          log.error("the timed-out handler still runs after twice its timeout: the object's next call starts beside it (make the handler stop when its signal aborts)");
        }
      }
      if (delayMs === undefined) {
        // Failed for good (not given up for a newer change, nor stopped): its end is reported.
        const final = outcome !== "aborted" && !newer && !signal.aborted;
        return final && object !== undefined ? { object, failure: { outcome, message: decision.message } } : undefined;
      }
    }
    if (!(await place.pause(delayMs!, signal))) {
      options.logger.info(about, "watch call not made again: the watch stopped");
      return undefined;
    }
    if (place.superseded()) {
      options.logger.info(about, "watch call not made again: a newer change of the object is queued");
      return undefined;
    }
  }
}
