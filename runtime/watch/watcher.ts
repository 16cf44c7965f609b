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
 * With `resyncSeconds`, every object the watch knows (its store, kept across restarts) gets a
 * `RESYNC` call each period unless a call about it is pending. With a `finalizer`, each object
 * gets it before its first call, and one being deleted that holds it gets a `FINALIZE` call,
 * made until it succeeds, after which the finalizer is removed (watch/finalizer.ts); the
 * events of those writes call nothing. A watch the server refuses (403: a missing
 * permission; 404: a type not installed) is logged and started again after a growing pause (up
 * to a minute), listing again; one it can never serve (400, 422: a malformed selector) is
 * logged and stopped. On shutdown the watches stop, the calls in flight are aborted and awaited.
 */
import { randomUUID } from "node:crypto";
import { setMaxListeners } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";
import type { LoadedFunction, LoadedWatch, WatchCallEvent, WatchEventName } from "../function.js";
import type { KubeClient, KubeObject, ResourceClient } from "../kube/api.js";
import { invoke } from "../invoke.js";
import { exitCodeFor, outcomeOf, type RunOutcome } from "../cron/exit-codes.js";
import type { WatchCallMetrics, WatchOutcome } from "../metrics.js";
import { KubeApiError } from "../kube/errors.js";
import { KeyedCallQueue, type CallPlace } from "./keyed-queue.js";
import { addFinalizer, hasFinalizer, isTerminating, OwnWrites, removeFinalizer } from "./finalizer.js";
import { ABORT_GRACE_MS, linkAbort } from "../signals.js";

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
const keyOf = (object: KubeObject) => (object.metadata?.namespace ? `${object.metadata.namespace}/${object.metadata.name ?? ""}` : (object.metadata?.name ?? ""));

/** A refusal no retry changes (a malformed selector): the watch stops. */
const permanent = (error: unknown) => error instanceof KubeApiError && (error.statusCode === 400 || error.statusCode === 422);

/** What to add to a failure's log line, where the status says more than its message. */
function hint(error: unknown, watch: LoadedWatch): string {
  if (error instanceof KubeApiError && error.statusCode === 404) return ` (is ${watch.type.group ? `${watch.type.resource}.${watch.type.group}/${watch.type.version}` : `${watch.type.resource}/${watch.type.version}`} served by this cluster? a custom resource needs its CRD installed)`;
  return "";
}

const defaultDelay = (n: number) => Math.min(60_000, 1000 * 2 ** (n - 1));


/**
 * Outcomes another try may change: the handler threw. Invalid input and a denied request fail
 * again; a call that timed out may still be running (a handler that ignores its signal runs
 * on), and a retry would run beside it.
 */
const RETRIED: ReadonlySet<RunOutcome> = new Set(["failed"]);

