/**
 * A tick fired by one leader is not fired again by the next, whatever their clocks: each leader
 * records the ticks it fires in the scheduler Lease before running them, and a leader skips a
 * tick the Lease records. A tick that fell while no replica led is run by the next leader as it
 * takes over (the latest missed, within startingDeadlineSeconds), as a CronJob runs its latest
 * missed schedule. Clocks here are the test's, set by hand (one per runtime, apart by a
 * skew); the Lease is the in-memory store's.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { runSchedules } from "../../runtime/schedule/run-schedules.js";
import { LAST_SCHEDULE_TIMES } from "../../runtime/schedule/tick-record.js";
import { KubeConnectionError } from "../../runtime/kube/errors.js";
import { leaseStore, type LeaseStore } from "./fake-leases.js";
import { captureLogs, loaded, until } from "./helpers.js";

/** Short timings: the lease lapses after 1 s, candidates retry every 50 ms, a leader gives up after 400 ms. */
const FAST = { leaseName: "podfn-scheduler", leaseDurationSeconds: 1, retryPeriodMs: 50, renewDeadlineMs: 400 };

interface Runtime {
  leading: boolean;
  client: ReturnType<LeaseStore["client"]>;
  stop: AbortController;
  done: Promise<void>;
  lines: Record<string, unknown>[];
}

/** A `podfn serve` replica's scheduler with one every-minute in-process schedule, on the clock `now`. */
function runtime(store: LeaseStore, identity: string, now: () => number, fired: { by: string; at: number }[], startingDeadlineSeconds?: number): Runtime {
  const stop = new AbortController();
  const { logger, lines } = captureLogs();
  const schedule = { cron: "* * * * *", mode: "in-process" as const, ...(startingDeadlineSeconds === undefined ? {} : { startingDeadlineSeconds }) };
  const fn = loaded({ name: "tick", schedule, handler: () => void fired.push({ by: identity, at: now() }) });
  const client = store.client();
  const r: Runtime = { leading: false, client, stop, done: Promise.resolve(), lines };
  r.done = runSchedules(
    { functions: [fn], kube: client, logger, now, maxWaitMs: 5, leaderElection: { ...FAST, identity }, onLeadership: (leading) => void (r.leading = leading) },
    stop.signal,
  );
  return r;
}

const AT = (hms: string) => Date.parse(`2025-01-01T${hms}Z`);

for (const [skew, gone] of [[-45_000, "shut down"], [-5000, "cut off from the API server"]] as const) {
  test(`a new leader whose clock is ${-skew / 1000} s behind the last leader's (${gone}) does not fire again the tick that leader fired; it fires the next`, async () => {
    const store = leaseStore();
    const fired: { by: string; at: number }[] = [];
    let time = AT("00:00:30");
    const a = runtime(store, "pod-a", () => time, fired);
    await until(() => a.leading, "pod-a to lead", 5000);
    time = AT("00:01:00");
    await until(() => fired.length === 1, "pod-a's run of the 00:01 tick", 5000);
    // pod-b takes over, its clock `skew` from pod-a's: 00:01 has not come on it yet.
    const b = runtime(store, "pod-b", () => time + skew, fired);
    if (gone === "shut down") a.stop.abort();
    else a.client.down = true;
    await until(() => b.leading, "pod-b to lead", 5000);
    try {
      // The 00:01 tick comes due on pod-b's clock.
      time = AT("00:01:01") - skew;
      await until(() => fired.length > 1 || b.lines.some((l) => l.outcome === "skipped"), "pod-b to fire or skip the 00:01 tick", 5000);
      assert.deepEqual(fired.map((f) => f.by), ["pod-a"], "pod-b did not fire the tick pod-a fired");
      assert.ok(b.lines.some((l) => l.outcome === "skipped" && l.scheduled === "2025-01-01T00:01:00.000Z" && l.level === "info"), "logged (info) as fired by the last leader");
      time = AT("00:02:01") - skew;
      await until(() => fired.length === 2, "pod-b's run of the 00:02 tick", 5000);
      assert.equal(fired[1]!.by, "pod-b");
    } finally {
      a.stop.abort();
      b.stop.abort();
      await Promise.all([a.done, b.done]);
    }
  });
}

