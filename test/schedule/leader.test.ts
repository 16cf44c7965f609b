import { test } from "node:test";
// own process: collects every unhandled rejection of the process while it runs (scripts/run-tests.js).
import assert from "node:assert/strict";
import { runLeaderElection, type LeaderElectionOptions } from "../../runtime/schedule/leader.js";
import { runSchedules } from "../../runtime/schedule/run-schedules.js";
import { leaseExpired, parseMicroTime } from "../../runtime/schedule/lease.js";
import { leaseStore, type LeaseStore } from "./fake-leases.js";
import { captureLogs, loaded, until } from "./helpers.js";

const MICROTIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;
/** Short timings: the lease lapses after 1 s, candidates retry every 50 ms, a leader gives up after 400 ms. */
const FAST = { leaseName: "podfn-scheduler", leaseDurationSeconds: 1, retryPeriodMs: 50, renewDeadlineMs: 400 };

interface Candidate {
  identity: string;
  leading: boolean;
  terms: number;
  lostSignals: AbortSignal[];
  stop: AbortController;
  done: Promise<void>;
  client: ReturnType<LeaseStore["client"]>;
}

function candidate(store: LeaseStore, identity: string, watch: { maxLeaders: number; current: number }, extra: Partial<LeaderElectionOptions> = {}): Candidate {
  const stop = new AbortController();
  // A client given in `extra` (one whose calls a test changes) stands in for the store's own.
  const client = (extra.kube as ReturnType<LeaseStore["client"]> | undefined) ?? store.client();
  const c: Candidate = { identity, leading: false, terms: 0, lostSignals: [], stop, done: Promise.resolve(), client };
  c.done = runLeaderElection(
    {
      ...FAST,
      ...extra,
      kube: client,
      identity,
      logger: extra.logger ?? captureLogs().logger,
      onStartedLeading(lost) {
        c.leading = true;
        c.terms += 1;
        c.lostSignals.push(lost);
        watch.current += 1;
        watch.maxLeaders = Math.max(watch.maxLeaders, watch.current);
      },
      onStoppedLeading() {
        c.leading = false;
        watch.current -= 1;
      },
    },
    stop.signal,
  );
  return c;
}

test("the first candidate creates the Lease as client-go does", async () => {
  const store = leaseStore();
  const watch = { maxLeaders: 0, current: 0 };
  const a = candidate(store, "pod-a", watch);
  await until(() => a.leading, "pod-a to lead", 5000);
  const lease = store.leases.get("default/podfn-scheduler")!;
  assert.equal(lease.spec?.holderIdentity, "pod-a");
  assert.equal(lease.spec?.leaseDurationSeconds, 1);
  assert.equal(lease.spec?.leaseTransitions, 0);
  assert.match(lease.spec?.acquireTime ?? "", MICROTIME);
  assert.match(lease.spec?.renewTime ?? "", MICROTIME);
  const firstRenew = parseMicroTime(lease.spec!.renewTime!);
  await until(() => parseMicroTime(store.leases.get("default/podfn-scheduler")!.spec!.renewTime!) > firstRenew, "a renewal", 5000);
  assert.equal(store.leases.get("default/podfn-scheduler")!.spec?.acquireTime, lease.spec?.acquireTime, "renewing keeps acquireTime");
  a.stop.abort();
  await a.done;
  const released = store.leases.get("default/podfn-scheduler")!;
  assert.equal(released.spec?.holderIdentity, "");
  assert.equal(leaseExpired(released.spec, Date.now()), true);
});

