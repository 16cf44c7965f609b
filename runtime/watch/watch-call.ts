/**
 * @module watch/watch-call
 * One call of a watch trigger, as `watcher` queues it per object: the step an event takes (the
 * handler, a finalizer write, a `FINALIZE`), its tries — one log line each, retried after a
 * growing pause up to `retries` (without limit for a `FINALIZE`), given up for a newer change of
 * the object, a timed-out handler awaited before the object's next call — and the finalizer
 * writes around them (watch/finalizer.ts).
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";
import type { LoadedFunction, LoadedWatch, WatchCallEvent } from "../function.js";
import type { KubeObject, ResourceClient } from "../kube/api.js";
import { invoke } from "../invoke.js";
import { exitCodeFor, outcomeOf, type RunOutcome } from "../cron/exit-codes.js";
import type { WatchOutcome } from "../metrics.js";
import { KubeApiError } from "../kube/errors.js";
import type { CallPlace } from "./keyed-queue.js";
import { addFinalizer, hasFinalizer, isTerminating, type OwnWrites, removeFinalizer } from "./finalizer.js";
import { ABORT_GRACE_MS } from "../signals.js";
import type { RunWatchesOptions } from "./watcher.js";

/** A call's outcome as its metric's label. */
const OUTCOME_LABELS: Record<RunOutcome, Exclude<WatchOutcome, "coalesced">> = {
  succeeded: "success",
  failed: "error",
  "invalid input": "invalid_input",
  forbidden: "forbidden",
  "timed out": "timeout",
  aborted: "aborted",
};

/** `namespace/name`, or `name` for a cluster-scoped object (as kubectl names them). */
export const keyOf = (object: KubeObject) => (object.metadata?.namespace ? `${object.metadata.namespace}/${object.metadata.name ?? ""}` : (object.metadata?.name ?? ""));

/** The pause before the `n`th retry or restart (ms): 1 s doubling to a minute. */
export const defaultDelay = (n: number) => Math.min(60_000, 1000 * 2 ** (n - 1));

/**
 * Outcomes another try may change: the handler threw. Invalid input and a denied request fail
 * again; a call that timed out may still be running (a handler that ignores its signal runs
 * on), and a retry would run beside it.
 */
const RETRIED: ReadonlySet<RunOutcome> = new Set(["failed"]);

/** "1 s", "250 ms". */
const duration = (ms: number) => (ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`);

/** One watch of one function as it runs: what its calls share. */
export interface WatchRun {
  fn: LoadedFunction;
  watch: LoadedWatch;
  options: RunWatchesOptions;
  signal: AbortSignal;
  client: ResourceClient<KubeObject>;
  /** The watch's own finalizer writes, whose events call nothing. */
  own: OwnWrites;
}

/**
 * What a queued event does. `handler`: the function is called with the event (with a finalizer,
 * `write` runs first: `add` it unless the object has it or is being deleted; `release` it from
 * an object that left the watch's selectors, whose DELETED is not a deletion). Without
 * `handler` (an event `events` leaves out), only the `write`. `finalize`: the object being
 * deleted holds the finalizer: a `FINALIZE` call, made until it succeeds, then the finalizer
 * removed.
 */
export type Step = { handler: boolean; write?: "add" | "release" } | "finalize";

/** The step an event of `object` takes; undefined: none (an event `events` leaves out, nothing to write). */
export function stepFor(watch: LoadedWatch, event: WatchCallEvent, object: KubeObject, wanted: boolean): Step | undefined {
  const finalizer = watch.finalizer;
  if (finalizer !== undefined) {
    const holds = hasFinalizer(object, finalizer);
    if (event === "DELETED") {
      // Deleted objects hold no finalizer: one that does left the selectors (or the list after a 410).
      if (holds && !isTerminating(object)) return { handler: wanted, write: "release" };
    } else if (isTerminating(object)) {
      if (holds) return "finalize";
    } else if (!holds) return { handler: wanted, write: "add" };
  }
  return wanted ? { handler: true } : undefined;
}

/**
 * Add the finalizer to `object` or release it; the object to call the handler with, or
 * undefined when the object is gone (its DELETED follows). Logs each write it makes.
 */
async function writeFinalizer(run: WatchRun, key: string, object: KubeObject, write: "add" | "release", log: Logger): Promise<KubeObject | undefined> {
  const finalizer = run.watch.finalizer!;
  if (write === "release") {
    const released = await removeFinalizer(run.client, object, finalizer, run.signal);
    if (released?.written) log.info({ finalizer }, `released the finalizer ${finalizer}: the object left the watch's selectors`);
    return object;
  }
  const added = await addFinalizer(run.client, object, finalizer, run.signal);
  if (added === undefined) {
    log.debug({ finalizer }, "the object is gone: no finalizer added, no call made (its DELETED follows)");
    return undefined;
  }
  if (added.written) {
    run.own.remember(key, added.object);
    log.info({ finalizer }, `added the finalizer ${finalizer}`);
  }
  return added.object;
}

/**
 * An event's call. Its own finalizer write's event calls nothing (it was the call before this
 * one, and succeeded). A write alone (an event `events` leaves out) logs its failure and ends:
 * the object's next change or resync tries again.
 */
