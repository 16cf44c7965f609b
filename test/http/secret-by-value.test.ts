/**
 * A caller-auth secret is censored by value from the log: a handler that throws an error whose
 * message carries the bearer token it was called with (as HTTP clients' errors do) leaves the
 * token out of every line. A function secret a handler read (`ctx.secret`) is censored from what
 * the caller is answered too: an HttpError's message, a result, a reply's body and headers.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { reply } from "../../runtime/function.js";
import { HttpError } from "../../runtime/errors.js";
import { giveSecrets } from "../../runtime/function-secrets.js";
import { loaded, postJson, req, testApp } from "./helpers.js";

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

test("a function secret the handler put in its answer is censored: an HttpError's message, a result, a reply's text body and headers", async () => {
  const SECRET = "https://hooks.slack.example/T000/B000/answer-secret-path";
  const fn = {
    ...loaded({
      name: "notify",
      input: z.object({ mode: z.enum(["error", "result", "reply", "bytes"]) }),
      handler: ({ input, secret }) => {
        const url = secret("slack-webhook-url");
        if (input.mode === "error") throw new HttpError(502, "upstream_failed", `POST ${url} answered 500`, { details: { url } });
        if (input.mode === "reply") return reply(201, `posted to ${url}`, { "content-type": "text/plain", location: url });
        if (input.mode === "bytes") return reply(200, new TextEncoder().encode(`posted to ${url}`), { "content-type": "application/octet-stream" });
        return { postedTo: url, quoted: `"${url}"` };
      },
    }),
    secrets: ["slack-webhook-url"],
  };
  giveSecrets(fn, { "slack-webhook-url": SECRET });
  const app = testApp([fn]);
  const answer = async (mode: string) => {
    const res = await app.fetch(postJson("/notify", { mode }));
    return { status: res.status, headers: res.headers, text: await res.text() };
  };
  const error = await answer("error");
  assert.equal(error.status, 502);
  assert.deepEqual(JSON.parse(error.text).error, { code: "upstream_failed", message: "POST [redacted] answered 500", requestId: error.headers.get("x-request-id"), details: { url: "[redacted]" } });
  const result = await answer("result");
  assert.equal(result.status, 200);
  assert.deepEqual(JSON.parse(result.text), { postedTo: "[redacted]", quoted: '"[redacted]"' });
  const replied = await answer("reply");
  assert.equal(replied.status, 201);
  assert.equal(replied.text, "posted to [redacted]");
  assert.equal(replied.headers.get("location"), "[redacted]");
  const bytes = await answer("bytes");
  assert.equal(bytes.text, "posted to [redacted]");
  for (const { text } of [error, result, replied, bytes]) assert.ok(!text.includes("answer-secret-path"), text);
});