test("of two candidates exactly one leads; when it stops, the other takes over within the lease duration", async () => {
  const store = leaseStore();
  const watch = { maxLeaders: 0, current: 0 };
  const a = candidate(store, "pod-a", watch);
  const b = candidate(store, "pod-b", watch);
  await until(() => a.leading || b.leading, "a leader", 5000);
  const [leader, follower] = a.leading ? [a, b] : [b, a];
  // Several renew periods pass: the follower keeps trying and must never lead meanwhile.
  const renewals = store.writes.length;
  await until(() => store.writes.length >= renewals + 4, "renewals", 5000);
  assert.equal(follower.terms, 0);
  leader.stop.abort();
  await until(() => follower.leading, "the follower to take over", FAST.leaseDurationSeconds * 1000);
  await leader.done;
  assert.equal(store.leases.get("default/podfn-scheduler")!.spec?.holderIdentity, follower.identity);
  assert.equal(store.leases.get("default/podfn-scheduler")!.spec?.leaseTransitions, 1);
  assert.equal(watch.maxLeaders, 1, "never two leaders at once");
  follower.stop.abort();
  await follower.done;
});

test("a standby whose wall clock steps forward (an NTP correction) does not take the Lease its leader still renews: expiry is measured on a monotonic clock", async () => {
  const store = leaseStore();
  const watch = { maxLeaders: 0, current: 0 };
  // pod-a renews every 300 ms; pod-b reads every 50 ms, so it reads each record several times.
  const a = candidate(store, "pod-a", watch, { leaseDurationSeconds: 1, retryPeriodMs: 300, renewDeadlineMs: 900 });
  await until(() => a.leading, "pod-a to lead", 5000);
  let stepMs = 0;
  // pod-b's wall clock (its Lease stamps) steps; its elapsed-time clock does not, as a monotonic one never does.
  const b = candidate(store, "pod-b", watch, { now: () => Date.now() + stepMs, elapsed: () => performance.now() });
  // Count pod-b's reads, to step its clock just after it has read a renewal: its next reads see
  // the same record, which it must still judge by the time elapsed since it first saw it.
  let readsByB = 0;
  const get = b.client.leases.get.bind(b.client.leases);
  b.client.leases.get = ((...args: Parameters<typeof get>) => ((readsByB += 1), get(...args))) as typeof get;
  try {
    const renewals = store.writes.length;
    await until(() => store.writes.length > renewals, "a renewal", 5000);
    const seen = readsByB;
    await until(() => readsByB > seen, "pod-b to read it", 5000);
    stepMs = 10 * FAST.leaseDurationSeconds * 1000;
    const after = readsByB;
    await until(() => readsByB >= after + 8, "pod-b's reads after the step", 5000);
    assert.equal(b.terms, 0, "pod-b never led");
    assert.equal(watch.maxLeaders, 1);
  } finally {
    a.stop.abort();
    b.stop.abort();
    await Promise.all([a.done, b.done]);
  }
});

test("a leader cut off from the API server stops leading within its renew deadline; the other takes over after the lease lapses", async () => {
  const store = leaseStore();
  const watch = { maxLeaders: 0, current: 0 };
  const a = candidate(store, "pod-a", watch);
  await until(() => a.leading, "pod-a to lead", 5000);
  const b = candidate(store, "pod-b", watch);
  a.client.down = true;
  await until(() => a.lostSignals[0]!.aborted, "pod-a to give up", 5000);
  await until(() => b.leading, "pod-b to take over", 5000);
  assert.equal(store.leases.get("default/podfn-scheduler")!.spec?.holderIdentity, "pod-b");
  assert.equal(store.leases.get("default/podfn-scheduler")!.spec?.leaseTransitions, 1);
  assert.equal(watch.maxLeaders, 1);
  a.stop.abort();
  b.stop.abort();
  await Promise.all([a.done, b.done]);
});

