/**
 * @module watch/status
 * A watch's `status`: each call about an object reported in the object's `status.conditions`, as
 * metav1.Condition wants it (a type, `True`/`False`/`Unknown`, a CamelCase reason, a message, the
 * generation the call saw, the time the status last flipped), with `status.observedGeneration`.
 * Only the watch's own condition and `observedGeneration` are written — a merge patch of the
 * status subresource carrying the resourceVersion read (a 409 reads the object again and decides
 * again); nothing is written when nothing would change, and the write is tracked (`OwnWrites`) so
 * that its event calls nothing. A resource without a status subresource (a 404 while the object
 * is there) or a denied write (403) is told once (a warning), and the watch's calls write no
 * status for a minute; then the next call tries again (one at a time: a minute more if it is
 * still refused, untold), and the write that works again is told (info).
 */
import type { Logger } from "pino";
import { isConditionReport } from "../function.js";
import type { KubeObject, ResourceClient } from "../kube/api.js";
import { KubeConflictError, KubeForbiddenError, KubeNotFoundError } from "../kube/errors.js";
import { retryOnConflict } from "../kube/retry.js";
import { scrubString } from "../log-error.js";
import { censorSecrets } from "../secret-values.js";
import type { CallEnd, WatchRun } from "./watch-call.js";
import { realClock, type WatchClock } from "./watch-clock.js";

