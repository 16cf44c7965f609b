/**
 * @module schedule/lease-elector
 * One candidate's view of the leader Lease, as client-go's `tryAcquireOrRenew` and `release`
 * keep it: each try reads the Lease, and creates, takes over or renews it (never throwing: the
 * try's end is an `Attempt`), tracking when the record last changed on this candidate's own
 * clock (client-go's `observedTime`); and records in it, while holding it, the ticks its terms
 * fire (schedule/tick-record). A Lease deleted under its holder is created anew by that holder,
 * while its claim holds (counted from the start of its last acquiring or renewing try, so no
 * other candidate can have taken the Lease since), with the record it last saw: it is the
 * record's only writer, and the next leader must not lose the ticks it ran. Any other creation
 * starts an empty record: a view of it that may be behind the last writes would have the next
 * leader catch up a tick already run, where with no record it catches up none.
 */
import type { Lease, LeaseSpec } from "kubernetes-types/coordination/v1.js";
import type { Logger } from "pino";
import type { KubeClient } from "../kube/api.js";
import { KubeAlreadyExistsError, KubeConflictError, KubeNotFoundError } from "../kube/errors.js";
import { formatMicroTime } from "./lease.js";
import { LAST_SCHEDULE_TIMES, lastScheduleTimes, withScheduleTimes, type RecordRetention, type Tick, type TickClaim } from "./tick-record.js";

/** How many times a release, or the record of a tick, reads and writes the Lease when its writes meet a 409. */
const RELEASE_TRIES = 3;

/** What an `Elector` needs of the election's options, defaults applied. */
export interface ElectorOptions {
  kube: KubeClient;
  leaseName: string;
  /** Default: the client's namespace. */
  namespace?: string;
  identity: string;
  leaseDurationSeconds: number;
  /** The clock of the Lease's `acquireTime`/`renewTime` (ms since the epoch). */
  now: () => number;
  /** The clock of expiries (ms, only differences count). */
  elapsed: () => number;
  logger: Logger;
}

/** A try's end: the Lease is ours; a read showed another holder; the write met a newer Lease (409: read it again); a request failed. */
export type Attempt = "acquired" | "held" | "conflict" | "failed";

/** One candidate's view of the Lease, tracking when the record last changed (client-go's observedTime). */
export class Elector {
  private observed = "";
  private observedTime = 0;
  /** The record last seen (read, or written by this candidate). */
  private observedSpec: LeaseSpec | undefined;
  readonly identity: string;
  /** The holder the last read of the Lease showed. */
  holder = "";
  /** The ticks the Lease recorded as fired when this candidate last wrote it (schedule/tick-record). */
  recordedTicks: Readonly<Record<string, number>> = {};
  /** The record (the annotation's text) of the Lease this candidate last read or wrote. */
  private lastRecord: string | undefined;
  /** When (`elapsed`) the try that last made or kept this candidate holder started; -Infinity when it holds no claim. */
  private claimedAt = -Infinity;
  /** Settles when this candidate's last Lease operation has. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: ElectorOptions) {
    this.identity = o.identity;
  }

  private get leases() {
    return this.o.kube.leases;
  }

  /** Keeps `lease`'s record of fired ticks, for a Lease to create anew (see the module's header). */
  private seen(lease: Lease): Lease {
    this.lastRecord = lease.metadata?.annotations?.[LAST_SCHEDULE_TIMES];
    return lease;
  }

  private observe(spec: LeaseSpec | undefined): void {
    const text = JSON.stringify(spec ?? {});
    if (text !== this.observed) {
      this.observed = text;
      this.observedTime = this.o.elapsed();
      this.observedSpec = spec;
    }
  }

  /** Whether the record last seen names another holder whose claim has not lapsed, counted from when it was seen. */
  private heldByAnother(): boolean {
    const spec = this.observedSpec;
    if (!spec?.holderIdentity || spec.holderIdentity === this.identity) return false;
    return this.observedTime + (spec.leaseDurationSeconds ?? this.o.leaseDurationSeconds) * 1000 > this.o.elapsed();
  }

  /**
   * Runs this candidate's reads and writes of the Lease one operation after another: a renewal
   * and the record of a tick, each a read then a write, would otherwise meet each other's 409s.
   */
  private oneAtATime<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.queue.then(operation);
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** client-go's `tryAcquireOrRenew`: create, take over, or renew; never throws. */
  tryAcquireOrRenew(signal: AbortSignal): Promise<Attempt> {
    return this.oneAtATime(() => this.acquireOrRenew(signal));
  }

