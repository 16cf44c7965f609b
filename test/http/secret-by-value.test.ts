/**
 * A caller-auth secret is censored by value from the log: a handler that throws an error whose
 * message carries the bearer token it was called with (as HTTP clients' errors do) leaves the
 * token out of every line.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loaded, req, testApp } from "./helpers.js";

const TOKEN = "bearer-t0ken-for-the-log-test";
const secretsDir = mkdtempSync(join(tmpdir(), "podfn-secret-value-"));
writeFileSync(join(secretsDir, "api-token"), `${TOKEN}\n`);
after(() => rmSync(secretsDir, { recursive: true, force: true }));

test("a handler's error carrying the token it was called with: 500 with the request id, the token nowhere in the log", async () => {
  const app = testApp(
    [
      loaded({
        name: "leaky",
        method: "GET",
        auth: { type: "bearer", secret: "api-token" },
        handler: ({ trigger }) => {
          const header = trigger.type === "http" ? trigger.headers.get("authorization") : "";
          throw new Error(`upstream refused ${header} (token ${TOKEN})`);
        },
      }),
    ],
    { secretsDir },
  );
  const res = await app.fetch(req("/leaky", { headers: { authorization: `Bearer ${TOKEN}` } }));
  assert.equal(res.status, 500);
  assert.ok(!(await res.text()).includes(TOKEN));
  const lines = app.lines.join("");
  assert.match(lines, /"msg":"call failed"/);
  assert.ok(!lines.includes(TOKEN), lines);
  assert.match(lines, /upstream refused .*\(token \[redacted\]\)/);
});
