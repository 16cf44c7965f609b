/**
 * @module watch/watch-steps
 * What one event of a watch does (`stepFor`, `call`), with a `finalizer` (watch/finalizer.ts)
 * around the handler: the finalizer added before an object's first call; an object being deleted
 * that holds it finalized — a `FINALIZE` call made until it succeeds (watch-call's `tries`), then
 * the finalizer removed; an object that left the watch's selectors let go. The removal and the
 * release are retried on their own, pausing without holding a slot, until done; every write is
 * tracked (`OwnWrites`), so the event of an addition or a removal calls nothing. With `status`,
 * a call's end is then reported in its object's status (watch/status.ts), and a call that
 * succeeded decides when its object is called again (`requeueAfter`: watch/requeue.ts).
 */
import type { Logger } from "pino";
import type { LoadedWatch, WatchCallEvent } from "../function.js";
import type { KubeObject } from "../kube/api.js";
import { KubeApiError } from "../kube/errors.js";
import type { CallPlace } from "./keyed-queue.js";
import { addFinalizer, hasFinalizer, isTerminating, removeFinalizer, type FinalizerStep } from "./finalizer.js";
import { defaultDelay, duration, keyOf, tries, type WatchRun } from "./watch-call.js";

/**
 * What a queued event does, in this order: `finalize` (the object being deleted holds the
 * finalizer: `FINALIZE`, then the finalizer removed), `write` (`add` the finalizer — as the
 * handler's first step, so that its object has it —, or `release` it from an object that left
 * the selectors), then `handler` (the function called with the event).
 */
export interface Step {
  finalize?: boolean;
  write?: "add" | "release";
  handler: boolean;
}

/** The step an event of `object` takes; undefined: none (an event `events` leaves out, nothing to write). */
export function stepFor(watch: LoadedWatch, event: WatchCallEvent, object: KubeObject, wanted: boolean): Step | undefined {
  const finalizer = watch.finalizer;
  if (finalizer !== undefined && hasFinalizer(object, finalizer)) {
    // Deleted objects hold no finalizer: a DELETED that does is an object that left the
    // selectors (or the list after a 410), still there, maybe being deleted.
    if (isTerminating(object)) return { finalize: true, handler: wanted && event === "DELETED" };
    if (event === "DELETED") return { write: "release", handler: wanted };
  } else if (finalizer !== undefined && event !== "DELETED" && !isTerminating(object)) {
    return { write: "add", handler: wanted };
  }
  return wanted ? { handler: true } : undefined;
}

/**
 * The call an event makes (see `Step`). `judgeOwn`: the event was queued before the watch knew
 * whether it was its own write's (that write took long to answer): judged now.
 */
export async function call(run: WatchRun, change: WatchCallEvent, object: KubeObject, place: CallPlace, step: Step, judgeOwn = false): Promise<void> {
  const { watch, options, signal } = run;
  const key = keyOf(object);
  if (judgeOwn && change !== "DELETED" && run.own.consume(key, object)) return;
  // Made only for a finalizer's step (a plain call's tries log with their own).
  const log = step.handler && step.write === undefined && !step.finalize ? options.logger : options.logger.child({ fn: run.fn.name, watch: watch.name, event: change, object: key });
  // From a DELETED: the object left the selectors, and the events of what is written reach the watch no more.
  const outside = change === "DELETED";
  if (step.finalize) await finalize(run, object, place, outside);
  if (step.write === "release" && !place.superseded()) {
    // A newer event of the object (it came back into the selectors) ends the tries: it is judged as any.
    const finalizer = watch.finalizer!;
    const released = await persist(run, place, log, `release the finalizer ${finalizer}`, () => removeFinalizer(run.client, object, finalizer, signal), key, false, true);
    if (released?.written) log.info({ finalizer }, `released the finalizer ${finalizer}: the object left the watch's selectors`);
  }
  if (!step.handler) {
    if (step.write === "add" && !signal.aborted) {
      await add(run, key, object, log).catch((error: unknown) => {
        const retried = `the object's next change${watch.resyncSeconds !== undefined ? " or resync" : ""} tries again`;
        if (!signal.aborted) log.error({ finalizer: watch.finalizer, err: error }, `could not add the finalizer ${watch.finalizer}: ${(error as Error).message}; ${retried}`);
      });
    }
    return;
  }
  // A retry starts from what the previous try wrote (no conflict with its own finalizer).
  let latest = object;
  const end = await tries(run, change, key, place, false, async (tryLog) => {
    if (step.write !== "add") return latest;
    const added = await add(run, key, latest, tryLog);
    return added === undefined ? undefined : (latest = added);
  });
  // With `status`, its end is reported in the object's status (not a DELETED's: the object is gone, or left the selectors).
  const endLog = () => options.logger.child({ fn: run.fn.name, watch: watch.name, event: change, object: key });
  if (end !== undefined && run.status !== undefined && change !== "DELETED") await run.status.report(run, key, end, endLog());
  // A call that succeeded decides when the object is called again (`requeueAfter`), or that it is not.
  if (end !== undefined) run.requeue.ended(key, change, end, endLog());
}