test("a Lease deleted by someone while its holder leads: a standby does not create it anew before its view of the holder has lapsed; the holder does, and keeps leading; with the holder gone, the standby creates it after the lapse", async () => {
  const store = leaseStore();
  const watch = { maxLeaders: 0, current: 0 };
  // pod-a renews every 300 ms; pod-b reads every 50 ms: several reads of pod-b fall between
  // the deletion and pod-a's next renewal.
  const a = candidate(store, "pod-a", watch, { retryPeriodMs: 300, renewDeadlineMs: 900 });
  await until(() => a.leading, "pod-a to lead", 5000);
  const b = candidate(store, "pod-b", watch);
  let readsByB = 0;
  const get = b.client.leases.get.bind(b.client.leases);
  b.client.leases.get = ((...args: Parameters<typeof get>) => ((readsByB += 1), get(...args))) as typeof get;
  try {
    await until(() => readsByB >= 2, "pod-b to see pod-a's Lease", 5000);
    const creates = () => store.writes.filter((w) => w.verb === "create");
    store.leases.delete("default/podfn-scheduler");
    await until(() => creates().length >= 2, "the Lease created anew", 5000);
    assert.equal(creates()[1]!.holder, "pod-a", "its holder created it anew");
    const after = readsByB;
    await until(() => readsByB >= after + 8, "pod-b's reads after that", 5000);
    assert.equal(b.terms, 0, "pod-b never led");
    assert.equal(a.lostSignals[0]!.aborted, false, "pod-a led throughout");
    // Deleted again with its holder gone: pod-b creates it once its view of pod-a has lapsed.
    a.client.down = true;
    store.leases.delete("default/podfn-scheduler");
    await until(() => b.leading, "pod-b to create the Lease and lead", 5000);
    assert.equal(store.leases.get("default/podfn-scheduler")!.spec?.holderIdentity, "pod-b");
    assert.equal(watch.maxLeaders, 1);
  } finally {
    a.stop.abort();
    b.stop.abort();
    await Promise.all([a.done, b.done]);
  }
});

test("two runtimes with an in-process schedule: only the leader fires; after it stops, the other fires", async () => {
  const store = leaseStore();
  const fired: string[] = [];
  const start = Date.now();
  // One real millisecond is one virtual second: a minute schedule comes due every 60 ms.
  const clock = () => Date.parse("2025-01-01T00:00:00Z") + (Date.now() - start) * 1000;
  const runtime = (identity: string) => {
    const stop = new AbortController();
    const fn = loaded({ name: "tick", schedule: { cron: "* * * * *", mode: "in-process" }, handler: () => void fired.push(identity) });
    const done = runSchedules(
      { functions: [fn], kube: store.client(), logger: captureLogs().logger, now: clock, maxWaitMs: 5, leaderElection: { ...FAST, identity } },
      stop.signal,
    );
    return { stop, done };
  };
  const a = runtime("pod-a");
  const b = runtime("pod-b");
  await until(() => fired.length >= 3, "three runs", 5000);
  const leader = fired[0]!;
  assert.deepEqual(new Set(fired), new Set([leader]), "only the leader fires");
  const [first, second] = leader === "pod-a" ? [a, b] : [b, a];
  first.stop.abort();
  await first.done;
  const other = leader === "pod-a" ? "pod-b" : "pod-a";
  await until(() => fired.includes(other), "the other runtime to fire", FAST.leaseDurationSeconds * 1000 + 500);
  second.stop.abort();
  await second.done;
});

test("a leader whose renewals fail, then hang, stops leading within the renew deadline of its last renewal, before another candidate can take over", async () => {
  const store = leaseStore();
  const watch = { maxLeaders: 0, current: 0 };
  // Lease 1 s, renew deadline 800 ms: a renewal that hangs late in the deadline must not keep pod-a leading past it.
  const timings = { renewDeadlineMs: 800 };
  const a = candidate(store, "pod-a", watch, timings);
  await until(() => a.leading, "pod-a to lead", 5000);
  const b = candidate(store, "pod-b", watch, timings);
  a.client.down = true;
  await until(() => a.client.failures >= 6, "failed renewals", 5000);
  a.client.hang = true;
  await until(() => b.leading, "pod-b to take over", 5000);
  assert.equal(a.lostSignals[0]!.aborted, true);
  assert.equal(watch.maxLeaders, 1, "pod-a had stopped leading when pod-b started");
  a.stop.abort();
  b.stop.abort();
  await Promise.all([a.done, b.done]);
});

