/**
 * @module watch/watcher
 * Runs functions' `watch` triggers: one informer-like watch per trigger (`kube.resource().watch()`:
 * existing objects first as `ADDED`, then every change, resumed and re-listed as needed), each
 * event of the kinds the trigger names becoming a call through `invoke()` with the trigger
 * `{type: "watch", watch, event, object}`. Calls about one object run one at a time, in the
 * order of their events; calls about different objects run side by side, up to the trigger's
 * `concurrency` (the watch waits for a free slot before reading on). A call that fails (the
 * handler threw) is made again after a growing pause, up to the watch's `retries`,
 * unless a newer change of the object is queued by then (its call has the newer object); the
 * pause holds no slot, and the object's later calls wait for it. With `coalesce`, a call whose
 * turn comes with a newer change of its object queued is skipped (counted, logged at debug).
 * With `generationChanges`, a `MODIFIED` of the generation the object's last event had calls
 * nothing (a status or metadata edit); with `changed`, one it says does not matter (compared
 * with the object at its last event). With `resyncSeconds`, every object the watch knows (its store, kept across restarts) gets a
 * `RESYNC` call each period unless a call about it is pending. With a `finalizer`, each object
 * gets it before its first call, and one being deleted that holds it gets a `FINALIZE` call
 * (with the object read again), made until it succeeds, after which the finalizer is removed
 * (that write retried on its own); an object that leaves the selectors is let go
 * (watch-steps.ts). With `status`, each call's end is reported in its object's status
 * (watch/status.ts). A call that asks `requeueAfter` gets a `REQUEUE` call for its object's
 * latest state after that delay, queued as a change's (watch/requeue.ts: one timer per object,
 * replaced by the next call that succeeds, cancelled by the object's deletion and the watch's
 * end). The events of those writes call nothing, nor end a failed call's retry. A
 * watch the server refuses (403: a missing permission; 404: a type not installed) is logged and
 * started again after a growing pause (up to a minute), listing again; one it can never serve
 * (400, 422: a malformed selector) is logged and stopped. On shutdown (or leadership's end: the
 * signal given) the watches stop, their timers are cancelled, the calls in flight are aborted
 * and awaited.
 */
import { setMaxListeners } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";
import type { LoadedFunction, LoadedWatch, WatchCallEvent, WatchEventName } from "../function.js";
import type { KubeClient, KubeObject } from "../kube/api.js";
import type { RunOutcome } from "../cron/exit-codes.js";
import type { WatchCallMetrics } from "../metrics.js";
import { KubeApiError } from "../kube/errors.js";
import { KeyedCallQueue, type CallPlace } from "./keyed-queue.js";
import { OwnWrites } from "./finalizer.js";
import { StatusReporter } from "./status.js";
import { RequeueTimers } from "./requeue.js";
import { realClock, type WatchClock } from "./watch-clock.js";
import { defaultDelay, keyOf, type WatchRun } from "./watch-call.js";
import { call, stepFor, type Step } from "./watch-steps.js";
import { linkAbort } from "../signals.js";
import { STOPPED_CALL_WAIT_MS, abandonAfterAbort } from "../lifecycle.js";
import { watchedKind } from "./definition.js";

