/**
 * The termination message: why a run or serve failed, written where the kubelet reads it
 * (`/dev/termination-log` in a container) and copies it into the pod's status. Replaced whole,
 * at most the kubelet's 4096 bytes cut on a character, credentials censored, never made where
 * there is no file (outside a pod).
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { failureText, fitTerminationMessage, TERMINATION_MESSAGE_MAX_BYTES, writeTerminationMessage } from "../../runtime/termination-message.js";
import { PodfnError } from "../../runtime/errors.js";

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "podfn-termination-"));
});
after(() => rm(dir, { recursive: true, force: true }));

test("replaces what the file held with the message, credentials in it censored", () => {
  const path = join(dir, "termination-log");
  writeFileSync(path, "an older, longer message that must not show through\n");
  assert.equal(writeTerminationMessage(path, "tidy: the handler failed: GET with Authorization: Bearer abc.def.ghi refused (exit 1)"), true);
  const written = readFileSync(path, "utf8");
  assert.match(written, /^tidy: the handler failed: GET with Authorization: Bearer /);
  assert.doesNotMatch(written, /abc\.def\.ghi/);
  assert.doesNotMatch(written, /older/);
});

test("a missing file is not made (outside a pod there is none); an empty path writes nothing", () => {
  const path = join(dir, "absent", "termination-log");
  assert.equal(writeTerminationMessage(path, "x"), false);
  assert.equal(existsSync(path), false);
  assert.equal(writeTerminationMessage(join(dir, "not-there"), "x"), false);
  assert.equal(existsSync(join(dir, "not-there")), false);
  assert.equal(writeTerminationMessage(undefined, "x"), false);
});

test("a message over 4096 bytes is cut on a character boundary and marked", () => {
  const long = "é".repeat(3000); // 6000 bytes, 2 each
  const fitted = fitTerminationMessage(long);
  assert.ok(fitted.length <= TERMINATION_MESSAGE_MAX_BYTES, String(fitted.length));
  const text = fitted.toString("utf8");
  assert.ok(text.endsWith("…"));
  assert.doesNotMatch(text, /\uFFFD/);
  assert.equal(fitTerminationMessage("short").toString(), "short");
  assert.equal(fitTerminationMessage("x".repeat(4096)).length, 4096);
});

test("failureText gives an error's message and code, and never throws", () => {
  assert.equal(failureText(new PodfnError("load_failed", "cannot load functions")), "cannot load functions [load_failed]");
  assert.equal(failureText("plain"), "plain");
  const hostile = new Proxy({}, { get() { throw new Error("trap"); } });
  assert.equal(typeof failureText(hostile), "string");
});
