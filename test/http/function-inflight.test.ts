/**
 * `http.maxInflight`: a function's own cap on its calls running at once (its async ones until
 * they end), past which its callers get 429 naming it, while other functions are still served.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { deferred, loaded, postJson, req, testApp, until } from "./helpers.js";

test("past its own maxInflight a function answers 429 naming it; another function is still served", async () => {
  const gate = deferred();
  const app = testApp([loaded({ name: "slow", maxInflight: 1, handler: () => gate.promise.then(() => "done") }), loaded({ name: "quick", handler: () => "ok" })]);
  const held = app.fetch(postJson("/slow", {}));
  await until(() => app.drain.inflight === 1);
  const refused = await app.fetch(postJson("/slow", {}));
  assert.equal(refused.status, 429);
  assert.equal(refused.headers.get("retry-after"), "1");
  const body = (await refused.json()) as { error: { code: string; message: string } };
  assert.equal(body.error.code, "too_many_requests");
  assert.match(body.error.message, /^1 call of slow is in flight, the most it runs at once \(http\.maxInflight\): retry$/);
  assert.equal((await app.fetch(postJson("/quick", {}))).status, 200, "the cap is the function's, not the server's");
  gate.resolve();
  assert.equal((await held).status, 200);
  assert.equal((await app.fetch(postJson("/slow", {}))).status, 200, "a slot is free again");
});

test("an async function's running calls count against its maxInflight until they end", async () => {
  const gate = deferred();
  const app = testApp([loaded({ name: "sync-repo", async: true, maxInflight: 2, handler: () => gate.promise })]);
  assert.equal((await app.fetch(postJson("/sync-repo", {}))).status, 202);
  assert.equal((await app.fetch(postJson("/sync-repo", {}))).status, 202);
  await until(() => app.drain.inflight === 2);
  const refused = await app.fetch(postJson("/sync-repo", {}));
  assert.equal(refused.status, 429);
  assert.match(await refused.text(), /2 calls of sync-repo are in flight/);
  gate.resolve();
  await until(() => app.drain.inflight === 0);
  assert.equal((await app.fetch(postJson("/sync-repo", {}))).status, 202);
});

test("the server's --max-inflight still applies across functions, with its own message", async () => {
  const gate = deferred();
  const app = testApp([loaded({ name: "a", maxInflight: 5, handler: () => gate.promise }), loaded({ name: "b", handler: () => "ok" })], { maxInflight: 1 });
  const held = app.fetch(postJson("/a", {}));
  await until(() => app.drain.inflight === 1);
  const refused = await app.fetch(postJson("/b", {}));
  assert.equal(refused.status, 429);
  assert.match(await refused.text(), /the most this server runs at once/);
  gate.resolve();
  await held;
});

test("a GET function (admitted before any body is read) is held to its maxInflight too", async () => {
  const gate = deferred();
  const app = testApp([loaded({ name: "report", method: "GET", maxInflight: 1, handler: () => gate.promise.then(() => "done") })]);
  const held = app.fetch(req("/report"));
  await until(() => app.drain.inflight === 1);
  assert.equal((await app.fetch(req("/report"))).status, 429);
  gate.resolve();
  assert.equal((await held).status, 200);
});