export interface RunWatchesOptions {
  functions: readonly LoadedFunction[];
  kube: KubeClient;
  logger: Logger;
  /** Pause before restarting a watch that failed for good, after `n` failures in a row (ms). Default: 1 s doubling to 60 s. */
  restartDelayMs?: (n: number) => number;
  /** Pause before the `n`th retry of a failed call (ms). Default: 1 s doubling to 60 s. */
  retryDelayMs?: (n: number) => number;
  /** Told when a watch has read its first list (`objects` listed): from then on every change calls. */
  onListed?: (fn: LoadedFunction, watch: LoadedWatch, objects: number) => void;
  /** Told when a watch fails (it is restarted unless `stopped`). */
  onFailure?: (fn: LoadedFunction, watch: LoadedWatch, error: unknown, stopped: boolean) => void;
  /** Told when a call fails (each try; not an abort at shutdown): the error, and whether it is tried again. */
  onCallFailure?: (failure: WatchCallFailure) => void;
  /** Where each call is counted (served on `GET /metrics` by `podfn serve`). */
  metrics?: WatchCallMetrics;
  /** What requeue timers (`requeueAfter`), the status' pause after a refused write and the wait for an own write's answer go by. Default: the process's clock and timers. */
  clock?: WatchClock;
  /** The longest a stop waits for a call it aborted (ms), whatever is left of its `timeoutMs`. Default: `STOPPED_CALL_WAIT_MS` (10 minutes). */
  stopWaitMs?: number;
}

/** One failed try of a watch call. */
export interface WatchCallFailure {
  fn: string;
  watch: string;
  event: WatchCallEvent;
  /** `namespace/name`, or `name` for a cluster-scoped object. */
  object: string;
  /** How it ended: `failed`, `invalid input`, `forbidden`, `timed out`. */
  outcome: RunOutcome;
  error: unknown;
  /** Whether the call is made again (a retry left and no newer change queued). */
  retried: boolean;
}

/** How long the watch waits for its own finalizer or status write's answer before reading on. */
export const OWN_WRITE_WAIT_MS = 5000;

/** True when `work` settles within `ms` on `clock`. */
function settledWithin(work: Promise<void>, ms: number, clock: WatchClock): Promise<boolean> {
  return new Promise((resolve) => {
    const cancel = clock.setTimer(ms, () => resolve(false));
    void work.then(() => {
      cancel();
      resolve(true);
    });
  });
}

/** A refusal no retry changes (a malformed selector): the watch stops. */
const permanent = (error: unknown) => error instanceof KubeApiError && (error.statusCode === 400 || error.statusCode === 422);

/** What to add to a failure's log line, where the status says more than its message. */
function hint(error: unknown, watch: LoadedWatch): string {
  if (error instanceof KubeApiError && error.statusCode === 404) return ` (is ${watch.type.group ? `${watch.type.resource}.${watch.type.group}/${watch.type.version}` : `${watch.type.resource}/${watch.type.version}`} served by this cluster? a custom resource needs its CRD installed)`;
  return "";
}