/** "1 s", "250 ms". */
const duration = (ms: number) => (ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`);

/** One watch of one function as it runs: what its calls share. */
interface WatchRun {
  fn: LoadedFunction;
  watch: LoadedWatch;
  options: RunWatchesOptions;
  signal: AbortSignal;
  client: ResourceClient<KubeObject>;
  /** The watch's own finalizer writes, whose events call nothing. */
  own: OwnWrites;
}

/**
 * What a queued call does: `call` (with a finalizer, adds it first unless the object has it or
 * is being deleted; then the handler), `ensure` (only adds the finalizer: an event `events`
 * leaves out), `finalize` (the handler with `FINALIZE`, then the finalizer removed).
 */
type Step = "call" | "ensure" | "finalize";

/** The step an event of `object` takes; undefined: none (an event `events` leaves out, nothing to add). */
function stepFor(watch: LoadedWatch, event: WatchCallEvent, object: KubeObject, wanted: boolean): Step | undefined {
  const finalizer = watch.finalizer;
  if (finalizer !== undefined && event !== "DELETED") {
    if (isTerminating(object)) {
      if (hasFinalizer(object, finalizer)) return "finalize";
    } else if (!hasFinalizer(object, finalizer)) return wanted ? "call" : "ensure";
  }
  return wanted ? "call" : undefined;
}

/**
 * The call for one event, one log line per try: info when it succeeds, an error when it fails
 * (saying whether and when it is made again).
 */
async function call(run: WatchRun, change: WatchCallEvent, object: KubeObject, place: CallPlace, step: Step): Promise<void> {
  const { fn, watch, options, signal } = run;
  const retryDelay = options.retryDelayMs ?? defaultDelay;
  const key = keyOf(object);
  // The change the watch itself made (a finalizer added or removed): it was the call before this one.
  if (run.own.consume(key, object)) return;
  const event: WatchCallEvent = step === "finalize" ? "FINALIZE" : change;
  const about = { fn: fn.name, watch: watch.name, event, object: key };
  // Its turn came with a newer change of the object queued behind it: that call has the newer object.
  if (watch.coalesce && !signal.aborted && place.superseded()) {
    options.metrics?.skipped(fn.name, watch.name, event);
    options.logger.debug(about, "watch call skipped: a newer change of the object is queued (coalesce)");
    return;
  }
  for (let retry = 0; ; retry++) {
    // Queued before a shutdown (or the end of a leadership): not started, and nothing to say.
    if (signal.aborted) return;
    const requestId = randomUUID();
    const log = options.logger.child({ ...about, requestId, ...(retry > 0 ? { retry } : {}) });
    const started = performance.now();
    let delayMs: number | undefined;
    // A handler still running after its timeout (it ignores its signal).
    let lingering: Promise<void> | undefined;
    try {
      let current = object;
      if (watch.finalizer !== undefined && step !== "finalize" && event !== "DELETED") {
        const added = await addFinalizer(run.client, current, watch.finalizer, signal);
        // Gone meanwhile: its DELETED event follows.
        if (added === undefined) return;
        if (added.written) {
          run.own.remember(key, added.object);
          log.info({ finalizer: watch.finalizer }, `added the finalizer ${watch.finalizer}`);
        }
        current = added.object;
      }
      if (step === "ensure") return;
      await invoke({ fn, input: {}, trigger: { type: "watch", watch: watch.name, event, object: current }, requestId, dryRun: false, kube: options.kube, logger: options.logger, signal, onTimeout: (settled) => void (lingering = settled) });
      if (step === "finalize") {
        const removed = await removeFinalizer(run.client, current, watch.finalizer!, signal);
        if (removed?.written) run.own.remember(key, removed.object);
        log.info({ finalizer: watch.finalizer }, `removed the finalizer ${watch.finalizer}`);
      }
      const ms = performance.now() - started;
      options.metrics?.record(fn.name, watch.name, event, "success", ms / 1000);
      log.info({ outcome: "succeeded", durationMs: Math.round(ms) }, "watch call succeeded");
      return;
    } catch (error) {
      const decision = exitCodeFor({ error });
      const outcome = outcomeOf(decision, signal.aborted);
      options.metrics?.record(fn.name, watch.name, event, OUTCOME_LABELS[outcome], (performance.now() - started) / 1000);
      const retryable = RETRIED.has(outcome) && !signal.aborted;
      // An object being deleted waits for its finalizer: that call is made until it succeeds.
      const again = retryable && (step === "finalize" || retry < watch.retries);
      const newer = again && place.superseded();
      if (again && !newer) delayMs = retryDelay(retry + 1);
      const exhausted = retryable && !again && watch.retries > 0;
      const next =
        delayMs !== undefined ? `; trying again in ${duration(delayMs)} (retry ${retry + 1}${step === "finalize" ? ": until it succeeds, the object's deletion waits for it" : ` of ${watch.retries}`})`
        : newer ? "; not made again: a newer change of the object is queued"
        : exhausted ? `; no retries left (${watch.retries} made)`
        : "";
      // A handler's own failure carries its stack and cause: the log is all it leaves.
      log.error({ outcome, durationMs: Math.round(performance.now() - started), ...(delayMs !== undefined ? { retryInMs: delayMs } : {}), ...(outcome === "failed" ? { err: error } : {}) }, `watch call ${outcome}: ${decision.message}${next}`);
      if (outcome !== "aborted") options.onCallFailure?.({ fn: fn.name, watch: watch.name, event, object: about.object, outcome, error, retried: delayMs !== undefined });
      if (delayMs === undefined) {
        // Calls about one object run one at a time: the next waits for a handler that outlived its timeout.
        // At most another `timeoutMs`: a handler that never ends must not stop the object's calls
        // for good, nor (its queued calls filling the queue) the whole watch.
        if (lingering) {
          log.warn("the timed-out handler still runs (it ignores its signal): the object's next call waits for it, another timeoutMs at most");
          if (!(await place.outlast(lingering, signal, ABORT_GRACE_MS, fn.timeoutMs)) && !signal.aborted) {
            log.error("the timed-out handler still runs after twice its timeout: the object's next call starts beside it (make the handler stop when its signal aborts)");
          }
        }
        return;
      }
    }
    if (!(await place.pause(delayMs!, signal))) {
      options.logger.info(about, "watch call not made again: the watch stopped");
      return;
    }
    if (place.superseded()) {
      options.logger.info(about, "watch call not made again: a newer change of the object is queued");
      return;
    }
  }
}

/** Runs one watch of one function until `signal` aborts. */
async function runWatch(fn: LoadedFunction, watch: LoadedWatch, options: RunWatchesOptions, signal: AbortSignal): Promise<void> {
  const log = options.logger.child({ fn: fn.name, watch: watch.name });
  const queue = new KeyedCallQueue(watch.concurrency);
  const client = options.kube.resource({ ...watch.type, kind: "" });
  const run: WatchRun = { fn, watch, options, signal, client, own: new OwnWrites() };
  const wanted = new Set<string>(watch.events);
  const restartDelay = options.restartDelayMs ?? defaultDelay;
  let failures = 0;
  // Where a restarted watch resumes (no list replayed as ADDED), once it has seen an object.
  let resourceVersion: string | undefined;
  // What the watch knows, across its restarts: a list after a 410 reports what vanished meanwhile.
  const store = new Map<string, KubeObject>();
  // Resync ends with the watch: at shutdown, or when it stops for good (a 400 or 422).
  const watching = new AbortController();
  // Every resync call in flight listens to it, as to the shutdown signal.
  setMaxListeners(0, watching.signal);
  const unlinkWatching = linkAbort(signal, watching);
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
        if (type === "DELETED") run.own.forget(key);
        const step = stepFor(watch, type as WatchEventName, object, wanted.has(type));
        if (step === undefined) continue;
        await queue.push(key, (place) => call(run, type as WatchEventName, object, place, step));
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
  await queue.idle();
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