test("a leader whose acquiring write was answered late, then cut off, stops before another candidate can take over: its deadline counts from the write", async () => {
  const store = leaseStore();
  const watch = { maxLeaders: 0, current: 0 };
  const timings = { renewDeadlineMs: 800 };
  // pod-a's create is stored at once and answered 600 ms later; then pod-a is cut off. pod-b
  // counts the Lease's second from the write: pod-a's 800 ms must count from it too.
  const client = store.client();
  const create = client.leases.create.bind(client.leases);
  let answered = false;
  (client.leases as { create: unknown }).create = async (...args: Parameters<typeof create>) => {
    const created = await create(...args);
    await new Promise((resolve) => setTimeout(resolve, 600));
    client.down = true;
    answered = true;
    return created;
  };
  const a = candidate(store, "pod-a", watch, { ...timings, kube: client });
  let b: Candidate | undefined;
  try {
    await until(() => store.leases.size > 0, "pod-a's Lease written", 5000);
    b = candidate(store, "pod-b", watch, timings);
    await until(() => b!.leading, "pod-b to take over", 5000);
    assert.equal(answered, true);
    assert.equal(watch.maxLeaders, 1, "pod-a had stopped leading when pod-b started");
  } finally {
    a.stop.abort();
    b?.stop.abort();
    await Promise.all([a.done, b?.done]);
  }
});

/** `client` with each Lease read and write answered `ms` late; `onRead` runs after a read, before its answer. */
function slowLeases(client: ReturnType<LeaseStore["client"]>, ms: number, onRead: () => void = () => {}): typeof client {
  const leases = client.leases;
  const late = <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const answer = await call(...args);
      await new Promise((resolve) => setTimeout(resolve, ms));
      return answer;
    };
  const get = late(leases.get.bind(leases));
  Object.assign(leases, {
    get: async (...args: Parameters<typeof get>) => {
      const answer = await get(...args);
      onRead();
      return answer;
    },
    create: late(leases.create.bind(leases)),
    replace: late(leases.replace.bind(leases)),
  });
  return client;
}

const renewals = (store: LeaseStore) => store.writes.filter((w) => w.verb === "update").length;

test("a leader whose renewals each take most of the renew deadline keeps leading: each renewal gets the whole deadline, as client-go's renew()", async () => {
  const store = leaseStore();
  const watch = { maxLeaders: 0, current: 0 };
  // Each read and write answered 350 ms late: a renewal (read, write) takes 700 ms of its 1 s.
  const timings = { leaseDurationSeconds: 3, renewDeadlineMs: 1000, retryPeriodMs: 100 };
  const a = candidate(store, "pod-a", watch, { ...timings, kube: slowLeases(store.client(), 350) });
  try {
    await until(() => a.leading, "pod-a to lead", 5000);
    await until(() => renewals(store) >= 6, "six renewals", 15_000);
    assert.equal(a.terms, 1);
    assert.equal(a.lostSignals[0]!.aborted, false);
  } finally {
    a.stop.abort();
    await a.done;
  }
});