export async function call(run: WatchRun, change: WatchCallEvent, object: KubeObject, place: CallPlace, step: Step): Promise<void> {
  const { watch, options, signal } = run;
  const key = keyOf(object);
  if (run.own.consume(key, object)) return;
  if (step === "finalize") return finalize(run, object, place);
  const log = options.logger.child({ fn: run.fn.name, watch: watch.name, event: change, object: key });
  if (!step.handler) {
    if (signal.aborted) return;
    try {
      await writeFinalizer(run, key, object, step.write!, log);
    } catch (error) {
      if (!signal.aborted) log.error({ finalizer: watch.finalizer, err: error }, `could not ${step.write === "add" ? "add" : "release"} the finalizer ${watch.finalizer}: ${(error as Error).message}; tried again at the object's next change${watch.resyncSeconds !== undefined ? " or resync" : ""}`);
    }
    return;
  }
  const write = step.write;
  // A retry starts from what the previous try wrote (no conflict with its own finalizer).
  let latest = object;
  await tries(run, change, key, place, false, async (tryLog) => {
    if (write === undefined) return latest;
    const written = await writeFinalizer(run, key, latest, write, tryLog);
    return written === undefined ? undefined : (latest = written);
  });
}

/**
 * The FINALIZE call of an object being deleted that holds the finalizer: with the object as it
 * is now (read first: a call queued behind one that already removed the finalizer, or after the
 * object went, makes none), made until it succeeds; then the finalizer is removed, that write
 * tried again on its own until it succeeds (the handler is not run again for it).
 */
async function finalize(run: WatchRun, object: KubeObject, place: CallPlace): Promise<void> {
  const { watch, options, signal } = run;
  const finalizer = watch.finalizer!;
  const key = keyOf(object);
  const where = object.metadata?.namespace !== undefined ? { namespace: object.metadata.namespace } : {};
  const current = async () => {
    const now = await run.client.get(object.metadata!.name!, { signal, ...where }).catch((error: unknown) => {
      if (error instanceof KubeApiError && error.statusCode === 404) return undefined;
      throw error;
    });
    return now && now.metadata?.uid === object.metadata?.uid && isTerminating(now) && hasFinalizer(now, finalizer) ? now : undefined;
  };
  const called = await tries(run, "FINALIZE", key, place, true, current);
  if (called === undefined) return;
  const log = options.logger.child({ fn: run.fn.name, watch: watch.name, event: "FINALIZE", object: key });
  const retryDelay = options.retryDelayMs ?? defaultDelay;
  for (let attempt = 1; !signal.aborted; attempt++) {
    try {
      const removed = await removeFinalizer(run.client, called, finalizer, signal);
      if (!removed?.written) return;
      // The last finalizer's removal deletes the object: only its DELETED follows.
      if ((removed.object.metadata?.finalizers?.length ?? 0) > 0 || !isTerminating(removed.object)) run.own.remember(key, removed.object);
      log.info({ finalizer }, `removed the finalizer ${finalizer}`);
      return;
    } catch (error) {
      if (signal.aborted) return;
      const delayMs = retryDelay(attempt);
      log.error({ finalizer, err: error, retryInMs: delayMs }, `could not remove the finalizer ${finalizer}: ${(error as Error).message}; trying again in ${duration(delayMs)} (the FINALIZE call succeeded: it is not made again)`);
      await sleep(delayMs, undefined, { signal }).catch(() => undefined);
    }
  }
}

/**
 * The handler called for one event, one log line per try: info when it succeeds, an error when
 * it fails (saying whether and when it is made again). `prepare` gives each try's object
 * (undefined: nothing to call, which ends it). With `untilSuccess` (a FINALIZE: a deletion waits
 * for it) every outcome but an abort is tried again, without limit, a timed-out handler awaited
 * first. Resolves to the object the successful call had.
 */
async function tries(run: WatchRun, event: WatchCallEvent, key: string, place: CallPlace, untilSuccess: boolean, prepare: (log: Logger) => Promise<KubeObject | undefined>): Promise<KubeObject | undefined> {
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
    try {
      const object = await prepare(log);
      if (object === undefined) return undefined;
      await invoke({ fn, input: {}, trigger: { type: "watch", watch: watch.name, event, object }, requestId, dryRun: false, kube: options.kube, logger: options.logger, signal, onTimeout: (settled) => void (lingering = settled) });
      const ms = performance.now() - started;
      options.metrics?.record(fn.name, watch.name, event, "success", ms / 1000);
      log.info({ outcome: "succeeded", durationMs: Math.round(ms) }, "watch call succeeded");
      return object;
    } catch (error) {
      const decision = exitCodeFor({ error });
      const outcome = outcomeOf(decision, signal.aborted);
      options.metrics?.record(fn.name, watch.name, event, OUTCOME_LABELS[outcome], (performance.now() - started) / 1000);
      const retryable = !signal.aborted && (untilSuccess ? outcome !== "aborted" : RETRIED.has(outcome));
      const again = retryable && (untilSuccess || retry < watch.retries);
      const newer = again && place.superseded();
      if (again && !newer) delayMs = retryDelay(retry + 1);
      // Given up for a newer change queued: if that is the watch's own finalizer write, it calls.
      if (newer) run.own.forget(key);
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
      if (delayMs === undefined) return undefined;
    }
    if (!(await place.pause(delayMs!, signal))) {
      options.logger.info(about, "watch call not made again: the watch stopped");
      return undefined;
    }
    if (place.superseded()) {
      run.own.forget(key);
      options.logger.info(about, "watch call not made again: a newer change of the object is queued");
      return undefined;
    }
  }
}
