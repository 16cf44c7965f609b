/**
 * `acceptsDefinition` (definition-accept.ts) decides as the definition's zod schema does: over
 * generated definitions, valid and broken in every field, both accept or both refuse, and what
 * both accept zod returns unchanged, so the loader may use a definition as it is without zod and
 * every refusal is explained by zod's issues.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { acceptsDefinition } from "../../runtime/definition-accept.js";
import { definitionZodSchema, resolveDefinition } from "../../runtime/definition-schema.js";
import { defineFunction } from "../../runtime/function.js";
import { random } from "../helpers/random.js";

const next = random(1129);
/** How noisy the definition being generated is: quiet ones pick among the first (valid) choices. */
let noise = 1;
const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * (noise < 1 ? Math.min(2, list.length) : list.length))]!;
const chance = (p: number) => next() < p;
/** An unlikely mistake (an unknown key, a wrong auth): rarer still when quiet. */
const mistake = (p: number) => chance(p * noise);
const handler = () => ({});
const schema = z.object({ n: z.number() });
/** Values that are wrong nearly everywhere. */
const JUNK: unknown[] = [undefined, null, "", 0, -1, 1.5, true, "x", [], {}, [""], () => 1];

/** With probability `p` (times `noise`) a junk value instead of `good()`. */
const maybe = <T>(good: () => T, p = 0.08): unknown => (chance(p * noise) ? pick(JUNK) : good());

const strings = {
  name: ["noop", "list-pods", "a", "http", "Bad", "-x", "x-", "a".repeat(52), "a".repeat(53), "a.b"],
  secret: ["api-token", "a.b", "A", "tok-", "t"],
  sa: ["system:serviceaccount:ops:bot", "system:serviceaccount:ops:*", "system:serviceaccount:Ops:bot", "ops:bot"],
  path: ["/x", "/a/b-c_d.e~", "/healthz", "/metrics", "x", "/sp ace", "/", "/x/../healthz", "/a/.", "/a/.b"],
  cron: ["0 3 * * *", "*/15 * * * *", "@daily", "0 0 * * * *", "61 * * * *", "", "*,5 * * * *", "5,5 * * * *"],
  tz: ["UTC", "Europe/Paris", "Mars/Base", "", "utc", "Europe/PARIS", "US/Eastern"],
  verb: ["get", "list", "*", "GET", "fly", "create", "deletecollection"],
  method: ["GET", "POST", "DELETE", "get", "TRACE"],
};

function permission(): unknown {
  const p: Record<string, unknown> = {
    apiGroups: maybe(() => (chance(0.1) ? [] : [pick(["", "apps", "batch"])])),
    resources: maybe(() => (chance(0.1) ? [""] : ["pods"])),
    verbs: maybe(() => (chance(0.1) ? [] : [pick(strings.verb), ...(chance(0.3) ? [pick(strings.verb)] : [])])),
  };
  if (chance(0.2)) p.resourceNames = maybe(() => (chance(0.2) ? [] : [pick(["a", ""])]));
  if (chance(0.2)) p.namespace = maybe(() => pick(["ops", "", "*", "Other_NS", "a".repeat(64)]));
  if (mistake(0.05)) p.extra = 1;
  return maybe(() => p, 0.03);
}

/** An egress entry: CIDRs --egress-cidrs takes or refuses, ports in and out of 1–65535. */
function egressRule(): unknown {
  const e: Record<string, unknown> = { cidr: maybe(() => pick(["140.82.112.0/20", "fd00::/8", "10.0.0.1/32", "10.0.0.0", "10.0.0.0/33", "fe80::1%eth0/64", "a,b"])) };
  if (chance(0.5)) e.ports = maybe(() => (chance(0.1) ? [] : [pick([443, 80, 65_535, 1, 0, 65_536, 44.3, "443"])]));
  if (mistake(0.03)) e.port = 443;
  return maybe(() => e, 0.03);
}

function auth(): unknown {
  switch (Math.floor(next() * (noise < 1 ? 4 : 5))) {
    case 0:
      return "none";
    case 1:
      return { type: "bearer", secret: maybe(() => pick(strings.secret)), ...(chance(0.3) ? { env: maybe(() => pick(["TOKEN", "", "PORT", "1X", "PODFN_APP", "api token"])) } : {}) };
    case 2:
      return {
        type: "hmac",
        secret: maybe(() => pick(strings.secret)),
        ...(chance(0.3) ? { header: maybe(() => pick(["x-sig", ""])) } : {}),
        ...(chance(0.3) ? { algorithm: maybe(() => pick(["sha1", "sha256", "md5"])) } : {}),
        ...(chance(0.3) ? { prefix: maybe(() => pick(["sha256=", ""])) } : {}),
        ...(chance(0.3) ? { encoding: maybe(() => pick(["hex", "base64", "utf8"])) } : {}),
      };
    case 3:
      return { type: "serviceAccount", allow: maybe(() => (chance(0.1) ? [] : [pick(strings.sa)])), ...(chance(0.3) ? { audiences: maybe(() => [pick(["podfn", ""])]) } : {}) };
    default:
      return pick([undefined, "None", { type: "basic" }, { type: "bearer" }, { type: "bearer", secret: "a", extra: 1 }]);
  }
}

