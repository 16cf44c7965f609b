/**
 * CPU and memory of the generated workloads: podfn's defaults, `podfn manifests`' flags over
 * them for every workload, a function's own `resources` over those for its CronJobs only; a
 * request that would end above its limit (the API server refuses the object) is a ConfigError
 * naming where each amount came from, and the notes say when a limit is too small for Node or a
 * function's resources size nothing.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Deployment } from "kubernetes-types/apps/v1.js";
import type { CronJob } from "kubernetes-types/batch/v1.js";
import type { ResourceRequirements } from "kubernetes-types/core/v1.js";
import { generateManifests } from "../../runtime/deploy/index.js";
import type { ManifestOptions } from "../../runtime/deploy/options.js";
import { resourceNotes } from "../../runtime/deploy/resource-notes.js";
import { ConfigError } from "../../runtime/errors.js";
import type { FunctionDefinition } from "../../runtime/function.js";
import { loaded } from "./helpers.js";

const SHAPES: FunctionDefinition[] = [
  { name: "api", http: { auth: "none" }, handler() {} },
  { name: "nightly", schedule: { cron: "0 3 * * *" }, resources: { requests: { memory: "256Mi" }, limits: { memory: "1Gi" } }, handler() {} },
  { name: "hourly", schedule: { cron: "0 * * * *" }, handler() {} },
];

/** The container resources of every generated workload, by object name. */
function resourcesByWorkload(shapes: FunctionDefinition[], options: ManifestOptions = {}): Record<string, ResourceRequirements | undefined> {
  const objects = generateManifests(shapes.map(loaded), options).flatMap((g) => g.objects);
  const out: Record<string, ResourceRequirements | undefined> = {};
  for (const o of objects) {
    if (o.kind === "Deployment") out[o.metadata!.name!] = (o as Deployment).spec!.template.spec!.containers[0]!.resources;
    if (o.kind === "CronJob") out[o.metadata!.name!] = (o as CronJob).spec!.jobTemplate.spec!.template.spec!.containers[0]!.resources;
  }
  return out;
}

const DEFAULTS = { requests: { cpu: "50m", memory: "96Mi" }, limits: { cpu: "1", memory: "512Mi" } };

test("without flags every workload gets the defaults, and a function's resources go over them for its CronJob, amount by amount", () => {
  assert.deepEqual(resourcesByWorkload(SHAPES), {
    "podfn-http": DEFAULTS,
    "podfn-nightly": { requests: { cpu: "50m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } },
    "podfn-hourly": DEFAULTS,
  });
});

test("the flags size every workload; a function's own amounts still win for its CronJob; none leaves a limit out", () => {
  const told: ManifestOptions["resources"] = { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: null, memory: "768Mi" } };
  assert.deepEqual(resourcesByWorkload(SHAPES, { resources: told }), {
    "podfn-http": { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "768Mi" } },
    "podfn-nightly": { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1Gi" } },
    "podfn-hourly": { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "768Mi" } },
  });
  // No limit left at all: no `limits` field.
  assert.deepEqual(resourcesByWorkload([SHAPES[0]!], { resources: { limits: { cpu: null, memory: null } } })["podfn-http"], { requests: DEFAULTS.requests });
});

test("a flag's request above the limit it meets is refused, naming both flags or defaults", () => {
  assert.throws(() => generateManifests(SHAPES.map(loaded), { resources: { requests: { memory: "1Gi" } } }), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.message, "--memory-request 1Gi is more than the default memory limit 512Mi: Kubernetes refuses a request above its limit; raise --memory-limit or lower --memory-request");
    return true;
  });
  assert.throws(() => generateManifests(SHAPES.map(loaded), { resources: { requests: { cpu: "2" }, limits: { cpu: "1500m" } } }), /^ConfigError: --cpu-request 2 is more than --cpu-limit 1500m: /);
  // Without a limit, any request is fine.
  assert.doesNotThrow(() => generateManifests(SHAPES.map(loaded), { resources: { requests: { cpu: "4" }, limits: { cpu: null } } }));
});

