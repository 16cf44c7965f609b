/**
 * @module schedule/lease
 * The `coordination.k8s.io/v1` Lease as client-go's leader election writes it: its name, the
 * MicroTime format of `acquireTime`/`renewTime` (`2006-01-02T15:04:05.000000Z`), and whether a
 * record has expired (`renewTime + leaseDurationSeconds` in the past).
 */
import type { LeaseSpec } from "kubernetes-types/coordination/v1.js";
import { DEFAULT_WORKLOAD } from "../definition-accept.js";

/**
 * Name of the Lease the replicas of an app's workload elect their scheduler with, in the app's
 * namespace: `<app>-scheduler` for the default workload (no `workload`, or `http`, its name),
 * `<app>-<workload>-scheduler` for a named one, so each workload elects its own leader.
 *
 * @example
 * schedulerLeaseName("podfn"); // "podfn-scheduler"
 * schedulerLeaseName("podfn", "controllers"); // "podfn-controllers-scheduler"
 */
export function schedulerLeaseName(app: string, workload?: string): string {
  return workload === undefined || workload === DEFAULT_WORKLOAD ? `${app}-scheduler` : `${app}-${workload}-scheduler`;
}

/** A time in the API server's MicroTime format (RFC 3339, six fractional digits, UTC). */
export function formatMicroTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

/** Milliseconds since the epoch of a MicroTime (or RFC 3339) string; NaN when unparseable. */
export function parseMicroTime(text: string): number {
  const match = /^(.*?)(?:\.(\d+))?Z$/.exec(text);
  if (!match) return Number.NaN;
  const millis = (match[2] ?? "").padEnd(3, "0").slice(0, 3);
  return Date.parse(`${match[1]}.${millis}Z`);
}

/**
 * Whether a Lease's holder has let it lapse at `now` (ms): no holder, or not renewed within its
 * duration. A record without times counts as expired.
 */
export function leaseExpired(spec: LeaseSpec | undefined, now: number): boolean {
  if (!spec?.holderIdentity) return true;
  const renewed = parseMicroTime(spec.renewTime ?? spec.acquireTime ?? "");
  if (Number.isNaN(renewed)) return true;
  return renewed + (spec.leaseDurationSeconds ?? 0) * 1000 < now;
}