test("a leader whose renewal ends in a 409 (the Lease written meanwhile, still its holder) reads again and keeps leading", async () => {
  const store = leaseStore();
  const watch = { maxLeaders: 0, current: 0 };
  const { logger, lines } = captureLogs();
  let interfere = false;
  // Someone labels the Lease between the leader's read and its write: the write is a 409.
  const touch = () => {
    if (!interfere) return;
    interfere = false;
    const lease = store.leases.get("default/podfn-scheduler")!;
    store.leases.set("default/podfn-scheduler", { ...lease, metadata: { ...lease.metadata, labels: { touched: "yes" }, resourceVersion: `${lease.metadata!.resourceVersion}-labelled` } });
  };
  const a = candidate(store, "pod-a", watch, { kube: slowLeases(store.client(), 0, touch), logger });
  try {
    await until(() => a.leading, "pod-a to lead", 5000);
    interfere = true;
    await until(() => !interfere, "the Lease labelled", 5000);
    const before = renewals(store);
    // More renewals than one renew deadline (400 ms) holds at 50 ms apart.
    await until(() => renewals(store) >= before + 10, "renewals after the conflict", 5000);
    assert.equal(a.terms, 1);
    assert.equal(a.lostSignals[0]!.aborted, false);
    assert.equal(store.leases.get("default/podfn-scheduler")!.metadata?.labels?.touched, "yes", "the label is kept");
    assert.ok(!lines.some((l) => /another candidate|lost the leader lease/.test(`${String(l.msg)} ${String(l.reason)}`)), "no line says the leadership went");
  } finally {
    a.stop.abort();
    await a.done;
  }
});

test("a leader that reads another holder in the Lease stops leading at once, naming it", async () => {
  const store = leaseStore();
  const watch = { maxLeaders: 0, current: 0 };
  const { logger, lines } = captureLogs();
  const a = candidate(store, "pod-a", watch, { logger, leaseDurationSeconds: 30 });
  try {
    await until(() => a.leading, "pod-a to lead", 5000);
    const lease = store.leases.get("default/podfn-scheduler")!;
    store.leases.set("default/podfn-scheduler", { ...lease, spec: { ...lease.spec, holderIdentity: "pod-b" }, metadata: { ...lease.metadata, resourceVersion: "taken" } });
    await until(() => a.lostSignals[0]!.aborted, "pod-a to stop leading", 5000);
    assert.match(String(a.lostSignals[0]!.reason), /pod-b holds the Lease/);
    assert.ok(lines.some((l) => l.msg === "lost the leader lease" && /pod-b holds the Lease/.test(String(l.reason))));
  } finally {
    a.stop.abort();
    await a.done;
  }
});

test("on shutdown the Lease is released only after the term's work has settled", async () => {
  const store = leaseStore();
  const stop = new AbortController();
  let writesWhenSettled = -1;
  const done = runLeaderElection(
    {
      ...FAST,
      kube: store.client(),
      identity: "pod-a",
      logger: captureLogs().logger,
      onStartedLeading(lost) {
        // A run that takes a while to wind down after the abort.
        return new Promise<void>((resolve) => {
          lost.addEventListener("abort", () => setTimeout(() => {
            writesWhenSettled = store.writes.length;
            resolve();
          }, 100), { once: true });
        });
      },
    },
    stop.signal,
  );
  await until(() => store.writes.length >= 2, "a renewal", 5000);
  stop.abort();
  await done;
  const release = store.writes.map((w) => w.holder).lastIndexOf("");
  assert.notEqual(release, -1, "the Lease was released");
  assert.ok(writesWhenSettled >= 0, "the term settled");
  assert.ok(release >= writesWhenSettled, "the release was written after the term settled");
});

