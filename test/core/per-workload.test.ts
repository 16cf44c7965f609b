/**
 * "A value per workload" (per-workload.ts), the syntax of `podfn manifests`' sizing options:
 * a value for every workload and `name=value` entries, read by the option's own reader; `--pdb`
 * alone, or naming workloads. What is wrong names the option and the entry; a value alone keeps
 * the message it always had.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { parsePerWorkload, parseWorkloadSwitch, valueFor } from "../../runtime/per-workload.js";

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
