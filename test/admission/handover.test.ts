/**
 * `dev`'s admission handover: a round stopped for a reload once its server listens keeps it
 * until released (then it stops and the round finishes); any other stop, or a stop before it
 * listens, stops it at once; the next server avoids the port the held one has.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { AdmissionHandover, admissionStop } from "../../runtime/admission/handover.js";

const RELOAD = "reload";

test("a round stopped for a reload hands its listening server over; release stops it and finishes the round", async () => {
  const handover = new AdmissionHandover((reason) => reason === RELOAD);
  const round = new AbortController();
  const finished: string[] = [];
  const side = admissionStop(round.signal, handover, async () => void finished.push("finished"));
  side.listening(9443);
  round.abort(RELOAD);
  await side.handedOver;
  assert.equal(side.held, true);
  assert.equal(side.signal.aborted, false);
  assert.equal(handover.portFor(9443), 0, "the held server has --admission-port: the next one takes any free port");
  assert.equal(handover.portFor(0), 0);
  assert.deepEqual(finished, []);
  await handover.release();
  assert.equal(side.signal.aborted, true);
  assert.equal(side.signal.reason, RELOAD);
  assert.deepEqual(finished, ["finished"]);
  assert.equal(handover.portFor(9443), 9443, "released: the port is free again");
  await handover.release(); // nothing held: nothing to do
  assert.deepEqual(finished, ["finished"]);
});

test("a server held on another port leaves --admission-port to the next one", async () => {
  const handover = new AdmissionHandover((reason) => reason === RELOAD);
  const round = new AbortController();
  const side = admissionStop(round.signal, handover, async () => undefined);
  side.listening(40123);
  round.abort(RELOAD);
  assert.equal(handover.portFor(9443), 9443);
  await handover.release();
});

test("any other stop, or a reload before it listens, or no handover, stops the server with its round", () => {
  for (const [handover, listens, reason] of [
    [new AdmissionHandover((r) => r === RELOAD), true, "SIGTERM"],
    [new AdmissionHandover((r) => r === RELOAD), false, RELOAD],
    [undefined, true, RELOAD],
  ] as const) {
    const round = new AbortController();
    const side = admissionStop(round.signal, handover, () => assert.fail("not held: nothing to finish later"));
    if (listens) side.listening(9443);
    round.abort(reason);
    assert.equal(side.signal.aborted, true);
    assert.equal(side.signal.reason, reason);
    assert.equal(side.held, false);
    assert.equal(handover?.portFor(9443) ?? 9443, 9443);
  }
});

test("a round already stopped stops its server at once", () => {
  const round = new AbortController();
  round.abort("SIGINT");
  const side = admissionStop(round.signal, new AdmissionHandover(() => true), () => assert.fail("not held"));
  assert.equal(side.signal.aborted, true);
});

test("a second server held while one still is (two reloads before a release) stops the first", async () => {
  const handover = new AdmissionHandover((reason) => reason === RELOAD);
  const finished: number[] = [];
  for (const n of [1, 2]) {
    const round = new AbortController();
    const side = admissionStop(round.signal, handover, async () => void finished.push(n));
    side.listening(9000 + n);
    round.abort(RELOAD);
  }
  await Promise.resolve();
  assert.deepEqual(finished, [1]);
  await handover.release();
  assert.deepEqual(finished, [1, 2]);
});