/** Add the finalizer; the object as it is then, or undefined when it is gone (its DELETED follows). */
async function add(run: WatchRun, key: string, object: KubeObject, log: Logger): Promise<KubeObject | undefined> {
  const finalizer = run.watch.finalizer!;
  const added = await track(run, key, addFinalizer(run.client, object, finalizer, run.signal), true);
  if (added === undefined) {
    log.debug({ finalizer }, "the object is gone: no finalizer added, no call made (its DELETED follows)");
    return undefined;
  }
  if (added.written) log.info({ finalizer }, `added the finalizer ${finalizer}`);
  return added.object;
}

/**
 * A finalizer write as in flight for its object, remembering (with `remember`) what it wrote
 * before it settles; a DELETED forgets it. Not remembered: a write whose event never reaches
 * the watch (about an object outside its selectors), or that must be judged as any change (a
 * release: its event comes only if the object is back in the selectors).
 */
function track(run: WatchRun, key: string, write: Promise<FinalizerStep | undefined>, remember: boolean): Promise<FinalizerStep | undefined> {
  return run.own.track(
    key,
    write.then((step) => {
      if (step?.written && remember) run.own.remember(key, step.object);
      return step;
    }),
  );
}

/**
 * `write` tried until it succeeds or the watch stops (or, `untilNewer`, a newer event of the
 * object is queued), pausing (without a slot) a growing while between tries, each failure
 * logged. Resolves to what it wrote, or undefined when it gave up.
 */
async function persist(run: WatchRun, place: CallPlace, log: Logger, what: string, write: () => Promise<FinalizerStep | undefined>, key: string, remember: boolean, untilNewer = false): Promise<FinalizerStep | undefined> {
  const retryDelay = run.options.retryDelayMs ?? defaultDelay;
  for (let attempt = 1; ; attempt++) {
    if (run.signal.aborted || (untilNewer && place.superseded())) return undefined;
    try {
      return await track(run, key, write(), remember);
    } catch (error) {
      if (run.signal.aborted) return undefined;
      const delayMs = retryDelay(attempt);
      log.error({ finalizer: run.watch.finalizer, err: error, retryInMs: delayMs }, `could not ${what}: ${(error as Error).message}; trying again in ${duration(delayMs)}`);
      // A pause cut short by a newer event of the object is resumed: the backoff holds.
      const until = performance.now() + delayMs;
      for (let left = delayMs; left > 0 && !(untilNewer && place.superseded()); left = until - performance.now()) {
        if (!(await place.pause(left, run.signal))) return undefined;
      }
    }
  }
}

/**
 * The FINALIZE call of an object being deleted that holds the finalizer: with the object as it
 * is now (read first: a call queued behind one that already removed the finalizer, or after the
 * object went, makes none), made until it succeeds; then the finalizer is removed, that write
 * tried again on its own until it succeeds (the handler is not run again for it).
 */
async function finalize(run: WatchRun, object: KubeObject, place: CallPlace, outside: boolean): Promise<void> {
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
  // A FINALIZE's end is not reported in the status (with `status`): the object is going.
  const end = await tries(run, "FINALIZE", key, place, true, current);
  const called = end?.object;
  if (called === undefined) return;
  const log = options.logger.child({ fn: run.fn.name, watch: watch.name, event: "FINALIZE", object: key });
  // A requeueAfter it asks is told to be ignored (the object goes once the finalizer is removed).
  run.requeue.ended(key, "FINALIZE", end!, log);
  const removed = await persist(run, place, log, `remove the finalizer ${finalizer} (the FINALIZE call succeeded: it is not made again)`, () => removeFinalizer(run.client, called, finalizer, signal), key, !outside);
  if (removed?.written) log.info({ finalizer }, `removed the finalizer ${finalizer}`);
  else if (signal.aborted) log.warn({ finalizer }, `the watch stopped before the finalizer ${finalizer} was removed: the next leader calls FINALIZE again`);
}