function scheduleEntry(): unknown {
  const e: Record<string, unknown> = { cron: maybe(() => pick(strings.cron)) };
  if (chance(0.3)) e.timeZone = maybe(() => pick(strings.tz));
  if (chance(0.3)) e.input = pick([{}, { a: 1 }, "x", null, undefined]);
  if (chance(0.2)) e.concurrencyPolicy = maybe(() => pick(["Allow", "Forbid", "Replace", "forbid"]));
  if (chance(0.2)) e.startingDeadlineSeconds = maybe(() => pick([30, 0, 1.5, -3]));
  if (chance(0.2)) e.mode = maybe(() => pick(["cronjob", "in-process", "thread"]));
  if (chance(0.3)) e.name = maybe(() => pick(["nightly", "a", "Nightly", "abcdefghijk", "abcdefghij", "much-too-long-name"]));
  if (mistake(0.03)) e.every = "1h";
  return e;
}

const STATUSES: unknown[] = [true, {}, { condition: "example.com/Synced" }, { condition: "x".repeat(316) }, false, "Ready", { condition: "Not ready" }, { condition: "" }, { condition: 5 }, { conditon: "X" }, { condition: "x".repeat(317) }, { condition: "Ready", extra: 1 }];

function watchEntry(): unknown {
  const resource = maybe(() =>
    chance(0.7)
      ? pick(["configmaps", "jobs.batch", "namespaces", "pods", "jobs", "Pods", "deployments.apps", "widgets"])
      : { group: pick(["example.com", "", "*", "Example"]), version: pick(["v1", "v1beta1", "1", "v0"]), resource: pick(["widgets", "Widgets", "w/x"]), namespaced: pick([true, false, "yes"]), ...(chance(0.3) ? { kind: pick(["Widget", "widget", "", 5]) } : {}) },
  );
  const w: Record<string, unknown> = { resource };
  if (chance(0.3)) w.namespace = maybe(() => pick(["ops", "*", "", "Other_NS"]));
  if (chance(0.2)) w.labelSelector = maybe(() => pick(["app=web", ""]));
  if (chance(0.2)) w.fieldSelector = maybe(() => pick(["status.phase=Failed", ""]));
  if (chance(0.3)) w.events = maybe(() => (chance(0.1) ? [] : [pick(["ADDED", "MODIFIED", "DELETED", "added", "BOOKMARK"])]));
  if (chance(0.2)) w.concurrency = maybe(() => pick([1, 4, 100, 0, 101, 1.5]));
  if (chance(0.2)) w.retries = maybe(() => pick([0, 3, 20, -1, 21, 0.5]));
  if (chance(0.15)) w.coalesce = maybe(() => pick([true, false, "yes", 1]));
  if (chance(0.15)) w.generationChanges = maybe(() => pick([true, false, "yes", 1]));
  if (chance(0.15)) w.changed = maybe(() => pick([() => true, "spec", null]));
  if (chance(0.15)) w.resyncSeconds = maybe(() => pick([1, 600, 604_800, 0, 604_801, 1.5, "10m"]));
  // Any of them, quiet or not: a wrong status is the one mistake of many a quiet definition.
  if (chance(0.25)) w.status = chance(0.5) ? pick([true, { condition: "Synced" }]) : STATUSES[Math.floor(next() * STATUSES.length)];
  if (chance(0.2)) w.name = maybe(() => pick(["pods", "jobs.batch", "Pods", "-x", "a".repeat(64)]));
  if (mistake(0.03)) w.selector = "app=web";
  return w;
}

/** CPU and memory amounts, some not quantities, some requests above their limits. */
function amounts(): unknown {
  const a: Record<string, unknown> = {};
  if (chance(0.6)) a.cpu = maybe(() => pick(["250m", "1", "2", "0.5", "100m", "1e3", "1.5.5", "-1", "1 core", "1Mi"]));
  if (chance(0.6)) a.memory = maybe(() => pick(["256Mi", "1Gi", "512Mi", "128M", "64Mi", "2e9", "1GB", "1gi", ".5Gi", "Mi"]));
  if (mistake(0.03)) a.gpu = "1";
  return a;
}

function resources(): Record<string, unknown> {
  const r: Record<string, unknown> = {};
  if (chance(0.7)) r.requests = maybe(amounts);
  if (chance(0.7)) r.limits = maybe(amounts);
  if (mistake(0.03)) r.limit = { cpu: "1" };
  return r;
}