/** Runs one watch of one function until `signal` aborts. */
async function runWatch(fn: LoadedFunction, watch: LoadedWatch, options: RunWatchesOptions, signal: AbortSignal): Promise<void> {
  const log = options.logger.child({ fn: fn.name, watch: watch.name });
  const queue = new KeyedCallQueue(watch.concurrency);
  // The kind fills in what a list's items lack (a watch event's object has it already).
  const client = options.kube.resource({ ...watch.type, kind: watchedKind(watch.type) });
  const clock = options.clock ?? realClock;
  // What the watch knows, across its restarts: a list after a 410 reports what vanished meanwhile.
  const store = new Map<string, KubeObject>();
  // Resync and requeue end with the watch: at shutdown (or leadership's end), or when it stops for good (a 400 or 422).
  const watching = new AbortController();
  // Every resync or requeue call in flight listens to it, as to the shutdown signal.
  setMaxListeners(0, watching.signal);
  const unlinkWatching = linkAbort(signal, watching);
  // The REQUEUE calls queued by timers, until they are in the queue (it may be full).
  const requeueing = new Set<Promise<void>>();
  const requeue = new RequeueTimers(
    clock,
    (object) => sameObject(store.get(storeKeyOf(object)), object),
    (key, object, token) => {
      const pushed = queueRequeue({ ...run, signal: watching.signal }, store, queue, key, object, token);
      requeueing.add(pushed);
      void pushed.finally(() => requeueing.delete(pushed));
    },
  );
  watching.signal.addEventListener("abort", () => requeue.stop(), { once: true });
  const abandon = abandonAfterAbort(signal, options.stopWaitMs ?? STOPPED_CALL_WAIT_MS);
  const run: WatchRun = { fn, watch, options, signal, client, own: new OwnWrites(), requeue, abandon, ...(watch.status ? { status: new StatusReporter(watch.status.condition, clock) } : {}) };
  const wanted = new Set<string>(watch.events);
  const restartDelay = options.restartDelayMs ?? defaultDelay;
  let failures = 0;
  // Where a restarted watch resumes (no list replayed as ADDED), once it has seen an object.
  let resourceVersion: string | undefined;
  // With `generationChanges`: the generation each object had at its last event, across restarts.
  const generations = watch.generationChanges ? new Map<string, number | undefined>() : undefined;
  // With `changed`: each object as its last event had it, across restarts.
  const previous = watch.changed ? new Map<string, KubeObject>() : undefined;
  const resyncing = watch.resyncSeconds !== undefined ? resyncEvery(run, store, queue, watching.signal) : undefined;
  while (!signal.aborted) {
    try {
      const where = { resource: watch.type.resource, namespace: watch.namespace ?? (watch.type.namespaced ? options.kube.namespace : undefined) };
      log.info(where, `starting the watch of ${watch.name} for ${fn.name}`);
      let listed = false;
      const events = client.watch({
        // Where a restart resumes: a complete list's version (its items are not ordered by
        // theirs, and a list cut short has not delivered the rest), then each change's.
        onProgress(version) {
          resourceVersion = version;
        },
        onList(objects) {
          // The first list: from now on every change comes as it happens.
          if (!listed) {
            log.info({ ...where, objects }, `watching ${watch.name} for ${fn.name} (${objects} listed)`);
            options.onListed?.(fn, watch, objects);
          }
          listed = true;
        },
        ...(watch.namespace !== undefined ? { namespace: watch.namespace } : {}),
        ...(watch.labelSelector !== undefined ? { labelSelector: watch.labelSelector } : {}),
        ...(watch.fieldSelector !== undefined ? { fieldSelector: watch.fieldSelector } : {}),
        ...(resourceVersion !== undefined ? { resourceVersion } : {}),
        store,
        signal,
      });
      if (resourceVersion !== undefined) listed = true;
      for await (const { type, object } of events) {
        if (signal.aborted) break;
        // The stream works: the next failure starts the pauses over. (A list that works before a
        // refused watch request does not: restarting it at once would replay it again and again.)
        if (listed) failures = 0;
        const key = keyOf(object);
        // The watch's own finalizer or status write calls nothing: an event read before the write's answer
        // waits for it (the version it left is known then), a few seconds at most (the event is
        // then queued and judged in its turn).
        const writing = run.own.inFlight(key);
        const known = writing === undefined || (await settledWithin(writing, OWN_WRITE_WAIT_MS, clock));
        if (signal.aborted) break;
        if (!known) log.debug({ object: key, event: type }, `the watch's own write was not answered within ${OWN_WRITE_WAIT_MS / 1000} s: this event of its object is judged in its turn (its own write's calls nothing)`);
        if (type === "DELETED") {
          run.own.forget(key);
          // Gone (or out of the selectors): no REQUEUE call is made for it.
          requeue.forget(key);
        }
        const sameGeneration = generations !== undefined && sameGenerationAsBefore(generations, type, key, object);
        const before = previous !== undefined ? swapPrevious(previous, type, key, object) : undefined;
        if (type !== "DELETED" && known && run.own.consume(key, object)) continue;
        // A MODIFIED of the generation last seen (`generationChanges`), or one `changed` says does
        // not matter (asked only of a change that would call), calls nothing; a finalizer's step still runs.
        const calls = wanted.has(type) && !sameGeneration && !(type === "MODIFIED" && before !== undefined && filteredOut(run, before, key, object));
        const step = stepFor(watch, type as WatchEventName, object, calls);
        if (step === undefined) continue;
        // One queued only to be judged later is a newer change only if it is not the watch's own
        // write's (told by then, its answer in): a failed call's retry is not given up for it.
        // One that only writes the finalizer (added, or released: a change `events` leaves out)
        // is none either: no call about the object (a retry, one coalesced, a REQUEUE, a RESYNC)
        // is given up for it, since it calls nothing in their place.
        const newer = writesOnly(step) ? never : known || type === "DELETED" ? undefined : () => !run.own.has(key, object);
        await queue.push(key, (place) => call(run, type as WatchEventName, object, place, step, !known), newer);
      }
    } catch (error) {
      if (signal.aborted) break;
      const message = `the watch of ${watch.name} for ${fn.name} failed: ${(error as Error).message}${hint(error, watch)}`;
      // The API server's answer says it all; a stack only helps with anything else.
      const detail = error instanceof KubeApiError ? { status: error.statusCode, reason: error.reason } : { err: error };
      if (permanent(error)) {
        log.error(detail, `${message}; it is not started again (fix the definition)`);
        options.onFailure?.(fn, watch, error, true);
        break;
      }
      failures++;
      const delayMs = restartDelay(failures);
      log.error({ ...detail, restartInMs: delayMs }, `${message}; starting it again in ${delayMs < 1000 ? `${delayMs} ms` : `${Math.round(delayMs / 1000)} s`}`);
      options.onFailure?.(fn, watch, error, false);
      await sleep(delayMs, undefined, { signal }).catch(() => undefined);
    }
  }
  watching.abort();
  unlinkWatching();
  await resyncing;
  while (requeueing.size > 0) await Promise.all(requeueing);
  await queue.idle();
}

