/**
 * How long a failover takes, on mocked timers and clock (no waiting on the wall clock): a standby
 * tries for the Lease as client-go's `acquire()` does (`wait.JitterUntil(retryPeriod, 1.2)`: each
 * try 2 s to 4.4 s after the last ended), and takes over a Lease its leader stopped renewing once
 * the record it last saw is the lease duration old, at its next try.
 */
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { runLeaderElection } from "../../runtime/schedule/leader.js";
import { leaseStore, type LeaseStore } from "./fake-leases.js";
import { captureLogs } from "./helpers.js";

/** podfn's defaults, client-go's: lease 15 s, renew deadline 10 s, retry period 2 s. */
const LEASE_MS = 15_000;
const RETRY_MS = 2000;
/** client-go's leaderelection.JitterFactor. */
const JITTER_FACTOR = 1.2;

interface Candidate {
  identity: string;
  leading: boolean;
  stop: AbortController;
  done: Promise<void>;
  client: ReturnType<LeaseStore["client"]>;
}

/** A candidate with podfn's default timings, on the (mocked) global clock. */
function candidate(store: LeaseStore, identity: string): Candidate {
  const stop = new AbortController();
  const client = store.client();
  const c: Candidate = { identity, leading: false, stop, done: Promise.resolve(), client };
  c.done = runLeaderElection(
    {
      kube: client,
      leaseName: "podfn-scheduler",
      identity,
      now: () => Date.now(),
      elapsed: () => Date.now(),
      logger: captureLogs().logger,
      onStartedLeading() {
        c.leading = true;
      },
      onStoppedLeading() {
        c.leading = false;
      },
    },
    stop.signal,
  );
  return c;
}

/** Mocked time, moved on 10 ms at a time, each step's promise callbacks run before the next. */
function virtualTime(t: TestContext) {
  t.mock.timers.enable({ apis: ["setTimeout", "Date"], now: 0 });
  const flush = () => new Promise((resolve) => setImmediate(resolve));
  return {
    /** Moves time on until `condition` holds, failing past `limitMs` of virtual time. */
    async until(condition: () => boolean, what: string, limitMs = 60_000): Promise<void> {
      const end = Date.now() + limitMs;
      await flush();
      while (!condition()) {
        if (Date.now() >= end) assert.fail(`${what}: not within ${limitMs} ms of virtual time`);
        t.mock.timers.tick(10);
        await flush();
      }
    },
  };
}

/** Records when (virtual ms) each call of the client's `leases.get` was made. */
function recordReads(c: Candidate): number[] {
  const times: number[] = [];
  const get = c.client.leases.get.bind(c.client.leases);
  c.client.leases.get = ((...args: Parameters<typeof get>) => (times.push(Date.now()), get(...args))) as typeof get;
  return times;
}

async function stopAll(time: ReturnType<typeof virtualTime>, ...candidates: Candidate[]): Promise<void> {
  let settled = 0;
  for (const c of candidates) {
    c.stop.abort();
    void c.done.then(() => void (settled += 1));
  }
  await time.until(() => settled === candidates.length, "the candidates to stop");
}

for (const random of [0, 0.5, 0.999]) {
  test(`a standby tries for the Lease retryPeriod plus up to 1.2 times it of jitter after its last try, as client-go's wait.JitterUntil(retryPeriod, 1.2): Math.random() ${random} gives ${Math.round(RETRY_MS * (1 + random * JITTER_FACTOR))} ms`, async (t) => {
    const time = virtualTime(t);
    t.mock.method(Math, "random", () => random);
    const store = leaseStore();
    const a = candidate(store, "pod-a");
    await time.until(() => a.leading, "pod-a to lead");
    const b = candidate(store, "pod-b");
    const reads = recordReads(b);
    await time.until(() => reads.length >= 5, "pod-b's tries");
    const gaps = reads.slice(1).map((at, i) => at - reads[i]!);
    const expected = Math.floor((RETRY_MS * (1 + random * JITTER_FACTOR)) / 10) * 10;
    // The mocked clock moves 10 ms at a time: a gap is read to within one step.
    for (const gap of gaps) assert.ok(gap >= expected && gap <= expected + 10, `gaps ${gaps.join(", ")} ms, expected ${expected} ms`);
    assert.equal(b.leading, false);
    await stopAll(time, a, b);
  });
}

test("a leader gone without releasing the Lease: the standby takes it over at its first try once the record it saw last is 15 s old, at most 15 s + 4.4 s after it saw it and 15 s + 8.8 s after that last renewal", async (t) => {
  const time = virtualTime(t);
  // The longest jitter, for the longest failover.
  t.mock.method(Math, "random", () => 0.999);
  const store = leaseStore();
  const a = candidate(store, "pod-a");
  await time.until(() => a.leading, "pod-a to lead");
  const b = candidate(store, "pod-b");
  const reads = recordReads(b);
  // pod-a's last renewal comes just after one of pod-b's reads, so pod-b sees it a whole try later.
  let lastRenewal = -1;
  const replace = a.client.leases.replace.bind(a.client.leases);
  a.client.leases.replace = (async (...args: Parameters<typeof replace>) => {
    const armed = reads.length >= 2;
    const written = await replace(...args);
    if (armed && lastRenewal < 0) {
      lastRenewal = Date.now();
      a.client.down = true;
    }
    return written;
  }) as typeof replace;
  await time.until(() => b.leading, "pod-b to take over");
  const takeover = Date.now();
  const seen = reads.find((at) => at >= lastRenewal)!;
  assert.ok(takeover - seen >= LEASE_MS, `taken over ${takeover - seen} ms after pod-b saw the last renewal: not before the lease lapsed`);
  assert.ok(takeover - seen <= LEASE_MS + RETRY_MS * (1 + JITTER_FACTOR), `taken over ${takeover - seen} ms after pod-b saw the last renewal`);
  assert.ok(takeover - lastRenewal <= LEASE_MS + 2 * RETRY_MS * (1 + JITTER_FACTOR), `taken over ${takeover - lastRenewal} ms after the last renewal`);
  assert.equal(a.leading, false, "pod-a stopped leading (its renew deadline passed) before");
  await stopAll(time, a, b);
});
