/**
 * @module watch/requeue
 * A watch's requeue timers (a call's `requeueAfter`), one per object at most. A call about an
 * object that succeeds decides its timer: set for the delay it asked (replacing the one pending),
 * or cancelled when it asks none; a call that fails for good, or is given up, leaves it as it is
 * (and a REQUEUE that fired and gave way to that call is queued again).
 * When a timer fires the object is due and `onDue` queues its `REQUEUE` call, which is made only
 * if no call about the object succeeded meanwhile (`take`: that call decided again). The
 * object's deletion (`forget`) cancels its timer, the watch's end (`stop`) every one.
 */
import type { Logger } from "pino";
import { isConditionReport, type WatchCallEvent } from "../function.js";
import type { KubeObject } from "../kube/api.js";
import { requeueAfterProblem } from "./requeue-after.js";
import { duration, type CallEnd } from "./watch-call.js";
import type { WatchClock } from "./watch-clock.js";

/** Whether the watch still knows `object` (the same one: its uid), so that a timer for it is worth setting. */
type Known = (object: KubeObject) => boolean;

/** Told when `key`'s timer fires: queue its REQUEUE call, made if `take(key, token)` still says so. */
type OnDue = (key: string, object: KubeObject, token: number) => void;

export class RequeueTimers {
  readonly #pending = new Map<string, { token: number; cancel: () => void }>();
  readonly #due = new Map<string, number>();
  #tokens = 0;
  #stopped = false;

  constructor(
    private readonly clock: WatchClock,
    private readonly known: Known,
    private readonly onDue: OnDue,
  ) {}

  /**
   * A call about `object` (`key`) ended as `end`: if it succeeded, its asked delay (if any)
   * becomes the object's one timer, replacing the pending one. `DELETED` and `FINALIZE` calls
   * decide nothing (the object is going): a delay they ask is logged and ignored.
   */
  ended(key: string, event: WatchCallEvent, end: CallEnd, log: Logger): void {
    if (!("result" in end)) {
      // A REQUEUE that fired and gave way to this (newer) change's call is still due: the call
      // failed and decided nothing, so the REQUEUE is queued again (made with the latest state).
      const due = this.#due.get(key);
      if (due !== undefined && !this.#stopped && event !== "DELETED" && event !== "FINALIZE" && this.known(end.object)) this.onDue(key, end.object, due);
      return;
    }
    const seconds = askedDelay(end.result, log);
    if (event === "DELETED" || event === "FINALIZE") {
      if (seconds !== undefined) log.warn({ requeueAfter: seconds }, `requeueAfter from a ${event} call is ignored: the object is going`);
      return;
    }
    this.forget(key);
    if (seconds === undefined || this.#stopped || !this.known(end.object)) return;
    const token = ++this.#tokens;
    const ms = seconds * 1000;
    const cancel = this.clock.setTimer(ms, () => {
      if (this.#stopped || this.#pending.get(key)?.token !== token) return;
      this.#pending.delete(key);
      this.#due.set(key, token);
      this.onDue(key, end.object, token);
    });
    this.#pending.set(key, { token, cancel });
    log.debug({ requeueInMs: ms }, `the call asked to be made again in ${duration(ms)} (REQUEUE)`);
  }

  /** Whether `key`'s REQUEUE call (its timer's `token`) is still due (no call about the object succeeded since it fired). */
  due(key: string, token: number): boolean {
    return !this.#stopped && this.#due.get(key) === token;
  }

  /** Whether `key`'s REQUEUE call (its timer's `token`) is still to be made; it is no longer due after. */
  take(key: string, token: number): boolean {
    if (!this.due(key, token)) return false;
    this.#due.delete(key);
    return true;
  }

  /** `key`'s timer cancelled, and a REQUEUE call of it not made (the object is gone, or decided again). */
  forget(key: string): void {
    this.#pending.get(key)?.cancel();
    this.#pending.delete(key);
    this.#due.delete(key);
  }

  /** Every timer cancelled, and none set again: the watch ended. */
  stop(): void {
    this.#stopped = true;
    for (const { cancel } of this.#pending.values()) cancel();
    this.#pending.clear();
    this.#due.clear();
  }
}

/**
 * The delay (s) a handler's result asks (a `condition()` with `requeueAfter`, or
 * `requeueAfter()`); undefined for none. One out of bounds (only a hand-made result can be:
 * `condition()` throws for one) is logged as an error and ignored.
 */
function askedDelay(result: unknown, log: Logger): number | undefined {
  if (!isConditionReport(result) || result.requeueAfter === undefined) return undefined;
  const problem = requeueAfterProblem(result.requeueAfter);
  if (problem === undefined) return result.requeueAfter;
  log.error({ requeueAfter: String(result.requeueAfter) }, `${problem}: the call is not made again`);
  return undefined;
}
