/**
 * A Job's status writes are checked as 1.32's ValidateJobUpdateStatus checks them with the
 * options its status strategy turns on (JobManagedBy is on by default): terminal conditions
 * come after FailureTarget or SuccessCriteriaMet and are never taken back, a finished Job has a
 * startTime and no active, terminating or uncounted pods, completionTime belongs to a Complete
 * Job and is fixed once set, counters do not go down, and an Indexed Job's index lists are
 * well formed; each refused with the real field paths and messages.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { clusterWithNamespaces, type TestCluster } from "./helpers.js";

const JOBS = "/apis/batch/v1/namespaces/js/jobs";
const MERGE = "application/merge-patch+json";
const START = "2026-01-01T00:00:00Z";
const END = "2026-01-01T01:00:00Z";
const cond = (type: string, status = "True") => ({ type, status, lastTransitionTime: END, lastProbeTime: END });

describe("job status validation", () => {
  let t: TestCluster;
  before(async () => {
    t = await clusterWithNamespaces("js");
  });
  after(() => t.close());

  async function job(name: string, spec: Record<string, unknown> = {}) {
    const body = { apiVersion: "batch/v1", kind: "Job", metadata: { name }, spec: { ...spec, template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox" }] } } } };
    const created = await t.send("POST", JOBS, { body });
    assert.equal(created.status, 201, JSON.stringify(created.body));
  }
  const status = (name: string, value: Record<string, unknown>) => t.send("PATCH", `${JOBS}/${name}/status`, { body: { status: value }, contentType: MERGE });
  /** The 422's message and its causes as [field, reason, message]. */
  async function refused(name: string, value: Record<string, unknown>) {
    const answer = await status(name, value);
    assert.equal(answer.status, 422, JSON.stringify(answer.body));
    assert.equal(answer.body.reason, "Invalid");
    return { message: answer.body.message as string, causes: (answer.body.details.causes as { field: string; reason: string; message: string }[]).map((c) => [c.field, c.reason, c.message]) };
  }
  async function accepted(name: string, value: Record<string, unknown>) {
    const answer = await status(name, value);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body;
  }

  test("Failed=True needs FailureTarget=True and a startTime; the controller's order is taken", async () => {
    await job("fails");
    const { message, causes } = await refused("fails", { failed: 1, conditions: [cond("Failed")] });
    assert.equal(message, 'Job.batch "fails" is invalid: [status.conditions: Invalid value: cannot set Failed=True condition without the FailureTarget=true condition, status.startTime: Required value: startTime is required for finished job]');
    assert.deepEqual(causes, [
      ["status.conditions", "FieldValueInvalid", "Invalid value: cannot set Failed=True condition without the FailureTarget=true condition"],
      ["status.startTime", "FieldValueRequired", "Required value: startTime is required for finished job"],
    ]);
    await accepted("fails", { startTime: START, active: 1 });
    await accepted("fails", { conditions: [cond("FailureTarget")] });
    // Still active: a finished Job has no active pods.
    assert.deepEqual((await refused("fails", { failed: 1, conditions: [cond("FailureTarget"), cond("Failed")] })).causes, [["status.active", "FieldValueInvalid", "Invalid value: 1: active>0 is invalid for finished job"]]);
    const failed = await accepted("fails", { active: 0, failed: 1, conditions: [cond("FailureTarget"), cond("Failed")] });
    assert.deepEqual(failed.status.conditions.map((c: { type: string }) => c.type), ["FailureTarget", "Failed"]);
    // An unrelated change of a finished Job is taken.
    await accepted("fails", { failed: 2 });
  });

  test("Complete=True needs SuccessCriteriaMet=True, a startTime and a completionTime not before it", async () => {
    await job("done");
    const { message } = await refused("done", { succeeded: 1, conditions: [cond("Complete")] });
    assert.equal(message, 'Job.batch "done" is invalid: [status.completionTime: Required value: completionTime is required for Complete jobs, status.conditions: Invalid value: cannot set Complete=True condition without the SuccessCriteriaMet=true condition, status.startTime: Required value: startTime is required for finished job]');
    assert.deepEqual((await refused("done", { startTime: END, completionTime: START, succeeded: 1, conditions: [cond("SuccessCriteriaMet"), cond("Complete")] })).causes, [
      ["status.completionTime", "FieldValueInvalid", "Invalid value: 2026-01-01 00:00:00 +0000 UTC: completionTime cannot be set before startTime"],
    ]);
    // completionTime without Complete=True.
    assert.deepEqual((await refused("done", { startTime: START, completionTime: END })).causes, [
      ["status.completionTime", "FieldValueInvalid", "Invalid value: 2026-01-01 01:00:00 +0000 UTC: cannot set completionTime when there is no Complete=True condition"],
    ]);
    await accepted("done", { startTime: START, active: 1 });
    await accepted("done", { conditions: [cond("SuccessCriteriaMet")] });
    const complete = await accepted("done", { active: 0, succeeded: 1, completionTime: END, conditions: [cond("SuccessCriteriaMet"), cond("Complete")] });
    assert.equal(complete.status.completionTime, END);
  });

  test("conflicting terminal conditions are refused", async () => {
    await job("both");
    await accepted("both", { startTime: START });
    const { causes } = await refused("both", { completionTime: END, conditions: [cond("FailureTarget"), cond("SuccessCriteriaMet"), cond("Complete"), cond("Failed")] });
    assert.deepEqual(causes.map((c) => c[2]), [
      "Invalid value: cannot set Complete=True and Failed=true conditions",
      "Invalid value: cannot set Complete=True and FailureTarget=true conditions",
      "Invalid value: cannot set SuccessCriteriaMet=True and Failed=true conditions",
      "Invalid value: cannot set SuccessCriteriaMet=True and FailureTarget=true conditions",
    ]);
  });

  test("a finished Job's terminal conditions, counters, completionTime and startTime are kept", async () => {
    await job("kept");
    await accepted("kept", { startTime: START, succeeded: 2, failed: 1, conditions: [cond("SuccessCriteriaMet")] });
    assert.deepEqual((await refused("kept", { succeeded: 1, failed: 0 })).causes, [
      ["status.failed", "FieldValueInvalid", "Invalid value: 0: cannot decrease the failed counter"],
      ["status.succeeded", "FieldValueInvalid", "Invalid value: 1: cannot decrease the succeeded counter"],
    ]);
    assert.deepEqual((await refused("kept", { conditions: [cond("SuccessCriteriaMet", "False")] })).causes, [
      ["status.conditions", "FieldValueInvalid", "Invalid value: cannot disable the SuccessCriteriaMet=True condition"],
    ]);
    assert.deepEqual((await refused("kept", { startTime: END })).causes, [["status.startTime", "FieldValueRequired", "Required value: startTime cannot be removed for unsuspended job"]]);
    await accepted("kept", { completionTime: END, conditions: [cond("SuccessCriteriaMet"), cond("Complete")] });
    assert.deepEqual((await refused("kept", { completionTime: "2026-01-01T02:00:00Z" })).causes, [
      ["status.completionTime", "FieldValueInvalid", "Invalid value: 2026-01-01 02:00:00 +0000 UTC: completionTime cannot be mutated"],
    ]);
    assert.deepEqual((await refused("kept", { completionTime: null, conditions: [] })).causes, [
      ["status.conditions", "FieldValueInvalid", "Invalid value: cannot disable the terminal Complete=True condition"],
      ["status.conditions", "FieldValueInvalid", "Invalid value: cannot disable the SuccessCriteriaMet=True condition"],
    ]);
  });

  test("a finished Job holds no active, terminating or uncounted pods; ready is at most active; counts are not negative", async () => {
    await job("pods");
    assert.deepEqual((await refused("pods", { active: 1, ready: 2 })).causes, [["status.ready", "FieldValueInvalid", "Invalid value: 2: cannot set more ready pods than active"]]);
    assert.deepEqual((await refused("pods", { active: -1, terminating: -1, uncountedTerminatedPods: { succeeded: ["a", ""], failed: ["a"] } })).causes, [
      ["status.active", "FieldValueInvalid", "Invalid value: -1: must be greater than or equal to 0"],
      ["status.terminating", "FieldValueInvalid", "Invalid value: -1: must be greater than or equal to 0"],
      ["status.uncountedTerminatedPods.succeeded[1]", "FieldValueInvalid", 'Invalid value: "": must not be empty'],
      ["status.uncountedTerminatedPods.failed[0]", "FieldValueDuplicate", 'Duplicate value: "a"'],
    ]);
    await accepted("pods", { startTime: START, conditions: [cond("FailureTarget")] });
    assert.deepEqual((await refused("pods", { terminating: 1, uncountedTerminatedPods: { failed: ["u1"] }, conditions: [cond("FailureTarget"), cond("Failed")] })).causes, [
      ["status.uncountedTerminatedPods", "FieldValueInvalid", 'Invalid value: batch.UncountedTerminatedPods{Succeeded:[]types.UID(nil), Failed:[]types.UID{"u1"}}: uncountedTerminatedPods needs to be empty for finished job'],
      ["status.terminating", "FieldValueInvalid", "Invalid value: 1: terminating>0 is invalid for finished job"],
    ]);
  });

  test("an Indexed Job's completed and failed indexes are well formed, within completions and apart", async () => {
    await job("indexed", { completionMode: "Indexed", completions: 5, parallelism: 5, backoffLimitPerIndex: 1 });
    const parse = async (completedIndexes: string) => (await refused("indexed", { completedIndexes })).causes[0]![2];
    assert.equal(await parse("0,5"), 'Invalid value: "0,5": error parsing completedIndexes: too large index: "5"');
    assert.equal(await parse("1-x"), 'Invalid value: "1-x": error parsing completedIndexes: cannot convert string to integer for index: "x"');
    assert.equal(await parse("3,1"), 'Invalid value: "3,1": error parsing completedIndexes: non-increasing order, previous: 3, current: 1');
    assert.equal(await parse("1-2-3"), `Invalid value: "1-2-3": error parsing completedIndexes: the fragment "1-2-3" violates the requirement that an index interval can have at most two parts separated by '-'`);
    assert.deepEqual((await refused("indexed", { completedIndexes: "0-2", failedIndexes: "2,4" })).causes, [
      ["status.failedIndexes", "FieldValueInvalid", 'Invalid value: "2,4": failedIndexes and completedIndexes overlap at index: 2'],
    ]);
    await accepted("indexed", { completedIndexes: "0-1,3", failedIndexes: "2" });
    await job("plain");
    assert.deepEqual((await refused("plain", { completedIndexes: "0", failedIndexes: "0" })).causes, [
      ["status.completedIndexes", "FieldValueInvalid", 'Invalid value: "0": cannot set non-empty completedIndexes when non-indexed completion mode'],
      ["status.failedIndexes", "FieldValueInvalid", 'Invalid value: "0": cannot set non-null failedIndexes when backoffLimitPerIndex is null'],
      ["status.failedIndexes", "FieldValueInvalid", 'Invalid value: "0": failedIndexes and completedIndexes overlap at index: 0'],
    ]);
  });

  test("a Job with a success policy completes only with SuccessCriteriaMet=True", async () => {
    await job("policy", { completionMode: "Indexed", completions: 2, parallelism: 2, successPolicy: { rules: [{ succeededCount: 1 }] } });
    await accepted("policy", { startTime: START });
    const { causes } = await refused("policy", { completionTime: END, succeeded: 1, conditions: [cond("Complete")] });
    assert.deepEqual(causes.map((c) => c[2]), [
      "Invalid value: cannot set Complete=True condition without the SuccessCriteriaMet=true condition",
      "Invalid value: cannot set Complete=True for Job with SuccessPolicy unless SuccessCriteriaMet=True",
    ]);
  });
});