/** Whether a step only writes the finalizer (adds or releases it), calling nothing. */
const writesOnly = (step: Step) => !step.handler && !step.finalize;

/** The `newer` question of a queued step that is no newer change. */
const never = () => false;

/** The watch store's key of `object` (`namespace/name`, `/name` when cluster-scoped: `WatchOptions.store`). */
const storeKeyOf = (object: KubeObject) => `${object.metadata?.namespace ?? ""}/${object.metadata?.name ?? ""}`;

/** Whether `known` is `object` (not another one of the same name, created since). */
const sameObject = (known: KubeObject | undefined, object: KubeObject) => known !== undefined && known.metadata?.uid === object.metadata?.uid;

/**
 * Queues the `REQUEUE` call a timer asked for `object` (`key`), as a change's: behind the
 * object's pending calls, within `concurrency`. When its turn comes it is made with the object's
 * latest known state, unless the object is gone (or another of its name took its place), a call
 * about it succeeded since the timer fired (that call decided again: `take`), or a change of it
 * is queued behind (that call has the newer state). It supersedes the calls queued before it
 * (`coalesce`) only while it is still due, so that it never takes the place of a change it
 * then does not make.
 */
async function queueRequeue(run: WatchRun, store: ReadonlyMap<string, KubeObject>, queue: KeyedCallQueue, key: string, asked: KubeObject, token: number): Promise<void> {
  const about = { fn: run.fn.name, watch: run.watch.name, event: "REQUEUE", object: key };
  const task = async (place: CallPlace): Promise<void> => {
    if (run.signal.aborted) return;
    if (place.superseded()) {
      run.options.logger.debug(about, "requeue not made: a newer change of the object is queued (its call has the newer state)");
      return;
    }
    if (!run.requeue.take(key, token)) {
      run.options.logger.debug(about, "requeue not made: a call about the object succeeded since the timer fired (it decided again)");
      return;
    }
    const object = store.get(storeKeyOf(asked));
    if (!sameObject(object, asked)) {
      run.options.logger.debug(about, "requeue not made: the object is gone");
      return;
    }
    await call(run, "REQUEUE", object!, place, stepFor(run.watch, "REQUEUE", object!, true)!);
  };
  // A newer change for the calls before it only while it is still due: once a call about the
  // object succeeded it is not made, so a change queued ahead of it (`coalesce`) is called. It
  // ends a failed call's pause as a change does.
  await queue.push(key, task, () => run.requeue.due(key, token), true);
}