test("a new leader whose clock is ahead fires the next tick when due on its clock: the record holds back only the ticks fired", async () => {
  const store = leaseStore();
  const fired: { by: string; at: number }[] = [];
  let time = AT("00:00:30");
  const a = runtime(store, "pod-a", () => time, fired);
  await until(() => a.leading, "pod-a to lead", 5000);
  time = AT("00:01:00");
  await until(() => fired.length === 1, "pod-a's run of the 00:01 tick", 5000);
  const b = runtime(store, "pod-b", () => time + 45_000, fired);
  a.stop.abort();
  await a.done;
  await until(() => b.leading, "pod-b to lead", 5000);
  try {
    time = AT("00:01:16");
    await until(() => fired.length === 2, "pod-b's run of the 00:02 tick", 5000);
    assert.equal(fired[1]!.by, "pod-b");
    assert.equal(fired[1]!.at, AT("00:02:01"));
  } finally {
    b.stop.abort();
    await b.done;
  }
});

test("a leader that cannot record a tick in the Lease does not run it (the next leader could run it again): skipped and logged", async () => {
  const store = leaseStore();
  const fired: { by: string; at: number }[] = [];
  let time = AT("00:00:30");
  const a = runtime(store, "pod-a", () => time, fired);
  await until(() => a.leading, "pod-a to lead", 5000);
  // Writes that record a tick fail; renewals go through.
  const replace = a.client.leases.replace.bind(a.client.leases);
  a.client.leases.replace = (async (...args: Parameters<typeof replace>) => {
    if (args[0].metadata?.annotations?.[LAST_SCHEDULE_TIMES]) throw new KubeConnectionError("PUT lease: connection reset");
    return replace(...args);
  }) as typeof replace;
  try {
    time = AT("00:01:00");
    await until(() => a.lines.some((l) => l.outcome === "skipped"), "the tick skipped", 5000);
    assert.deepEqual(fired, []);
    const skipped = a.lines.find((l) => l.outcome === "skipped")!;
    assert.equal(skipped.level, "warn");
    assert.match(String(skipped.msg), /could not be recorded in the scheduler Lease/);
    assert.equal(a.leading, true);
  } finally {
    a.stop.abort();
    await a.done;
  }
});

for (const deadline of [undefined, 10] as const) {
  test(`ticks that fell while no replica led: the next leader ${deadline === undefined ? "runs the latest missed one as it takes over, once" : "skips it when it is later than startingDeadlineSeconds"}`, async () => {
    const store = leaseStore();
    const fired: { by: string; at: number }[] = [];
    let time = AT("00:00:30");
    const a = runtime(store, "pod-a", () => time, fired, deadline);
    await until(() => a.leading, "pod-a to lead", 5000);
    time = AT("00:01:00");
    await until(() => fired.length === 1, "pod-a's run of the 00:01 tick", 5000);
    a.stop.abort();
    await a.done;
    // No replica leads while 00:02 and 00:03 fall.
    time = AT("00:03:30");
    const b = runtime(store, "pod-b", () => time, fired, deadline);
    try {
      await until(() => b.leading, "pod-b to lead", 5000);
      if (deadline === undefined) {
        await until(() => fired.length === 2, "pod-b's run of the missed 00:03 tick", 5000);
        assert.deepEqual(fired[1], { by: "pod-b", at: AT("00:03:30") });
        assert.ok(b.lines.some((l) => l.lastScheduled === "2025-01-01T00:01:00.000Z" && /a tick fell while no replica led/.test(String(l.msg))), JSON.stringify(b.lines));
        assert.match(String((await b.client.leases.get("podfn-scheduler")).metadata?.annotations?.[LAST_SCHEDULE_TIMES]), /"tick\/0":"2025-01-01T00:03:00.000Z"/);
      } else {
        await until(() => b.lines.some((l) => l.outcome === "skipped"), "the late tick skipped", 5000);
        assert.equal(fired.length, 1);
        assert.match(String(b.lines.find((l) => l.outcome === "skipped")!.msg), /startingDeadlineSeconds \(10\)/);
      }
      // The next tick is run as usual, once.
      time = AT("00:04:00");
      await until(() => fired.length === (deadline === undefined ? 3 : 2), "pod-b's run of the 00:04 tick", 5000);
      assert.equal(fired.at(-1)!.at, AT("00:04:00"));
    } finally {
      b.stop.abort();
      await b.done;
    }
  });
}

