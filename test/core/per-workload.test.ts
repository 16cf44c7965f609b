/**
 * "A value per workload" (per-workload.ts), the syntax of `podfn manifests`' sizing options:
 * a value for every workload and `name=value` entries, read by the option's own reader; `--pdb`
 * alone, or naming workloads. What is wrong names the option and the entry; a value alone keeps
 * the message it always had.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { parsePerWorkload, parseWorkloadSwitch, switchGivenBoolean, valueFor } from "../../runtime/per-workload.js";
import { loadConfig } from "../../runtime/config.js";
import { ConfigError } from "../../runtime/errors.js";

const whole = (t: string) => (/^\d+$/.test(t) ? Number(t) : undefined);
const MESSAGE = "must be a whole number";

test("a value for every workload, workload=value entries, or both, in any order", () => {
  assert.deepEqual(parsePerWorkload("3", whole, MESSAGE), { ok: true, value: { default: 3, workloads: {} } });
  assert.deepEqual(parsePerWorkload("2,public=4", whole, MESSAGE), { ok: true, value: { default: 2, workloads: { public: 4 } } });
  assert.deepEqual(parsePerWorkload(" public=10 , http=3 ", whole, MESSAGE), { ok: true, value: { workloads: { public: 10, http: 3 } } });
  assert.deepEqual(parsePerWorkload("public=4,2", whole, MESSAGE), { ok: true, value: { default: 2, workloads: { public: 4 } } });
});

test("each wrong entry is named with what is wrong; a wrong value alone keeps the option's message", () => {
  const problem = (text: string) => {
    const result = parsePerWorkload(text, whole, MESSAGE);
    return result.ok ? undefined : result.problem;
  };
  assert.equal(problem("abc"), MESSAGE);
  assert.equal(problem(""), MESSAGE);
  assert.equal(problem("public=abc"), "public=abc: must be a whole number");
  assert.equal(problem("2,public="), "public=: must be a whole number");
  assert.equal(problem("abc,public=3"), "abc: must be a whole number");
  assert.equal(problem("2,3"), "3: a second value for every workload (2 came first): give the others as workload=value");
  assert.equal(problem("public=3,public=4"), "public=4: public is given twice");
  assert.equal(problem("=4"), "=4: name the workload before '=' (public=4), or give the value alone for every workload");
  assert.match(problem("Public=4")!, /^Public=4: Public is not a workload's name/);
  assert.equal(problem("2,,public=4"), '"2,,public=4": an empty entry between commas');
});

test("--pdb's switch: alone on for every workload, or on for the workloads it names", () => {
  assert.deepEqual(parseWorkloadSwitch(true), { ok: true, value: { default: true, workloads: {} } });
  assert.deepEqual(parseWorkloadSwitch("public, http"), { ok: true, value: { workloads: { public: true, http: true } } });
  assert.deepEqual(parseWorkloadSwitch("public,public"), { ok: false, problem: "public is given twice" });
  assert.deepEqual(parseWorkloadSwitch("public=2"), { ok: false, problem: "public=2 is not a workload's name (a DNS label: lower case letters, digits and '-'; http for the default workload)" });
});

test("a workload's value is its own, else the one for every workload, else none", () => {
  const given = { default: 2, workloads: { public: 4 } };
  assert.equal(valueFor(given, "public"), 4);
  assert.equal(valueFor(given, "ops"), 2);
  assert.equal(valueFor(given, undefined), 2);
  assert.equal(valueFor({ workloads: { public: 4 } }, "ops"), undefined);
  assert.equal(valueFor(3, "public"), 3);
  assert.equal(valueFor({ workloads: { public: null } }, "public"), null);
});

test("podfn manifests reads every sizing option as a value per workload", () => {
  const { config } = loadConfig("manifests", ["--replicas", "2,public=4", "--max-replicas", "public=10", "--memory-limit", "512Mi,public=1Gi", "--cpu-limit", "none,public=2", "--cpu-request", "public=250m"], {});
  assert.deepEqual(config.replicas, { default: 2, workloads: { public: 4 } });
  assert.deepEqual(config.maxReplicas, { workloads: { public: 10 } });
  assert.deepEqual(config.memoryLimit, { default: "512Mi", workloads: { public: "1Gi" } });
  assert.deepEqual(config.cpuLimit, { default: "none", workloads: { public: "2" } });
  assert.deepEqual(config.cpuRequest, { workloads: { public: "250m" } });
  // Not given: the manifests' defaults apply.
  assert.equal(loadConfig("manifests", [], {}).config.replicas, undefined);
});

test("--pdb alone is on for every workload; with names, before another option, after '=' or last, for those only", () => {
  const pdb = (...argv: string[]) => loadConfig("manifests", argv, {}).config.pdb;
  assert.equal(pdb(), undefined);
  assert.deepEqual(pdb("--pdb"), { default: true, workloads: {} });
  assert.deepEqual(pdb("--pdb", "--replicas", "3"), { default: true, workloads: {} });
  assert.deepEqual(pdb("--pdb", "public,http"), { workloads: { public: true, http: true } });
  assert.deepEqual(pdb("--pdb=public", "--replicas", "3"), { workloads: { public: true } });
  assert.deepEqual(pdb("--replicas", "3", "--pdb", "public"), { workloads: { public: true } });
});

test("a wrong sizing value is a ConfigError naming the option and the entry", () => {
  const refused = (argv: string[], message: string) =>
    assert.throws(() => loadConfig("manifests", argv, {}), (e: unknown) => e instanceof ConfigError && e.code === "config_invalid" && e.message === `invalid configuration: ${message}`, argv.join(" "));
  refused(["--replicas", "2,public=abc"], "--replicas: public=abc: must be a whole number from 1 to 1000");
  refused(["--replicas", "abc"], "--replicas: must be a whole number from 1 to 1000");
  refused(["--max-replicas", "public=0"], "--max-replicas: public=0: must be a whole number from 1 to 1000");
  refused(["--memory-limit", "public=1GB"], "--memory-limit: public=1GB: must be a Kubernetes quantity, such as 2 (cores) or 1Gi, or none for no limit");
  refused(["--cpu-request", "public=none"], "--cpu-request: public=none: must be a Kubernetes quantity, such as 250m (a quarter core) or 256Mi");
  refused(["--pdb="], "--pdb: must name workloads, comma-separated (public,http), or be given alone for every workload");
});

test("--pdb=false or --pdb TRUE is told --pdb takes workload names, not true or false, as --network-policy=false is told it takes no argument", () => {
  const message = (word: string) => `${word}: takes the names of workloads, not true or false: give --pdb alone for every serving workload, --pdb public,http for those only, or leave it out for none`;
  // Not lower case, it names no workload: refused as it is read.
  for (const argv of [["--pdb=TRUE"], ["--pdb", "False"], ["--pdb= FALSE "]]) {
    assert.throws(() => loadConfig("manifests", argv, {}), (e: unknown) => e instanceof ConfigError && e.message === `invalid configuration: --pdb: ${message(argv.at(-1)!.replace("--pdb=", "").trim())}`, argv.join(" "));
  }
  // Lower case it may name a workload: the manifests refuse it when none has that name (test/deploy/sizing.test.ts).
  assert.deepEqual(loadConfig("manifests", ["--pdb=false"], {}).config.pdb, { workloads: { false: true } });
  assert.equal(switchGivenBoolean("--pdb", "public"), undefined);
  assert.equal(switchGivenBoolean("--pdb", "true"), message("true"));
});
