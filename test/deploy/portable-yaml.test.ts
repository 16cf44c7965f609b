/**
 * Generated manifests read back as written by kubectl and kustomize (YAML 1.1: `yes`, `on`,
 * `2024-01-01`, `1_000` are a boolean, a timestamp, a number there unless quoted), and are the
 * same bytes whatever the machine's locale.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { CronJob } from "kubernetes-types/batch/v1.js";
import type { Deployment } from "kubernetes-types/apps/v1.js";
import { parseAllDocuments } from "yaml";
import { renderManifests } from "../../runtime/deploy/index.js";
import { loaded } from "./helpers.js";

// YAML 1.1's booleans, null, timestamp, sexagesimal and numbers, and what go-yaml v2 (kubectl)
// also reads as a number: Go's base prefixes in either case, a sign, underscores, a leading 0.
const TRICKY = ["yes", "on", "n", "2024-01-01", "1_000", "1:20", "0755", "~", "null", "1e3", "0o14", "0O14", "0X1F", "0B101", "-0o7", "+0o14", "08", "0x_1F", ".5", "1.", "0b-1", "0b+1", "0_b-1"];

test("values YAML 1.1 would read as booleans, timestamps or numbers are quoted: kubectl reads back the strings written", () => {
  const fns = [
    loaded({ name: "office", env: TRICKY.map((_, i) => `V${i}`), schedule: [{ cron: "0 8 * * 1-5", name: "on" }, { cron: "0 18 * * 1-5", name: "off" }], handler: () => 1 }),
    loaded({ name: "hook", env: ["FLAG"], http: { auth: "none" }, handler: () => 1 }),
  ];
  const env = Object.fromEntries([...TRICKY.map((v, i) => [`V${i}`, v]), ["FLAG", "yes"]]);
  const files = renderManifests(fns, { env });
  // As kubectl and kustomize read them: YAML 1.1.
  const objects = files.flatMap((f) => parseAllDocuments(f.content, { version: "1.1" }).map((d) => d.toJSON())).filter(Boolean);
  const crons = objects.filter((o) => o.kind === "CronJob") as CronJob[];
  assert.deepEqual(crons.map((c) => c.metadata!.labels!["podfn.dev/schedule"]).sort(), ["off", "on"]);
  for (const cron of crons) {
    const container = cron.spec!.jobTemplate.spec!.template.spec!.containers[0]!;
    assert.ok(container.args!.every((a) => typeof a === "string"), JSON.stringify(container.args));
    const values = Object.fromEntries((container.env ?? []).filter((e) => /^V\d+$/.test(e.name)).map((e) => [e.name, e.value]));
    assert.deepEqual(values, Object.fromEntries(TRICKY.map((v, i) => [`V${i}`, v])));
  }
  // go-yaml v2 reads a plain `0o14` or `08` as a number, where YAML 1.1 readers do not: each is written quoted.
  const cronFile = files.find((f) => f.path.startsWith("cronjob-office"))!.content;
  for (const value of TRICKY) assert.ok(cronFile.includes(`value: ${JSON.stringify(value)}`), `${value} is quoted`);
  const deployment = objects.find((o) => o.kind === "Deployment") as Deployment;
  assert.equal(deployment.spec!.template.spec!.containers[0]!.env!.find((e) => e.name === "FLAG")!.value, "yes");
});

test("the same files whatever the locale (Danish collation puts aa after z)", () => {
  const script = fileURLToPath(new URL("./fixtures/render-two-schedules.ts", import.meta.url));
  const render = (lang: string) => execFileSync(process.execPath, ["--conditions=source", "--import", "tsx", script], { env: { ...process.env, LANG: lang, LC_ALL: lang }, encoding: "utf8" });
  const danish = render("da_DK.UTF-8");
  assert.equal(danish, render("C.UTF-8"));
  assert.ok(danish.indexOf("podfn-office-aa") < danish.indexOf("podfn-office-z"), "code-unit order: aa before z");
});

test("NEL, LS and PS (line breaks to YAML 1.1) are written escaped in double quotes: kubectl neither fails on the file nor reads a space", () => {
  const values = ["a\u2028b", "a\u0085b", "x\ny\u2029z", "\u2028"];
  const fn = loaded({ name: "breaks", env: values.map((_, i) => `B${i}`), schedule: [{ cron: "0 8 * * *" }], handler: () => 1 });
  const files = renderManifests([fn], { env: Object.fromEntries(values.map((v, i) => [`B${i}`, v])) });
  const file = files.find((f) => f.path.startsWith("cronjob-breaks"))!.content;
  assert.doesNotMatch(file, /[\u0085\u2028\u2029]/, "no raw YAML 1.1 line break in the file");
  assert.ok(file.includes('value: "a\\u2028b"') && file.includes('value: "a\\u0085b"') && file.includes('value: "x\\ny\\u2029z"'), file);
  const cron = parseAllDocuments(file, { version: "1.1" }).map((d) => d.toJSON()).find((o) => o?.kind === "CronJob") as CronJob;
  const env = cron.spec!.jobTemplate.spec!.template.spec!.containers[0]!.env!;
  assert.deepEqual(values.map((_, i) => env.find((e) => e.name === `B${i}`)?.value), values);
});