/**
 * Whether a `MODIFIED` of `object` has the generation its last event had (`generationChanges`),
 * remembering this event's; an object without a generation never has.
 */
function sameGenerationAsBefore(generations: Map<string, number | undefined>, type: string, key: string, object: KubeObject): boolean {
  if (type === "DELETED") {
    generations.delete(key);
    return false;
  }
  const generation = object.metadata?.generation;
  const before = generations.get(key);
  generations.set(key, generation);
  return type === "MODIFIED" && generation !== undefined && before === generation;
}

/** The object at `key`'s last event (none for its first, or after a deletion), remembering this event's. */
function swapPrevious(previous: Map<string, KubeObject>, type: string, key: string, object: KubeObject): KubeObject | undefined {
  const before = previous.get(key);
  if (type === "DELETED") previous.delete(key);
  else previous.set(key, object);
  return before;
}

/**
 * Whether `watch.changed` says the change of `before` into `object` does not matter. A filter
 * that throws (logged at warn) calls: no change is lost to it.
 */
function filteredOut(run: WatchRun, before: KubeObject, key: string, object: KubeObject): boolean {
  try {
    return run.watch.changed!(object, before) === false;
  } catch (error) {
    run.options.logger.warn({ fn: run.fn.name, watch: run.watch.name, object: key, err: error }, `the changed() filter of ${run.watch.name} for ${run.fn.name} threw: the change is called`);
    return false;
  }
}

/**
 * Every `watch.resyncSeconds` (counted from the end of the previous pass), a `RESYNC` call for
 * each object in `store` that has no call queued, running or pausing. The call reads the
 * object's state when its turn comes (the latest the watch knows), and is skipped if the object
 * is gone by then or a change of it was queued behind it (that call has the newer state).
 */
async function resyncEvery(watchRun: WatchRun, store: ReadonlyMap<string, KubeObject>, queue: KeyedCallQueue, signal: AbortSignal): Promise<void> {
  const { fn, watch, options } = watchRun;
  // Resync calls end with the watch (at shutdown, or when it stops for good).
  const run = { ...watchRun, signal };
  const log = options.logger.child({ fn: fn.name, watch: watch.name });
  const period = watch.resyncSeconds! * 1000;
  while (await sleep(period, true, { signal }).catch(() => false)) {
    let queued = 0;
    let busy = 0;
    // A snapshot of the keys: the store changes while the pass waits for room in the queue.
    for (const storeKey of [...store.keys()]) {
      if (signal.aborted) return;
      const snapshot = store.get(storeKey);
      if (!snapshot) continue;
      const key = keyOf(snapshot);
      if (queue.busy(key)) {
        busy++;
        continue;
      }
      queued++;
      await queue.push(key, async (place) => {
        const object = store.get(storeKey);
        if (!object || place.superseded()) return;
        await call(run, "RESYNC", object, place, stepFor(watch, "RESYNC", object, true)!);
      });
    }
    log.info({ objects: queued + busy, queued, busy }, `resync of ${watch.name} for ${fn.name}: ${queued} call(s) queued${busy ? `, ${busy} object(s) passed over (a call about them is pending)` : ""}`);
  }
}

/**
 * Run every watch of `functions` until `signal` aborts; resolves once the calls in flight
 * (aborted by the signal) have settled.
 *
 * @example
 * await runWatches({ functions, kube, logger }, shutdown);
 */
export async function runWatches(options: RunWatchesOptions, signal: AbortSignal): Promise<void> {
  // Every call in flight listens to it (invoke links its own signal): as many as the concurrencies allow.
  setMaxListeners(0, signal);
  const runs = options.functions.flatMap((fn) => fn.watches.map((watch) => runWatch(fn, watch, options, signal)));
  await Promise.all(runs);
}