test("a tick Forbid skipped is not run later by the next leader: the record holds the ticks a leader handled, run or skipped", async () => {
  const store = leaseStore();
  const runs: number[] = [];
  const schedule = { cron: "* * * * *", mode: "in-process" as const, concurrencyPolicy: "Forbid" as const };
  let time = AT("00:00:30");
  // A run that lasts until its leader stops it (a long job, every minute).
  const fn = loaded({ name: "tick", schedule, handler: ({ signal }) => (runs.push(time), new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }))) });
  const replica = (identity: string) => {
    const stop = new AbortController();
    const { logger, lines } = captureLogs();
    const r = { leading: false, stop, lines, done: Promise.resolve() };
    r.done = runSchedules({ functions: [fn], kube: store.client(), logger, now: () => time, maxWaitMs: 5, leaderElection: { ...FAST, identity }, onLeadership: (leading) => void (r.leading = leading) }, stop.signal);
    return r;
  };
  const a = replica("pod-a");
  await until(() => a.leading, "pod-a to lead", 5000);
  time = AT("00:01:00");
  await until(() => runs.length === 1, "pod-a's run of the 00:01 tick", 5000);
  time = AT("00:02:00");
  await until(() => a.lines.some((l) => l.outcome === "skipped" && /concurrencyPolicy Forbid/.test(String(l.msg))), "pod-a's Forbid skip of the 00:02 tick", 5000);
  // pod-a shuts down (its run stopped), pod-b takes over before 00:03.
  a.stop.abort();
  await a.done;
  time = AT("00:02:30");
  const b = replica("pod-b");
  try {
    await until(() => b.leading, "pod-b to lead", 5000);
    time = AT("00:03:00");
    await until(() => runs.length === 2, "pod-b's first run", 5000);
    assert.equal(runs[1], AT("00:03:00"), "pod-b's first run is the 00:03 tick, not the 00:02 one pod-a skipped");
    assert.ok(!b.lines.some((l) => /a tick fell while no replica led/.test(String(l.msg))), JSON.stringify(b.lines));
  } finally {
    b.stop.abort();
    await b.done;
  }
});

test("the ticks of several schedules due at one moment are recorded with one write of the Lease, and each runs once", async () => {
  const store = leaseStore();
  const fired: string[] = [];
  let time = AT("00:00:30");
  const stop = new AbortController();
  const { logger } = captureLogs();
  const client = store.client();
  let leading = false;
  const functions = ["one", "two", "three"].map((name) => loaded({ name, schedule: { cron: "* * * * *", mode: "in-process" }, handler: () => void fired.push(name) }));
  const done = runSchedules({ functions, kube: client, logger, now: () => time, maxWaitMs: 5, leaderElection: { ...FAST, identity: "pod-a" }, onLeadership: (l) => void (leading = l) }, stop.signal);
  // Writes that change the record (renewals carry it unchanged).
  let recordWrites = 0;
  const replace = client.leases.replace.bind(client.leases);
  client.leases.replace = (async (...args: Parameters<typeof replace>) => {
    const stored = [...store.leases.values()][0]?.metadata?.annotations?.[LAST_SCHEDULE_TIMES];
    if (args[0].metadata?.annotations?.[LAST_SCHEDULE_TIMES] !== stored) recordWrites++;
    return replace(...args);
  }) as typeof replace;
  try {
    await until(() => leading, "pod-a to lead", 5000);
    time = AT("00:01:00");
    await until(() => fired.length === 3, "the three runs of the 00:01 ticks", 5000);
    assert.deepEqual([...fired].sort(), ["one", "three", "two"]);
    const lease = [...store.leases.values()][0]!;
    assert.deepEqual(JSON.parse(lease.metadata!.annotations![LAST_SCHEDULE_TIMES]!), { "one/0": "2025-01-01T00:01:00.000Z", "two/0": "2025-01-01T00:01:00.000Z", "three/0": "2025-01-01T00:01:00.000Z" });
    assert.equal(recordWrites, 1, "one write records the three ticks");
  } finally {
    stop.abort();
    await done;
  }
});

test("a tick recorded in the Lease just as the leadership ended is not run, and the log says the next leader will not run it either", async () => {
  const store = leaseStore();
  const fired: { by: string; at: number }[] = [];
  let time = AT("00:00:30");
  const a = runtime(store, "pod-a", () => time, fired);
  await until(() => a.leading, "pod-a to lead", 5000);
  // The write recording the tick lands, then the process is told to stop before its answer is read.
  const replace = a.client.leases.replace.bind(a.client.leases);
  a.client.leases.replace = (async (...args: Parameters<typeof replace>) => {
    const written = await replace(...args);
    if (args[0].metadata?.annotations?.[LAST_SCHEDULE_TIMES]) {
      a.stop.abort();
      await new Promise((resolve) => setImmediate(resolve));
    }
    return written;
  }) as typeof replace;
  time = AT("00:01:00");
  await a.done;
  assert.deepEqual(fired, []);
  const line = a.lines.find((l) => l.outcome === "skipped");
  assert.ok(line, JSON.stringify(a.lines));
  assert.equal(line.level, "warn");
  assert.equal(line.scheduled, "2025-01-01T00:01:00.000Z");
  assert.match(String(line.msg), /leadership ended as it was recorded/);
});

