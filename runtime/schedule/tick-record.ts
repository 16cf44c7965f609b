/**
 * @module schedule/tick-record
 * The ticks fired under a scheduler Lease, kept in the Lease itself so that every leader of it
 * sees them: the annotation `podfn.dev/last-schedule-times`, a JSON object from
 * `<function>/<schedule>` to the RFC 3339 time of the last tick a leader fired or `Forbid` skipped
 * (as a CronJob's `status.lastScheduleTime`). A leader records a tick there before it runs it, with the
 * `resourceVersion` it read, while the Lease names it holder; the next leader skips a tick the
 * record holds, whatever the two clocks say.
 *
 * Entries of schedules gone (a function deleted or renamed, a schedule renamed: its key changes)
 * are dropped as a leader writes the record, once an entry's key is none of the writer's
 * schedules and its tick is more than `FOREIGN_ENTRY_RETENTION_MS` (a day) old on the writer's
 * clock. Not at once: during a rollout old and new replicas share the Lease, and an old one that
 * leads again needs its schedules' entries: without one it would start that schedule at its next
 * tick (a tick missed while the new replicas led not caught up), and one whose clock is behind
 * the tick the entry holds could run that tick again. A day outlasts a rollout and any clock
 * skew, and bounds the record's growth to the keys gone within a day.
 */
import type { Lease } from "kubernetes-types/coordination/v1.js";

/** The Lease annotation holding the last fired tick of each schedule. */
export const LAST_SCHEDULE_TIMES = "podfn.dev/last-schedule-times";

/** How long an entry whose key none of the writing leader's schedules has is kept after its tick (ms): a day. */
export const FOREIGN_ENTRY_RETENTION_MS = 24 * 3600_000;

/**
 * How a leader's claim of a tick ended: recorded (run it); the Lease records that tick, or a
 * later one, already (another leader ran it); the Lease names another holder; the record could
 * not be read or written (not run: unrecorded, the next leader might run it again).
 */
export type TickClaim = "claimed" | "fired" | "not-holder" | "failed";

/** A schedule's tick: its key (`tickKey`) and when it was scheduled (ms since the epoch). */
export interface Tick {
  key: string;
  scheduledAt: number;
}

/**
 * Which entries a write of the record keeps besides its ticks': those of `schedules` (the keys of
 * every schedule the writing process fires), and the others whose tick is at most
 * `FOREIGN_ENTRY_RETENTION_MS` before `now` (the scheduler's clock, ms since the epoch).
 */
export interface RecordRetention {
  schedules: ReadonlySet<string>;
  now: number;
}

/** What a leadership term's scheduler is given to claim its ticks with. */
export interface TickLedger {
  /**
   * Records in the Lease, with one write, that each of `ticks` is fired, unless it records it
   * already; how each claim ended, in order (the ticks due at one moment are claimed together:
   * one read and one write of the Lease however many schedules share the minute). `retention`:
   * which other entries the write keeps (this process's schedules', and the young ones).
   */
  claim(ticks: readonly Tick[], retention: RecordRetention, signal: AbortSignal): Promise<TickClaim[]>;
  /** The last fired tick of each schedule the Lease recorded when this term took it (ms since the epoch): what the last leader ran. */
  recorded(): Readonly<Record<string, number>>;
}

/**
 * The key of one schedule in the record.
 *
 * @example
 * tickKey("cleanup", "hourly"); // "cleanup/hourly"
 */
export function tickKey(fn: string, schedule: string): string {
  return `${fn}/${schedule}`;
}

/** The last fired tick of each schedule the Lease records (ms since the epoch); entries that do not parse are left out. */
export function lastScheduleTimes(lease: Lease): Record<string, number> {
  const text = lease.metadata?.annotations?.[LAST_SCHEDULE_TIMES];
  if (!text) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return {};
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return {};
  const times: Record<string, number> = {};
  for (const [key, value] of Object.entries(parsed)) {
    const at = typeof value === "string" ? Date.parse(value) : Number.NaN;
    if (!Number.isNaN(at)) times[key] = at;
  }
  return times;
}


/**
 * `lease` with each tick's key's last fired tick set to its `scheduledAt`; the other entries
 * kept, but for those `retention` lets go (a key none of `schedules` has, its tick over a day old).
 */
export function withScheduleTimes(lease: Lease, ticks: readonly Tick[], retention: RecordRetention): Lease {
  const kept = Object.entries(lastScheduleTimes(lease)).filter(([key, at]) => retention.schedules.has(key) || retention.now - at <= FOREIGN_ENTRY_RETENTION_MS);
  const entries = Object.fromEntries(kept.map(([k, at]) => [k, new Date(at).toISOString()]));
  for (const { key, scheduledAt } of ticks) entries[key] = new Date(scheduledAt).toISOString();
  const metadata = lease.metadata ?? {};
  return { ...lease, metadata: { ...metadata, annotations: { ...metadata.annotations, [LAST_SCHEDULE_TIMES]: JSON.stringify(entries) } } };
}