test("a function's request above the workloads' limit, or its limit below their request, is refused naming the function and what to set", () => {
  const big: FunctionDefinition = { name: "big", schedule: { cron: "@daily" }, resources: { requests: { memory: "2Gi" } }, handler() {} };
  assert.throws(() => generateManifests([loaded(big)]), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.message, 'function "big": resources.requests.memory 2Gi is more than the memory limit 512Mi (--memory-limit or the default): Kubernetes refuses a request above its limit; set resources.limits.memory in its definition too');
    return true;
  });
  const small: FunctionDefinition = { name: "small", schedule: { cron: "@daily" }, resources: { limits: { cpu: "10m" } }, handler() {} };
  assert.throws(() => generateManifests([loaded(small)]), /^ConfigError: function "small": the cpu request 50m \(--cpu-request or the default\) is more than resources\.limits\.cpu 10m: .*set resources\.requests\.cpu in its definition too$/);
});

test("notes: a memory limit below 384Mi (the kernel's OOM kill before Node's heap limit), and resources on a function without a CronJob", () => {
  const shapes: FunctionDefinition[] = [...SHAPES, { name: "hook", http: { auth: "none" }, resources: { limits: { memory: "1Gi" } }, handler() {} }];
  const functions = shapes.map(loaded);
  const objects = generateManifests(functions, { resources: { requests: { memory: "64Mi" }, limits: { memory: "256Mi" } } }).flatMap((g) => g.objects);
  assert.deepEqual(resourceNotes(objects, functions), [
    "memory limit 256Mi (Deployment podfn-http, CronJob podfn-hourly) is below 384Mi: Node 20's heap may grow to ~259 MiB whatever the limit, so a process outgrowing its memory is OOM-killed by the kernel (exit 137, no error logged) rather than failing with a heap error; give 384Mi or more (--memory-limit, resources.limits.memory)",
    'function "hook" declares resources, which size its CronJobs, and it has none: its route, watches and in-process schedules run in the HTTP Deployment, sized by --cpu-request, --memory-request, --cpu-limit and --memory-limit',
  ]);
  assert.deepEqual(resourceNotes(generateManifests(SHAPES.map(loaded)).flatMap((g) => g.objects), SHAPES.map(loaded)), [], "the defaults earn no note");
});

test("equal amounts in other units are not a request above its limit, for every workload or a function (700m was 0.7000000000000001 cores, above 0.7)", () => {
  const cron: FunctionDefinition = { name: "sized", schedule: { cron: "@daily" }, resources: { requests: { cpu: "700m", memory: "1072M" }, limits: { cpu: "0.7", memory: "1.072G" } }, handler() {} };
  const [cronJob] = generateManifests([loaded(cron)], { resources: { requests: { cpu: "1400m" }, limits: { cpu: "1.4" } } })
    .flatMap((g) => g.objects)
    .filter((o) => o.kind === "CronJob") as CronJob[];
  assert.deepEqual(cronJob?.spec?.jobTemplate.spec?.template.spec?.containers[0]?.resources, { requests: { cpu: "700m", memory: "1072M" }, limits: { cpu: "0.7", memory: "1.072G" } });
  assert.throws(() => generateManifests([loaded(cron)], { resources: { requests: { cpu: "800m" }, limits: { cpu: "700m" } } }), /^ConfigError: --cpu-request 800m is more than --cpu-limit 700m: /);
});

test("a memory limit in exbibytes is no note (Ei was read as an exponent: NaN bytes, 'below 384Mi')", () => {
  const functions = SHAPES.map(loaded);
  const objects = generateManifests(functions, { resources: { limits: { memory: "1Ei" } } }).flatMap((g) => g.objects);
  assert.deepEqual(resourceNotes(objects, functions), []);
});
