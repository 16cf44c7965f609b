/**
 * A function's declared `secrets`: `ctx.secret(name)` reads the file of that name in the
 * secrets folder (read again after it changes), its value censored from the logs; a name the
 * function does not declare, or a Secret not there, fails the call naming the secret and where
 * it was looked for, never its value; the test harness gives the values a test passes.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { z } from "zod";
import { defineFunction } from "../../runtime/function.js";
import { resolveDefinition } from "../../runtime/definition-schema.js";
import { invoke } from "../../runtime/invoke.js";
import { createLogger } from "../../runtime/log.js";
import { readFunctionSecretsFrom } from "../../runtime/function-secrets.js";
import { SecretMissingError } from "../../runtime/secrets.js";
import * as podfn from "../../runtime/index.js";
import { startHarness } from "../../runtime/testing/index.js";
import type { KubeClient } from "../../runtime/kube/api.js";

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "podfn-function-secrets-"));
  readFunctionSecretsFrom(dir);
});
after(() => rm(dir, { recursive: true, force: true }));

const notify = defineFunction({
  name: "notify",
  http: { auth: "none" },
  secrets: ["slack-webhook-url", "pager-token"],
  input: z.object({ read: z.string().default("slack-webhook-url") }),
  handler: ({ input, secret, log }) => {
    const value = secret(input.read);
    log.info({ url: value }, `posting to ${value}`);
    return { length: value.length };
  },
});

function load() {
  const result = resolveDefinition(notify, "notify.ts");
  assert.ok(result.ok, JSON.stringify(result));
  return result.fn;
}

function call(input: unknown = {}) {
  const lines: string[] = [];
  const logger = createLogger({ level: "info", destination: new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) }) as never });
  const kube = { namespace: "default", with: () => kube } as unknown as KubeClient;
  const result = invoke({ fn: load(), input, trigger: { type: "run" }, requestId: "r1", dryRun: false, kube, logger });
  return { result, lines };
}

test("ctx.secret reads the declared Secret's file, again after it changes; the value never reaches the log", async () => {
  await writeFile(join(dir, "slack-webhook-url"), "https://hooks.slack.example/T000/B000/first-secret-value\n");
  const first = call();
  assert.deepEqual(await first.result, { length: "https://hooks.slack.example/T000/B000/first-secret-value".length });
  await new Promise((resolve) => setImmediate(resolve));
  assert.ok(first.lines.length > 0, "the handler logged");
  assert.ok(first.lines.every((l) => !l.includes("first-secret-value")), first.lines.join(""));
  assert.match(first.lines.join(""), /posting to \[redacted\]/);
  // A rotated Secret: the file is replaced (a new inode), and read after the store's recheck (1 s).
  await rm(join(dir, "slack-webhook-url"));
  await writeFile(join(dir, "slack-webhook-url"), "https://hooks.slack.example/rotated-secret-value-2\n");
  const deadline = Date.now() + 5000;
  let length = 0;
  while (Date.now() < deadline && length !== "https://hooks.slack.example/rotated-secret-value-2".length) {
    length = ((await call().result) as { length: number }).length;
    if (length !== "https://hooks.slack.example/rotated-secret-value-2".length) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.equal(length, "https://hooks.slack.example/rotated-secret-value-2".length);
});

test("a name the function does not declare fails the call, saying to declare it", async () => {
  await writeFile(join(dir, "other"), "a-value-that-exists-here");
  const error = await call({ read: "other" }).result.catch((e: unknown) => e);
  assert.ok(error instanceof SecretMissingError);
  assert.match(error.message, /^secret "other" is not one the function declares: add it to its secrets \(secrets: \["other"\]\) so that its pods mount it \(function notify\)$/);
});

test("a declared Secret that is not there fails the call naming the file", async () => {
  const error = await call({ read: "pager-token" }).result.catch((e: unknown) => e);
  assert.ok(error instanceof SecretMissingError);
  assert.equal(error.code, "secret_missing");
  assert.equal(error.message, `secret "pager-token" is missing: no such file (${join(dir, "pager-token")})`);
});

test("SecretMissingError is exported from `podfn`, so a function can tell a missing Secret apart", async () => {
  const error = await call({ read: "pager-token" }).result.catch((e: unknown) => e);
  assert.equal((podfn as Record<string, unknown>).SecretMissingError, SecretMissingError);
  assert.ok(error instanceof podfn.SecretMissingError);
});

test("the harness gives a deployed function the values startHarness({ secrets }) holds, and names one it was not given", async () => {
  const given = await startHarness({ secrets: { "slack-webhook-url": "https://hooks.slack.example/from-the-test" } });
  const bare = await startHarness();
  try {
    assert.deepEqual(await (await given.deploy(notify)).run({}), { length: "https://hooks.slack.example/from-the-test".length });
    await assert.rejects((await bare.deploy(notify)).run({}), /secret "slack-webhook-url" was not given: startHarness\(\{ secrets: \{ "slack-webhook-url": "\.\.\." \} \}\)/);
  } finally {
    await given.stop();
    await bare.stop();
  }
});

test("two harnesses deploying one loaded function each give it their own values", async () => {
  const fn = load();
  const [a, b, bare] = await Promise.all([startHarness({ secrets: { "slack-webhook-url": "https://a.example/x" } }), startHarness({ secrets: { "slack-webhook-url": "https://bb.example/xy" } }), startHarness()]);
  try {
    const [inA, inB, inBare] = [await a.deploy(fn), await b.deploy(fn), await bare.deploy(fn)];
    assert.deepEqual(await inA.run({}), { length: "https://a.example/x".length });
    assert.deepEqual(await inB.run({}), { length: "https://bb.example/xy".length });
    await assert.rejects(inBare.run({}), /secret "slack-webhook-url" was not given/);
    assert.deepEqual(await inA.run({}), { length: "https://a.example/x".length }, "still its own harness's");
  } finally {
    await Promise.all([a.stop(), b.stop(), bare.stop()]);
  }
});

test("secrets must be Secret names, each once", () => {
  const problems = (secrets: unknown) => {
    const result = resolveDefinition({ ...notify, secrets } as never, "notify.ts");
    return result.ok ? "" : result.problems.join("\n");
  };
  assert.match(problems(["Slack_URL"]), /^secrets\[0\]: must be a Secret name/);
  assert.match(problems(["a", "a"]), /^secrets: names a Secret twice$/);
  assert.equal(problems([]), "");
});
