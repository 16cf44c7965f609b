import { test } from "node:test";
import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { linkAbort } from "../../runtime/signals.js";

test("linkAbort aborts the child with the parent's reason, and leaves no listener on the parent once unlinked", () => {
  const parent = new AbortController();
  for (let i = 0; i < 100; i++) {
    const child = new AbortController();
    const unlink = linkAbort(parent.signal, child);
    unlink();
  }
  assert.equal(getEventListeners(parent.signal, "abort").length, 0, "no listener piles up on a long-lived signal");
  const linked = new AbortController();
  const unlinked = new AbortController();
  linkAbort(parent.signal, linked);
  linkAbort(parent.signal, unlinked)();
  parent.abort(new Error("shutdown"));
  assert.equal(linked.signal.aborted, true);
  assert.equal((linked.signal.reason as Error).message, "shutdown");
  assert.equal(unlinked.signal.aborted, false);
});

test("linkAbort on an already aborted parent aborts the child at once", () => {
  const child = new AbortController();
  linkAbort(AbortSignal.abort("gone"), child)();
  assert.equal(child.signal.reason, "gone");
});
