import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serveHttp } from "../../runtime/http/index.js";
import { captureLogger, deferred, fakeKube, loaded } from "./helpers.js";

const BEARER = "bearer-SECRET-7f3a9c";
const WRONG_BEARER = "guessed-SECRET-11aa22";
const HMAC_KEY = "hmac-SECRET-c0ffee";
const SA_TOKEN = "eyJhbGciOiJSUzI1NiJ9.sa-SECRET-payload.sig";
const FORGED_SA = "eyJhbGciOiJSUzI1NiJ9.forged-SECRET.sig";

test("no secret or presented credential appears in any log line of a run that used them all", async () => {
  const dir = mkdtempSync(join(tmpdir(), "podfn-secrets-"));
  writeFileSync(join(dir, "api-token"), `${BEARER}\n`);
  writeFileSync(join(dir, "hook-key"), `${HMAC_KEY}\n`);
  const log = captureLogger();
  const fake = fakeKube({ [SA_TOKEN]: "system:serviceaccount:ci:deployer" });
  const controller = new AbortController();
  const listening = deferred<string>();
  const done = serveHttp(
    {
      functions: [
        loaded({ name: "bearer", auth: { type: "bearer", secret: "api-token" }, handler: (ctx) => void ctx.log.info({ input: ctx.input }, "handled") }),
        loaded({ name: "hook", auth: { type: "hmac", secret: "hook-key" }, handler: () => "ok" }),
        loaded({ name: "sa", auth: { type: "serviceAccount", allow: ["system:serviceaccount:ci:deployer"] }, handler: () => "ok" }),
        loaded({
          name: "boom",
          auth: { type: "bearer", secret: "api-token" },
          handler: () => {
            throw new Error("failed");
          },
        }),
        loaded({ name: "nokey", auth: { type: "bearer", secret: "missing-key" }, handler: () => "never" }),
      ],
      kube: fake.kube,
      logger: log.logger,
      port: 0,
      host: "127.0.0.1",
      drainTimeoutMs: 1000,
      secretsDir: dir,
      requireSecrets: false,
      onListening: listening.resolve,
    },
    controller.signal,
  );
  try {
    const url = await listening.promise;
    const body = '{"ref":"main"}';
    const signature = createHmac("sha256", HMAC_KEY).update(body).digest("hex");
    const calls: [string, Record<string, string>, number][] = [
      ["/bearer", { authorization: `Bearer ${BEARER}` }, 204],
      ["/bearer?apiKey=query-SECRET-99", { authorization: `Bearer ${BEARER}` }, 204],
      ["/bearer", { authorization: `Bearer ${WRONG_BEARER}` }, 403],
      ["/bearer", { authorization: `Basic ${BEARER}` }, 401],
      ["/boom", { authorization: `Bearer ${BEARER}` }, 500],
      ["/nokey", { authorization: `Bearer ${BEARER}` }, 500],
      ["/hook", { "x-hub-signature-256": `sha256=${signature}` }, 200],
      ["/hook", { "x-hub-signature-256": `sha256=${createHmac("sha256", "wrong").update(body).digest("hex")}` }, 403],
      ["/sa", { authorization: `Bearer ${SA_TOKEN}` }, 200],
      ["/sa", { authorization: `Bearer ${FORGED_SA}` }, 401],
    ];
    for (const [path, headers, status] of calls) {
      const res = await fetch(`${url}${path}`, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });
      assert.equal(res.status, status, path);
      await res.arrayBuffer();
    }
  } finally {
    controller.abort();
    await done;
    rmSync(dir, { recursive: true, force: true });
  }
  const output = log.lines.join("");
  assert.ok(log.lines.length >= 10, "the run logged its calls");
  assert.ok(fake.reviewed.includes(SA_TOKEN), "the SA token was really used");
  for (const secret of [BEARER, WRONG_BEARER, HMAC_KEY, SA_TOKEN, FORGED_SA]) assert.ok(!output.includes(secret), `log output contains ${secret}`);
  assert.ok(!output.includes("SECRET"), "no fragment of any secret");
  assert.ok(log.records().some((r) => r.secretName === "missing-key"), "the missing secret is named");
});
