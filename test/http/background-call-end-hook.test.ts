/**
 * `createHttpApp({ onBackgroundCallEnd })`: told of each `http.async` call's end, after its
 * `background call finished` line — its request id, status, code, and what it threw when it
 * failed (a result that cannot be sent counts as failed) — so the test harness can end a wait on
 * it. A hook that throws is logged; the call still ends (its slot let go).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { HttpError } from "../../runtime/errors.js";
import type { BackgroundCallEnd } from "../../runtime/http/index.js";
import { loaded, req, testApp, until } from "./helpers.js";

const post = (path: string, requestId: string) => req(path, { method: "POST", headers: { "x-request-id": requestId } });

test("the hook hears of each background call's end: returned, thrown, unsendable", async () => {
  const ends: BackgroundCallEnd[] = [];
  const refused = new HttpError(409, "busy", "the repo is locked");
  const app = testApp(
    [
      loaded({ name: "ok", async: true, handler: () => ({ done: true }) }),
      loaded({ name: "refuses", async: true, handler: async () => Promise.reject(refused) }),
      loaded({ name: "unsendable", async: true, handler: () => ({ n: 1n }) }),
    ],
    { onBackgroundCallEnd: (end) => void ends.push(end) },
  );
  for (const [path, id] of [["/ok", "r-ok"], ["/refuses", "r-refuses"], ["/unsendable", "r-unsendable"]] as const) {
    assert.equal((await app.fetch(post(path, id))).status, 202);
  }
  await until(() => ends.length === 3);
  const byId = new Map(ends.map((e) => [e.requestId, e]));
  assert.deepEqual(byId.get("r-ok"), { fn: "ok", requestId: "r-ok", status: 200, outcome: "success", threw: false });
  assert.deepEqual(byId.get("r-refuses"), { fn: "refuses", requestId: "r-refuses", status: 409, code: "busy", outcome: "client_error", threw: true, error: refused });
  const unsendable = byId.get("r-unsendable")!;
  assert.equal(unsendable.status, 500);
  assert.equal(unsendable.threw, true);
  assert.ok(unsendable.error instanceof Error);
  // Each told after its own line.
  for (const id of byId.keys()) assert.ok(app.records().some((r) => r.msg === "background call finished" && r.requestId === id));
});

test("a hook that throws is logged, and the call still ends", async () => {
  const app = testApp([loaded({ name: "ok", async: true, handler: () => "fine" })], {
    onBackgroundCallEnd() {
      throw new Error("hook broke");
    },
  });
  assert.equal((await app.fetch(post("/ok", "r-1"))).status, 202);
  await until(() => app.records().some((r) => r.msg === "background call's end hook failed" && r.requestId === "r-1"));
  assert.equal(app.drain.inflight, 0);
});