  private async acquireOrRenew(signal: AbortSignal): Promise<Attempt> {
    const { leaseName: name, now } = this.o;
    const namespace = this.o.namespace ?? this.o.kube.namespace;
    const stamp = formatMicroTime(new Date(now()));
    const started = this.o.elapsed();
    let current: Lease;
    try {
      current = this.seen(await this.leases.get(name, { namespace, signal }));
    } catch (error) {
      if (!(error instanceof KubeNotFoundError)) return this.failed("get", error);
      // A Lease deleted under its holder (client-go creates it anew at once): that holder may
      // lead still, until its claim as last seen lapses; only then may another candidate create it.
      if (this.heldByAnother()) return "held";
      const spec: LeaseSpec = { holderIdentity: this.identity, leaseDurationSeconds: this.o.leaseDurationSeconds, acquireTime: stamp, renewTime: stamp, leaseTransitions: 0 };
      // Deleted under this candidate, its claim holding: the record it wrote goes into the new Lease.
      const claimed = this.claimedAt + this.o.leaseDurationSeconds * 1000 > this.o.elapsed();
      const record = claimed ? this.lastRecord : undefined;
      const metadata = record === undefined ? { name, namespace } : { name, namespace, annotations: { [LAST_SCHEDULE_TIMES]: record } };
      try {
        const created = this.seen(await this.leases.create({ apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata, spec }, { namespace, signal }));
        this.observe(created.spec);
        this.claimedAt = started;
        this.recordedTicks = lastScheduleTimes(created);
        return "acquired";
      } catch (createError) {
        return createError instanceof KubeAlreadyExistsError ? "conflict" : this.failed("create", createError);
      }
    }
    const old = current.spec ?? {};
    this.observe(old);
    this.holder = old.holderIdentity ?? "";
    const holder = old.holderIdentity ?? "";
    // Another holder (or none): whatever claim this candidate had is over, and the record is not its alone.
    if (holder !== this.identity) this.claimedAt = -Infinity;
    const valid = this.observedTime + (old.leaseDurationSeconds ?? this.o.leaseDurationSeconds) * 1000 > this.o.elapsed();
    if (holder !== "" && holder !== this.identity && valid) return "held";
    const mine = holder === this.identity;
    const spec: LeaseSpec = {
      holderIdentity: this.identity,
      leaseDurationSeconds: this.o.leaseDurationSeconds,
      acquireTime: mine && old.acquireTime ? old.acquireTime : stamp,
      renewTime: stamp,
      leaseTransitions: mine ? (old.leaseTransitions ?? 0) : (old.leaseTransitions ?? 0) + 1,
    };
    try {
      const updated = this.seen(await this.leases.replace({ ...current, spec }, { namespace, signal }));
      this.observe(updated.spec);
      this.claimedAt = started;
      this.recordedTicks = lastScheduleTimes(updated);
      return "acquired";
    } catch (error) {
      if (!(error instanceof KubeConflictError)) return this.failed("update", error);
      this.o.logger.debug({ lease: this.o.leaseName }, "the Lease changed between its read and its write (409): read again at the next try");
      return "conflict";
    }
  }

  /** client-go's `release`: empty holder so the next candidate need not wait out the lease. */
  async release(): Promise<void> {
    const namespace = this.o.namespace ?? this.o.kube.namespace;
    const signal = AbortSignal.timeout(5000);
    // A write that meets a 409 (the Lease written since the read: a label, or a renewal of this
    // candidate's aborted in flight) reads again: left held, the Lease would keep the next
    // leader waiting out its whole duration.
    for (let attempt = 1; ; attempt++) {
      try {
        const current = await this.leases.get(this.o.leaseName, { namespace, signal });
        if (current.spec?.holderIdentity !== this.identity) return;
        const stamp = formatMicroTime(new Date(this.o.now()));
        const spec: LeaseSpec = { holderIdentity: "", leaseDurationSeconds: 1, acquireTime: stamp, renewTime: stamp, leaseTransitions: current.spec.leaseTransitions ?? 0 };
        await this.leases.replace({ ...current, spec }, { namespace, signal });
        this.claimedAt = -Infinity;
        this.o.logger.info({ lease: this.o.leaseName, identity: this.identity }, "released the leader lease");
        return;
      } catch (error) {
        if (!(error instanceof KubeConflictError) || attempt >= RELEASE_TRIES) {
          this.failed("release", error);
          return;
        }
      }
    }
  }

  /**
   * Records in the Lease, while it names this candidate holder, that each of `ticks` is fired
   * (one write for them all, none when it records every one already): the write carries the
   * `resourceVersion` read, so no other candidate took the Lease in between, and whoever takes it
   * next reads the record; the entries `retention` lets go are dropped (schedule/tick-record). A 409 (the Lease written meanwhile) reads again. Never throws.
   */
  claimTicks(ticks: readonly Tick[], retention: RecordRetention, signal: AbortSignal): Promise<TickClaim[]> {
    return this.oneAtATime(() => this.recordTicks(ticks, retention, signal));
  }

  private async recordTicks(ticks: readonly Tick[], retention: RecordRetention, signal: AbortSignal): Promise<TickClaim[]> {
    const namespace = this.o.namespace ?? this.o.kube.namespace;
    const all = (claim: TickClaim) => ticks.map(() => claim);
    for (let attempt = 1; ; attempt++) {
      try {
        const current = this.seen(await this.leases.get(this.o.leaseName, { namespace, signal }));
        if (current.spec?.holderIdentity !== this.identity) {
          this.claimedAt = -Infinity;
          return all("not-holder");
        }
        const recorded = lastScheduleTimes(current);
        const claims = ticks.map(({ key, scheduledAt }): TickClaim => (recorded[key] !== undefined && recorded[key]! >= scheduledAt ? "fired" : "claimed"));
        const fresh = ticks.filter((_, i) => claims[i] === "claimed");
        if (fresh.length > 0) this.seen(await this.leases.replace(withScheduleTimes(current, fresh, retention), { namespace, signal }));
        return claims;
      } catch (error) {
        // Aborted (the term ended): the scheduler says nothing of ticks it no longer fires.
        if (signal.aborted) return all("failed");
        if (!(error instanceof KubeConflictError) || attempt >= RELEASE_TRIES) return all(this.failed("record a tick", error));
      }
    }
  }

  private failed(step: string, error: unknown): "failed" {
    this.o.logger.warn({ lease: this.o.leaseName, step, err: error instanceof Error ? error.message : String(error) }, "leader election request failed");
    return "failed";
  }
}