test("on shutdown the leader keeps renewing the Lease while the term's work winds down: no standby takes over before the release", async () => {
  const store = leaseStore();
  const stop = new AbortController();
  const leaseName = FAST.leaseName;
  let windDown!: () => void;
  let standbyTermsWhenSettled = -1;
  // The term winds down after the abort until the test ends it: longer than the Lease would last unrenewed.
  const a = runLeaderElection(
    {
      ...FAST,
      retryPeriodMs: 100,
      kube: store.client(),
      identity: "pod-a",
      logger: captureLogs().logger,
      onStartedLeading(lost) {
        return new Promise<void>((resolve) => {
          lost.addEventListener("abort", () => (windDown = () => ((standbyTermsWhenSettled = b.terms), resolve())), { once: true });
        });
      },
    },
    stop.signal,
  );
  await until(() => store.leases.get(`default/${leaseName}`)?.spec?.holderIdentity === "pod-a", "pod-a to lead", 5000);
  const watch = { maxLeaders: 0, current: 0 };
  const b = candidate(store, "pod-b", watch);
  try {
    stop.abort();
    await until(() => windDown !== undefined, "the term to wind down", 5000);
    const writes = store.writes.length;
    // Renewals after the shutdown, while the term winds down: more than the Lease's second holds unrenewed (100 ms apart, 400 ms deadline).
    await until(() => store.writes.slice(writes).filter((w) => w.holder === "pod-a").length >= 3, "renewals while the term winds down", 5000);
    assert.equal(b.terms, 0, "pod-b did not lead while pod-a's term wound down");
    windDown();
    await a;
    await until(() => b.leading, "pod-b to take over after the release", 5000);
    assert.equal(standbyTermsWhenSettled, 0);
    assert.equal(store.writes.filter((w) => w.holder === "").length, 1, "released once");
  } finally {
    stop.abort();
    b.stop.abort();
    windDown?.();
    await Promise.all([a, b.done]);
  }
});

test("a release whose write meets a 409 (the Lease written between its read and its write, still held by this candidate) reads again and releases", async () => {
  const store = leaseStore();
  const stop = new AbortController();
  let interfere = false;
  // Someone labels the Lease between the release's read and its write.
  const touch = () => {
    if (!interfere) return;
    interfere = false;
    const lease = store.leases.get("default/podfn-scheduler")!;
    store.leases.set("default/podfn-scheduler", { ...lease, metadata: { ...lease.metadata, labels: { touched: "yes" }, resourceVersion: `${lease.metadata!.resourceVersion}-labelled` } });
  };
  const { logger, lines } = captureLogs();
  let led = false;
  const done = runLeaderElection({ ...FAST, kube: slowLeases(store.client(), 0, touch), identity: "pod-a", logger, onStartedLeading: () => void (led = true) }, stop.signal);
  await until(() => led, "pod-a to lead", 5000);
  // The next read is the release's: the shutdown comes while pod-a waits between renewals.
  const renewed = renewals(store);
  await until(() => renewals(store) > renewed, "a renewal", 5000);
  interfere = true;
  stop.abort();
  await done;
  assert.equal(interfere, false, "the Lease was written between the release's read and its write");
  const lease = store.leases.get("default/podfn-scheduler")!;
  assert.equal(lease.spec?.holderIdentity, "", "released");
  assert.equal(lease.metadata?.labels?.touched, "yes", "the label is kept");
  assert.ok(lines.some((l) => l.msg === "released the leader lease"));
});

test("a term whose work fails ends the leadership: the Lease is released, the election rejects with the error, and no rejection goes unhandled", async () => {
  const store = leaseStore();
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => void unhandled.push(reason);
  process.on("unhandledRejection", onUnhandled);
  try {
    const logs = captureLogs();
    const stop = new AbortController();
    const done = runLeaderElection(
      {
        ...FAST,
        kube: store.client(),
        identity: "pod-a",
        logger: logs.logger,
        onStartedLeading() {
          return Promise.reject(new Error("cannot load the schedules"));
        },
      },
      stop.signal,
    );
    // Bounded: an election that went on leading would never settle.
    const outcome = await Promise.race([done.then(() => "resolved", (error: Error) => error.message), new Promise((resolve) => setTimeout(resolve, 5000, "still leading"))]);
    stop.abort();
    assert.equal(outcome, "cannot load the schedules");
    assert.equal(store.writes.at(-1)?.holder, "", "the Lease was released for another replica");
    assert.ok(logs.lines.some((r) => r.msg === "the leader's work failed: releasing the leader lease"));
    // An unhandled rejection is reported after the microtask queue drains: give it a turn.
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(unhandled, []);
  } finally {
    process.off("unhandledRejection", onUnhandled);
  }
});
