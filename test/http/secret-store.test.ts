import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SecretMissingError, SecretStore } from "../../runtime/secrets.js";

let dir: string;
before(() => (dir = mkdtempSync(join(tmpdir(), "podfn-store-"))));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("SecretStore", () => {
  test("reads one file per secret with trailing newlines trimmed", () => {
    writeFileSync(join(dir, "a"), "value-a\r\n\n");
    assert.equal(new SecretStore({ dir }).secret("a").value(), "value-a");
  });

  test("a value too short to censor, or with a space or tab at an end, is doubted once per value read, never named", () => {
    const told: string[] = [];
    const store = new SecretStore({ dir, recheckMs: 0, env: { SHORT: "abc" }, onDoubt: (secret, why) => told.push(`${secret.name}: ${why}`) });
    writeFileSync(join(dir, "spaced"), "a-long-enough-token \n");
    writeFileSync(join(dir, "good"), "a-long-enough-token\n");
    assert.equal(store.secret("spaced").value(), "a-long-enough-token ");
    store.secret("spaced").value();
    store.secret("good").value();
    store.secret("short", "SHORT").value();
    assert.deepEqual(told, [
      "spaced: begins or ends with a space or tab: HTTP trims header values, so a bearer token sent in one never matches it",
      "short: is shorter than 8 characters: too short to be censored from logs, and easily guessed (use e.g. openssl rand -hex 32)",
    ]);
    writeFileSync(join(dir, "spaced"), "\tshort");
    store.secret("spaced").value();
    assert.equal(told.length, 4, "a new value is judged again");
    writeFileSync(join(dir, "hmac-key"), " an-hmac-key-with-spaces ");
    store.secret("hmac-key", undefined, "key").value();
    assert.equal(told.length, 4, "an HMAC key is never sent: spaces at its ends are no mistake");
    assert.ok(told.every((t) => !t.includes("a-long-enough-token") && !t.includes("abc")));
  });

  test("re-reads a file after it changes", () => {
    writeFileSync(join(dir, "rot"), "old");
    const secret = new SecretStore({ dir, recheckMs: 0 }).secret("rot");
    assert.equal(secret.value(), "old");
    writeFileSync(join(dir, "rot"), "newer-value");
    assert.equal(secret.value(), "newer-value");
  });

  test("a missing or empty file is a SecretMissingError naming the secret and path, never a value", () => {
    writeFileSync(join(dir, "gone"), "was-here");
    const store = new SecretStore({ dir, recheckMs: 0 });
    const gone = store.secret("gone");
    assert.equal(gone.value(), "was-here");
    unlinkSync(join(dir, "gone"));
    assert.throws(
      () => gone.value(),
      (e: unknown) => e instanceof SecretMissingError && e.code === "secret_missing" && e.path === join(dir, "gone") && !e.message.includes("was-here"),
    );
    writeFileSync(join(dir, "empty"), "\n");
    assert.throws(() => store.secret("empty").value(), /"empty" is empty/);
  });

  test("a secrets folder that is a file (--secrets-dir given a file) is a SecretMissingError saying so, not an ENOTDIR thrown through", () => {
    writeFileSync(join(dir, "not-a-folder"), "x");
    const store = new SecretStore({ dir: join(dir, "not-a-folder"), recheckMs: 0 });
    assert.throws(
      () => store.secret("api-token").value(),
      (e: unknown) => e instanceof SecretMissingError && e.message === `secret "api-token" is missing: ${join(dir, "not-a-folder")} is not a folder (${join(dir, "not-a-folder", "api-token")})`,
    );
  });

  test("names that would leave the folder are refused", () => {
    for (const name of ["../etc/passwd", "a/b", ".."]) assert.throws(() => new SecretStore({ dir }).secret(name), SecretMissingError);
  });

  test("a secret may come from an environment variable", () => {
    const store = new SecretStore({ dir, env: { TOKEN: "from-env\n" } });
    assert.equal(store.secret("t", "TOKEN").value(), "from-env");
    assert.throws(() => store.secret("t", "UNSET").value(), (e: unknown) => e instanceof SecretMissingError && e.path === "env:UNSET");
  });
});