test("a leader writing the record drops the entries of schedules it does not have once their tick is over a day old, and keeps younger ones (an old replica of a rollout may lead again)", async () => {
  const store = leaseStore();
  const day = 24 * 3600_000;
  const entries = { "deleted/0": new Date(AT("00:00:30") - day - 60_000).toISOString(), "old-version/0": new Date(AT("00:00:30") - day + 60_000).toISOString(), "garbage/0": "yesterday" };
  store.leases.set("default/podfn-scheduler", { apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name: "podfn-scheduler", namespace: "default", resourceVersion: "1", annotations: { [LAST_SCHEDULE_TIMES]: JSON.stringify(entries) } }, spec: { holderIdentity: "" } });
  const fired: { by: string; at: number }[] = [];
  let time = AT("00:00:30");
  const a = runtime(store, "pod-a", () => time, fired);
  try {
    await until(() => a.leading, "pod-a to lead", 5000);
    time = AT("00:01:00");
    await until(() => fired.length === 1, "pod-a's run of the 00:01 tick", 5000);
    const record = JSON.parse((await a.client.leases.get("podfn-scheduler")).metadata!.annotations![LAST_SCHEDULE_TIMES]!) as Record<string, string>;
    assert.deepEqual(record, { "old-version/0": entries["old-version/0"], "tick/0": "2025-01-01T00:01:00.000Z" });
  } finally {
    a.stop.abort();
    await a.done;
  }
});

test("the Lease deleted while no replica leads: the next leader creates it with an empty record and catches up no tick, neither one the last leader ran nor one missed; it fires the next", async () => {
  const store = leaseStore();
  const fired: { by: string; at: number }[] = [];
  let time = AT("00:00:30");
  const a = runtime(store, "pod-a", () => time, fired);
  await until(() => a.leading, "pod-a to lead", 5000);
  time = AT("00:01:00");
  await until(() => fired.length === 1, "pod-a's run of the 00:01 tick", 5000);
  a.stop.abort();
  await a.done;
  store.leases.delete("default/podfn-scheduler");
  // No replica leads while 00:02 and 00:03 fall.
  time = AT("00:03:30");
  const b = runtime(store, "pod-b", () => time, fired);
  try {
    await until(() => b.leading, "pod-b to lead", 5000);
    time = AT("00:04:00");
    await until(() => fired.length === 2, "pod-b's run of the 00:04 tick", 5000);
    assert.deepEqual(fired, [{ by: "pod-a", at: AT("00:01:00") }, { by: "pod-b", at: AT("00:04:00") }]);
    assert.ok(!b.lines.some((l) => /a tick fell while no replica led/.test(String(l.msg))), JSON.stringify(b.lines));
  } finally {
    b.stop.abort();
    await b.done;
  }
});

test("the Lease deleted under its leader: the leader creates it anew with the record it held, so a next leader whose clock is behind does not run again the tick it ran", async () => {
  const store = leaseStore();
  const fired: { by: string; at: number }[] = [];
  let time = AT("00:00:30");
  const a = runtime(store, "pod-a", () => time, fired);
  await until(() => a.leading, "pod-a to lead", 5000);
  time = AT("00:01:00");
  await until(() => fired.length === 1, "pod-a's run of the 00:01 tick", 5000);
  const creates = store.writes.filter((w) => w.verb === "create").length;
  store.leases.delete("default/podfn-scheduler");
  await until(() => store.writes.filter((w) => w.verb === "create").length > creates, "pod-a to create the Lease anew", 5000);
  assert.match(String(store.leases.get("default/podfn-scheduler")!.metadata?.annotations?.[LAST_SCHEDULE_TIMES]), /"tick\/0":"2025-01-01T00:01:00.000Z"/);
  // pod-b takes over, its clock 45 s behind pod-a's: 00:01 has not come on it yet.
  const skew = -45_000;
  const b = runtime(store, "pod-b", () => time + skew, fired);
  a.stop.abort();
  await a.done;
  try {
    await until(() => b.leading, "pod-b to lead", 5000);
    time = AT("00:01:01") - skew;
    await until(() => fired.length > 1 || b.lines.some((l) => l.outcome === "skipped"), "pod-b to fire or skip the 00:01 tick", 5000);
    assert.deepEqual(fired.map((f) => f.by), ["pod-a"], "pod-b did not fire the tick pod-a fired");
  } finally {
    b.stop.abort();
    await b.done;
  }
});