/** A condition's reason as metav1.Condition wants it: CamelCase, at most 1024 characters. */
export const CONDITION_REASON = /^(?=.{1,1024}$)[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/;
/** The longest condition message Kubernetes takes (bytes). */
export const MAX_CONDITION_MESSAGE = 32_768;

type ConditionStatus = "True" | "False" | "Unknown";
const STATUSES: ReadonlySet<unknown> = new Set(["True", "False", "Unknown"]);
/** The reason of a `condition()` that gives none (or one Kubernetes would refuse). */
const DEFAULT_REASONS: Record<ConditionStatus, string> = { True: "Succeeded", False: "Failed", Unknown: "Unknown" };

/** What a call's end puts in its object's condition. */
export interface WantedCondition {
  status: ConditionStatus;
  reason: string;
  message: string;
}

/** A metav1.Condition as the object's status holds it. */
interface Condition extends WantedCondition {
  type: string;
  observedGeneration?: number;
  lastTransitionTime: string;
}

/** `text` cut to `MAX_CONDITION_MESSAGE` UTF-8 bytes (whole characters, ending with `…`). */
export function truncateMessage(text: string): string {
  if (Buffer.byteLength(text) <= MAX_CONDITION_MESSAGE) return text;
  let bytes = 0;
  let out = "";
  for (const char of text) {
    bytes += Buffer.byteLength(char);
    if (bytes > MAX_CONDITION_MESSAGE - 3) break;
    out += char;
  }
  return `${out}…`;
}

/** A message fit for an object's status: without the credentials a log line would lose, cut to the limit. */
const cleaned = (text: string) => truncateMessage(censorSecrets(scrubString(text)));

/**
 * The condition a call's end asks for: `True`/`Succeeded` for a success (or what its handler's
 * `condition()` says: a status, reason or message Kubernetes would refuse is logged as an error
 * and replaced by the default), `False` with `CallFailed` (`Timeout`) and the failure's message
 * (as the log line says it: no stack) for a call that failed for good.
 */
export function wantedCondition(end: CallEnd, log: Logger): WantedCondition {
  if ("failure" in end) return { status: "False", reason: end.failure.outcome === "timed out" ? "Timeout" : "CallFailed", message: cleaned(end.failure.message) };
  if (!isConditionReport(end.result)) return { status: "True", reason: DEFAULT_REASONS.True, message: "" };
  const report = end.result;
  let status: ConditionStatus = report.status;
  if (!STATUSES.has(status)) {
    log.error({ conditionStatus: String(status) }, `the handler's condition() has the status ${JSON.stringify(String(status))}: it must be "True", "False" or "Unknown"; "Unknown" is written`);
    status = "Unknown";
  }
  let reason = report.reason ?? DEFAULT_REASONS[status];
  if (typeof reason !== "string" || !CONDITION_REASON.test(reason)) {
    log.error({ reason: String(reason).slice(0, 200) }, `the handler's condition() has the reason ${JSON.stringify(String(reason).slice(0, 200))}, which Kubernetes refuses (CamelCase: a letter, then letters, digits, "_", "," or ":", not ending with "," or ":"; at most 1024 characters); "${DEFAULT_REASONS[status]}" is written`);
    reason = DEFAULT_REASONS[status];
  }
  const message = report.message === undefined ? "" : cleaned(String(report.message));
  return { status, reason, message };
}

/** Now, as a condition's `lastTransitionTime` (RFC 3339, in seconds). */
const now = () => new Date().toISOString().replace(/\.\d+Z$/, "Z");

/**
 * The merge patch that gives `current` the condition `type` as `wanted`, seen at `generation`
 * (the list with the other conditions as they are, and `observedGeneration`); `undefined` when
 * it has them already. `lastTransitionTime` moves only when the condition's status changes.
 */
export function statusPatch(current: KubeObject, type: string, wanted: WantedCondition, generation: number | undefined): { status: Record<string, unknown> } | undefined {
  const status = (current as { status?: { conditions?: unknown; observedGeneration?: unknown } }).status;
  const conditions = Array.isArray(status?.conditions) ? (status.conditions as Partial<Condition>[]) : [];
  const index = conditions.findIndex((c) => c?.type === type);
  const old = index >= 0 ? conditions[index]! : undefined;
  const same = old !== undefined && old.status === wanted.status && old.reason === wanted.reason && (old.message ?? "") === wanted.message && old.observedGeneration === generation && typeof old.lastTransitionTime === "string";
  if (same && status?.observedGeneration === generation) return undefined;
  const lastTransitionTime = old?.status === wanted.status && typeof old.lastTransitionTime === "string" ? old.lastTransitionTime : now();
  const next: Condition = { type, status: wanted.status, ...(generation !== undefined ? { observedGeneration: generation } : {}), lastTransitionTime, reason: wanted.reason, message: wanted.message };
  const list = index >= 0 ? conditions.map((c, i) => (i === index ? next : c)) : [...conditions, next];
  return { status: { conditions: list, ...(generation !== undefined ? { observedGeneration: generation } : {}) } };
}

/** How a status write ended: the object as it is then when it is there. */
type StatusWrite = { outcome: "written" | "unchanged"; object: KubeObject } | { outcome: "gone" | "no subresource" };

/**
 * Give `object`'s status the condition `type` as `wanted` (see `statusPatch`), with the
 * resourceVersion read; after a 409 the object is read again and judged again (the generation
 * reported stays the one the call saw). A 404 is told apart by reading the object: gone, or
 * there without a status subresource.
 */
export async function writeStatus(client: ResourceClient<KubeObject>, object: KubeObject, type: string, wanted: WantedCondition, signal: AbortSignal): Promise<StatusWrite> {
  const name = object.metadata!.name!;
  const where = object.metadata?.namespace !== undefined ? { namespace: object.metadata.namespace } : {};
  const generation = object.metadata?.generation;
  const read = () => client.get(name, { signal, ...where }).catch((error: unknown) => (error instanceof KubeNotFoundError ? undefined : Promise.reject(error)));
  const ours = (o: KubeObject | undefined): o is KubeObject => o !== undefined && (object.metadata?.uid === undefined || o.metadata?.uid === object.metadata.uid);
  let current = object;
  return retryOnConflict(
    async (): Promise<StatusWrite> => {
      const patch = statusPatch(current, type, wanted, generation);
      if (patch === undefined) return { outcome: "unchanged", object: current };
      try {
        const written = await client.patchStatus(name, { ...patch, metadata: { resourceVersion: current.metadata?.resourceVersion } } as never, { type: "merge", signal, ...where });
        return { outcome: "written", object: written };
      } catch (error) {
        if (error instanceof KubeConflictError) {
          const fresh = await read();
          if (!ours(fresh)) return { outcome: "gone" };
          current = fresh;
        } else if (error instanceof KubeNotFoundError) {
          return ours(await read()) ? { outcome: "no subresource" } : { outcome: "gone" };
        }
        throw error;
      }
    },
    { signal },
  );
}

/** The pause after a refused status write (no status subresource, or denied) before a call tries again (ms). */
export const STATUS_RETRY_MS = 60_000;

/** Why status writes are refused, as the warning said it. */
type Outage = "no subresource" | "denied";

/**
 * What reports one watch's calls: writes each call's condition (tracked as the watch's own
 * write). Once the resource turns out to have no status subresource or the write is denied, it
 * says so once and writes nothing for `retryMs`; then the next call's write is tried (one call at
 * a time), refused again quietly (`retryMs` more) or told as working again.
 */
export class StatusReporter {
  /** While writes are refused: why, and when (`clock.now()`) a call may try again. */
  #outage: { cause: Outage; retryAt: number } | undefined;
  /** A call is trying a write after an outage's pause: the others wait for its answer. */
  #probing = false;

  constructor(
    readonly type: string,
    private readonly clock: WatchClock = realClock,
    private readonly retryMs = STATUS_RETRY_MS,
  ) {}

  /** Report `end` (a call about the object `key`) in its object's status; never throws. */
  async report(run: WatchRun, key: string, end: CallEnd, log: Logger): Promise<void> {
    if (run.signal.aborted) return;
    if (this.#outage !== undefined) {
      // Within the pause, or another call is trying: no request.
      if (this.#probing || this.clock.now() < this.#outage.retryAt) {
        const left = Math.max(0, Math.ceil((this.#outage.retryAt - this.clock.now()) / 1000));
        log.debug({ condition: this.type }, `status: not written (writes are refused: ${this.#outage.cause}); ${this.#probing ? "another call is trying again" : `a call tries again in ${left} s`}`);
        return;
      }
      this.#probing = true;
    }
    const probe = this.#probing;
    try {
      await this.#write(run, key, end, log);
    } finally {
      if (probe) this.#probing = false;
    }
  }

  async #write(run: WatchRun, key: string, end: CallEnd, log: Logger): Promise<void> {
    const wanted = wantedCondition(end, log);
    const { group, resource: plural } = run.watch.type;
    const resource = group ? `${plural}.${group}` : plural;
    try {
      const write = writeStatus(run.client, end.object, this.type, wanted, run.signal).then((w) => {
        if (w.outcome === "written") run.own.remember(key, w.object);
        return w;
      });
      const done = await run.own.track(key, write);
      if (done.outcome === "written") {
        if (this.#outage !== undefined) log.info({ condition: this.type }, `status: the watch ${run.watch.name} writes ${resource}'s status again (${this.#outage.cause === "denied" ? "the write is allowed now" : "the status subresource is there now"})`);
        this.#outage = undefined;
        log.info({ condition: this.type, status: wanted.status, reason: wanted.reason }, `status: ${this.type} ${wanted.status} (${wanted.reason})`);
      }
      if (done.outcome !== "no subresource") return;
      this.#refused("no subresource", log, () => `status: ${resource} has no status subresource, so the watch ${run.watch.name} cannot report its calls in it: give the resource a status subresource (a CRD's subresources: {status: {}}) or leave status out; ${this.#later()}`);
    } catch (error) {
      if (run.signal.aborted) return;
      if (error instanceof KubeForbiddenError) {
        const denied = `${error.method === "GET" ? `get ${plural}` : `patch ${plural}/status`}${group ? ` (API group ${group})` : ""}`;
        this.#refused("denied", log, () => `status: the watch ${run.watch.name} may not ${denied} (${error.message}): grant it (podfn manifests does) or leave status out; ${this.#later()}`, { status: error.statusCode });
        return;
      }
      log.error({ condition: this.type, err: error }, `status: could not write the condition ${this.type}: ${(error as Error).message}; the object's next call tries again`);
    }
  }

  /**
   * A write refused for `cause`: the pause starts again; told (`message`) once per outage (calls
   * about other objects may find it out at the same time, and a try after the pause again).
   */
  #refused(cause: Outage, log: Logger, message: () => string, detail: Record<string, unknown> = {}): void {
    const told = this.#outage !== undefined;
    this.#outage = { cause, retryAt: this.clock.now() + this.retryMs };
    if (told) log.debug({ condition: this.type, ...detail }, `status: still refused (${cause}); tried again in ${Math.round(this.retryMs / 1000)} s`);
    else log.warn({ condition: this.type, ...detail }, message());
  }

  /** What the warning says happens next. */
  #later(): string {
    return `no status is written by this watch for ${Math.round(this.retryMs / 1000)} s, then a call tries again (it says so when it works)`;
  }
}