function definition(): Record<string, unknown> {
  const d: Record<string, unknown> = { name: maybe(() => pick(strings.name), 0.05), handler: maybe(() => handler, 0.03) };
  if (chance(0.3)) d.description = maybe(() => "does things");
  if (chance(0.3)) d.input = maybe(() => schema);
  if (chance(0.1)) d.output = maybe(() => schema);
  if (chance(0.6)) d.permissions = maybe(() => Array.from({ length: Math.floor(next() * 3) }, permission));
  if (chance(0.2)) d.egress = maybe(() => Array.from({ length: Math.floor(next() * 3) }, egressRule));
  if (chance(0.6)) {
    const http: Record<string, unknown> = { auth: auth() };
    if (chance(0.4)) http.method = maybe(() => pick(strings.method));
    if (chance(0.4)) http.path = maybe(() => pick(strings.path));
    if (chance(0.2)) http.bodyLimitBytes = maybe(() => pick([1024, 0, 1.5, 2 ** 60]));
    if (chance(0.2)) http.bodyTimeoutMs = maybe(() => pick([5000, 0, -1, 2.5, 86_400_001]));
    if (chance(0.15)) http.async = maybe(() => pick([true, false, "yes", 1]));
    if (chance(0.15)) http.maxInflight = maybe(() => pick([1, 8, 0, 2.5, 100_001]));
    if (mistake(0.03)) http.route = "/x";
    d.http = maybe(() => http, 0.03);
  }
  if (chance(0.6)) d.schedule = maybe(() => (chance(0.5) ? scheduleEntry() : chance(0.1) ? [] : Array.from({ length: 1 + Math.floor(next() * 2) }, scheduleEntry)), 0.03);
  if (chance(0.3)) d.watch = maybe(() => (chance(0.5) ? watchEntry() : chance(0.1) ? [] : Array.from({ length: 1 + Math.floor(next() * 2) }, watchEntry)), 0.03);
  if (chance(0.2)) d.timeoutMs = maybe(() => pick([1000, 86_400_000, 86_400_001, 0, 2.5]));
  if (chance(0.1)) d.kubeApi = maybe(() => pick([true, false]));
  if (chance(0.1)) d.onShutdown = maybe(() => handler);
  if (chance(0.2)) d.resources = maybe(resources);
  if (chance(0.15)) d.workload = maybe(() => pick(["public", "a", "http", "Public", "-x", "a".repeat(21), "a".repeat(22), ""]));
  if (mistake(0.03)) d.timeout = 5;
  return d;
}

test("acceptsDefinition accepts exactly the definitions zod accepts, and zod returns those unchanged", () => {
  let accepted = 0;
  let refused = 0;
  for (let i = 0; i < 4000; i++) {
    // Half quiet (mostly well-formed, so acceptance is exercised), half noisy.
    noise = i % 2 === 0 ? 0.1 : 1;
    const d = definition();
    const zod = definitionZodSchema().safeParse(d);
    const fast = acceptsDefinition(d);
    const shown = () => JSON.stringify(d, (_k, v: unknown) => (typeof v === "function" ? "[fn]" : v === schema ? "[schema]" : v));
    assert.equal(fast, zod.success, `decisions differ for ${shown()}: ${zod.success ? "zod accepts" : zod.error.issues[0]?.message}`);
    if (fast && zod.success) {
      assert.deepStrictEqual(zod.data, d, `zod changed ${shown()}`);
      accepted += 1;
    } else refused += 1;
  }
  assert.ok(accepted > 500 && refused > 500, `accepted ${accepted}, refused ${refused}`);
  console.log(`accepted ${accepted}, refused ${refused}`);
});

test("a hole in an array is refused as zod refuses it", () => {
  // eslint-disable-next-line no-sparse-arrays
  const d = { name: "a", handler, schedule: { cron: "0 3 * * *" }, permissions: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", , "list"] }] };
  assert.equal(definitionZodSchema().safeParse(d).success, false);
  assert.equal(acceptsDefinition(d), false);
});

test("a definition made by defineFunction takes the fast path", () => {
  const fn = defineFunction({ name: "noop", schedule: { cron: "0 3 * * *" }, permissions: [{ apiGroups: [""], resources: ["pods"], verbs: ["list"] }], handler: () => ({}) });
  assert.equal(acceptsDefinition(fn), true);
});

test("values behind a prototype or a getter are left to zod, and load as zod reads them", () => {
  class Nightly {
    name = "nightly";
    get cron() {
      return "0 3 * * *";
    }
  }
  const inherited = Object.assign(Object.create({ cron: "0 4 * * *" }) as object, { name: "proto" });
  const withGetter = { name: "getter", get cron() { return "0 5 * * *"; } };
  for (const [entry, cron] of [[new Nightly(), "0 3 * * *"], [inherited, "0 4 * * *"], [withGetter, "0 5 * * *"]] as const) {
    const fn = defineFunction({ name: "x", schedule: entry as never, handler: () => ({}) });
    assert.equal(acceptsDefinition(fn), false);
    const loaded = resolveDefinition(fn, "x.ts");
    assert.ok(loaded.ok);
    assert.equal(loaded.fn.schedules[0]?.cron, cron);
  }
});
