/**
 * Job and CronJob validation as the real server runs it: a pod template left to restart
 * `Always` (the pod default) is refused, and a CronJob's schedule and time zone are checked as
 * robfig/cron and the CronJob validation do, with their messages; negative counts, unknown
 * completion modes, replacement and concurrency policies and what only an Indexed Job may set
 * are refused with validateJobSpec's and validateCronJobSpec's errors, in their order.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { clusterWithNamespaces, fixture, type TestCluster } from "./helpers.js";

const JOBS = "/apis/batch/v1/namespaces/jv/jobs";
const CRONJOBS = "/apis/batch/v1/namespaces/jv/cronjobs";
const pod = (restartPolicy?: string) => ({ ...(restartPolicy === undefined ? {} : { restartPolicy }), containers: [{ name: "main", image: "busybox" }] });
const job = (name: string, restartPolicy?: string) => ({ apiVersion: "batch/v1", kind: "Job", metadata: { name }, spec: { template: { spec: pod(restartPolicy) } } });
const cronJob = (name: string, schedule: string, extra: Record<string, unknown> = {}, restartPolicy = "Never") => ({
  apiVersion: "batch/v1", kind: "CronJob", metadata: { name }, spec: { schedule, ...extra, jobTemplate: { spec: { template: { spec: pod(restartPolicy) } } } },
});

/** The real server's 422 for `kind` `name` with one field error. */
function invalid(kind: string, name: string, field: string, reason: string, message: string) {
  return {
    kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure",
    message: `${kind}.batch "${name}" is invalid: ${field}: ${message}`,
    reason: "Invalid", details: { name, group: "batch", kind, causes: [{ reason, message, field }] }, code: 422,
  };
}

describe("job validation", () => {
  let t: TestCluster;
  before(async () => {
    t = await clusterWithNamespaces("jv");
  });
  after(() => t.close());

  test("a Job whose pods would restart Always (omitted or set) is 422 with the real message", async () => {
    const expected = (name: string) => invalid("Job", name, "spec.template.spec.restartPolicy", "FieldValueRequired", 'Required value: valid values: "OnFailure", "Never"');
    const omitted = await t.send("POST", JOBS, { body: job("omitted") });
    assert.equal(omitted.status, 422);
    assert.deepEqual(omitted.body, expected("omitted"));
    assert.deepEqual((await t.send("POST", JOBS, { body: job("always", "Always") })).body, expected("always"));
    // An unknown value: the pod template's check, then the Job's.
    const odd = await t.send("POST", JOBS, { body: job("odd", "Sometimes") });
    assert.equal(odd.status, 422);
    assert.equal(odd.body.message, 'Job.batch "odd" is invalid: [spec.template.spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never", spec.template.spec.restartPolicy: Unsupported value: "Sometimes": supported values: "OnFailure", "Never"]');
    assert.equal((await t.send("GET", `${JOBS}/omitted`)).status, 404, "nothing stored");
    for (const policy of ["OnFailure", "Never"]) {
      const created = await t.send("POST", JOBS, { body: job(`ok-${policy.toLowerCase()}`, policy) });
      assert.equal(created.status, 201, policy);
      assert.equal(created.body.spec.template.spec.restartPolicy, policy);
    }
  });

  test("Job defaults as SetDefaults_Job: completions only when parallelism is unset too; backoffLimit MaxInt32 with backoffLimitPerIndex", async () => {
    const made = async (name: string, spec: Record<string, unknown>) => {
      const body = job(name, "Never");
      Object.assign(body.spec, spec);
      return (await t.send("POST", JOBS, { body })).body.spec as Record<string, unknown>;
    };
    const plain = await made("defaults-plain", {});
    assert.deepEqual([plain.completions, plain.parallelism, plain.backoffLimit], [1, 1, 6]);
    const queue = await made("defaults-queue", { parallelism: 3 });
    assert.deepEqual([queue.completions, queue.parallelism], [undefined, 3], "a work queue keeps no completions");
    const indexed = await made("defaults-indexed", { completions: 4, completionMode: "Indexed", backoffLimitPerIndex: 1 });
    assert.deepEqual([indexed.completions, indexed.parallelism, indexed.backoffLimit], [4, 1, 2147483647]);
  });

  test("a CronJob's job template is held to the same rule", async () => {
    const refused = await t.send("POST", CRONJOBS, { body: cronJob("tick", "*/5 * * * *", {}, "Always") });
    assert.deepEqual(refused.body, invalid("CronJob", "tick", "spec.jobTemplate.spec.template.spec.restartPolicy", "FieldValueRequired", 'Required value: valid values: "OnFailure", "Never"'));
  });

  test("schedules are read as robfig/cron reads them: what it accepts is stored, the rest refused with its message", async () => {
    for (const [i, schedule] of ["0 1-5,3 * * *", "*,5 * * * *", "5,5 * * * *", "? * * * *", "0 0 * * sun,SAT", "1,,2 * * * *", "@every 90m", "@hourly"].entries()) {
      const created = await t.send("POST", CRONJOBS, { body: cronJob(`ok-${i}`, schedule) });
      assert.equal(created.status, 201, `${schedule}: ${JSON.stringify(created.body.message)}`);
    }
    const refusals: [string, string][] = [
      ["61 * * * *", "end of range (61) above maximum (59): 61"],
      ["0 0 * * 7", "end of range (7) above maximum (6): 7"],
      ["0 0 0 * *", "beginning of range (0) below minimum (1): 0"],
      ["0 10-5 * * *", "beginning of range (10) beyond end of range (5): 10-5"],
      ["*/0 * * * *", "step of range should be a positive number: */0"],
      ["1-2-3 * * * *", "too many hyphens: 1-2-3"],
      ["1/2/3 * * * *", "too many slashes: 1/2/3"],
      ["x * * * *", 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'],
      ["0 0 * FOO *", 'failed to parse int from FOO: strconv.Atoi: parsing "FOO": invalid syntax'],
      ["@fortnightly", "unrecognized descriptor: @fortnightly"],
      ["@every 5x", 'failed to parse duration @every 5x: time: unknown unit "x" in duration "5x"'],
      ["@every 1h30", 'failed to parse duration @every 1h30: time: missing unit in duration "1h30"'],
      ["@every 9999999999h", 'failed to parse duration @every 9999999999h: time: invalid duration "9999999999h"'],
      ["@every 99999999999999999999x", 'failed to parse duration @every 99999999999999999999x: time: invalid duration "99999999999999999999x"'],
    ];
    for (const [i, [schedule, detail]] of refusals.entries()) {
      const refused = await t.send("POST", CRONJOBS, { body: cronJob(`bad-${i}`, schedule) });
      assert.deepEqual(refused.body, invalid("CronJob", `bad-${i}`, "spec.schedule", "FieldValueInvalid", `Invalid value: "${schedule}": ${detail}`), schedule);
    }
    const recorded = fixture("create-cronjob-bad-schedule");
    const replayed = await t.send("POST", CRONJOBS, { body: recorded.request.body as object });
    assert.deepEqual(replayed.body, recorded.response.body);
  });

  test("a TZ prefix and unknown time zones are refused as the CronJob validation refuses them", async () => {
    const tz = await t.send("POST", CRONJOBS, { body: cronJob("tz", "CRON_TZ=UTC 0 * * * *") });
    assert.equal(tz.body.details.causes.length, 1);
    assert.deepEqual(tz.body.details.causes[0], { reason: "FieldValueInvalid", message: 'Invalid value: "CRON_TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead', field: "spec.schedule" });
    // A TZ= prefix naming a zone in the wrong case: robfig's LoadLocation refuses it too.
    const lowerTz = await t.send("POST", CRONJOBS, { body: cronJob("lower-tz", "TZ=europe/paris 0 * * * *") });
    assert.deepEqual(lowerTz.body.details.causes.map((c: { message: string }) => c.message), [
      'Invalid value: "TZ=europe/paris 0 * * * *": provided bad location europe/paris: unknown time zone europe/paris',
      'Invalid value: "TZ=europe/paris 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
    ]);
    const typo = await t.send("POST", CRONJOBS, { body: cronJob("typo", "0 3 * * *", { timeZone: "Europe/Pariss" }) });
    assert.deepEqual(typo.body, invalid("CronJob", "typo", "spec.timeZone", "FieldValueInvalid", 'Invalid value: "Europe/Pariss": unknown time zone Europe/Pariss'));
    const local = await t.send("POST", CRONJOBS, { body: cronJob("local", "0 3 * * *", { timeZone: "Local" }) });
    assert.match(local.body.message, /spec\.timeZone: Invalid value: "Local": timeZone must be an explicit time zone/);
    // Go's time.LoadLocation takes "Local" but no other spelling of it, and names in their own case only.
    const lower = await t.send("POST", CRONJOBS, { body: cronJob("lower", "0 3 * * *", { timeZone: "local" }) });
    assert.equal(lower.body.details.causes.length, 2);
    const alias = await t.send("POST", CRONJOBS, { body: cronJob("alias", "0 3 * * *", { timeZone: "us/eastern" }) });
    assert.deepEqual(alias.body, invalid("CronJob", "alias", "spec.timeZone", "FieldValueInvalid", 'Invalid value: "us/eastern": unknown time zone us/eastern'));
    assert.equal((await t.send("POST", CRONJOBS, { body: cronJob("eastern", "0 3 * * *", { timeZone: "US/Eastern" }) })).status, 201);
    // Several errors come in validateCronJobSpec's order: schedule, time zone, job template.
    const all = await t.send("POST", CRONJOBS, { body: cronJob("all", "61 * * * *", { timeZone: "Mars/Base" }, "Always") });
    assert.deepEqual(all.body.details.causes.map((c: { field: string }) => c.field), ["spec.schedule", "spec.timeZone", "spec.jobTemplate.spec.template.spec.restartPolicy"]);
    const paris = await t.send("POST", CRONJOBS, { body: cronJob("paris", "0 3 * * *", { timeZone: "Europe/Paris" }) });
    assert.equal(paris.status, 201);
  });

  test("a CronJob name over 52 characters is refused on create (ValidateCronJobCreate), after the spec's errors", async () => {
    const name = "c".repeat(53);
    const long = await t.send("POST", CRONJOBS, { body: cronJob(name, "0 3 * * *") });
    assert.deepEqual(long.body, invalid("CronJob", name, "metadata.name", "FieldValueInvalid", `Invalid value: "${name}": must be no more than 52 characters`));
    const both = await t.send("POST", CRONJOBS, { body: cronJob(name, "61 * * * *") });
    assert.deepEqual(both.body.details.causes.map((c: { field: string }) => c.field), ["spec.schedule", "metadata.name"]);
    const fits = await t.send("POST", CRONJOBS, { body: cronJob("c".repeat(52), "0 3 * * *") });
    assert.equal(fits.status, 201);
    const updated = await t.send("PUT", `${CRONJOBS}/${"c".repeat(52)}`, { body: { ...fits.body, spec: { ...fits.body.spec, suspend: true } } });
    assert.equal(updated.status, 200);
  });

  test("negative counts are refused, each field in validateJobSpec's order", async () => {
    const body = job("negative", "Never");
    Object.assign(body.spec, { parallelism: -1, completions: -2, activeDeadlineSeconds: -3, backoffLimit: -1, ttlSecondsAfterFinished: -1 });
    const refused = await t.send("POST", JOBS, { body });
    assert.equal(refused.status, 422);
    assert.equal(
      refused.body.message,
      'Job.batch "negative" is invalid: [spec.parallelism: Invalid value: -1: must be greater than or equal to 0, spec.completions: Invalid value: -2: must be greater than or equal to 0, ' +
        "spec.activeDeadlineSeconds: Invalid value: -3: must be greater than or equal to 0, spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0, " +
        "spec.ttlSecondsAfterFinished: Invalid value: -1: must be greater than or equal to 0]",
    );
    assert.deepEqual(refused.body.details.causes[0], { reason: "FieldValueInvalid", message: "Invalid value: -1: must be greater than or equal to 0", field: "spec.parallelism" });
    const zero = job("zero", "Never");
    Object.assign(zero.spec, { parallelism: 0, backoffLimit: 0, ttlSecondsAfterFinished: 0 });
    assert.equal((await t.send("POST", JOBS, { body: zero })).status, 201, "zero is allowed");
  });

  test("completion modes: an unknown one, Indexed without completions, per-index limits on a NonIndexed Job, an unknown replacement policy", async () => {
    const mode = job("mode", "Never");
    Object.assign(mode.spec, { completionMode: "Sometimes" });
    assert.deepEqual((await t.send("POST", JOBS, { body: mode })).body, invalid("Job", "mode", "spec.completionMode", "FieldValueNotSupported", 'Unsupported value: "Sometimes": supported values: "NonIndexed", "Indexed"'));
    const indexed = job("indexed", "Never");
    Object.assign(indexed.spec, { completionMode: "Indexed", parallelism: 2 });
    assert.deepEqual((await t.send("POST", JOBS, { body: indexed })).body, invalid("Job", "indexed", "spec.completions", "FieldValueRequired", "Required value: when completion mode is Indexed"));
    const perIndex = job("per-index", "Never");
    Object.assign(perIndex.spec, { maxFailedIndexes: 1 });
    assert.equal(
      (await t.send("POST", JOBS, { body: perIndex })).body.message,
      'Job.batch "per-index" is invalid: [spec.backoffLimitPerIndex: Required value: when maxFailedIndexes is specified, spec.maxFailedIndexes: Invalid value: 1: requires indexed completion mode]',
    );
    const replacement = job("replacement", "Never");
    Object.assign(replacement.spec, { podReplacementPolicy: "Never" });
    assert.deepEqual(
      (await t.send("POST", JOBS, { body: replacement })).body,
      invalid("Job", "replacement", "spec.podReplacementPolicy", "FieldValueNotSupported", 'Unsupported value: "Never": supported values: "Failed", "TerminatingOrFailed"'),
    );
    const failurePolicy = job("failure-policy", "OnFailure");
    Object.assign(failurePolicy.spec, { podFailurePolicy: { rules: [{ action: "FailJob", onExitCodes: { operator: "In", values: [42] } }] } });
    assert.deepEqual(
      (await t.send("POST", JOBS, { body: failurePolicy })).body,
      invalid("Job", "failure-policy", "spec.template.spec.restartPolicy", "FieldValueInvalid", 'Invalid value: "OnFailure": only "Never" is supported when podFailurePolicy is specified'),
    );
    const fine = job("indexed-fine", "Never");
    Object.assign(fine.spec, { completionMode: "Indexed", completions: 3, backoffLimitPerIndex: 1, maxFailedIndexes: 2 });
    assert.equal((await t.send("POST", JOBS, { body: fine })).status, 201);
  });

  test("a pod failure policy's rules are checked as validatePodFailurePolicy does: exit codes ordered, unique, no 0 for In, a known container, one requirement per rule", async () => {
    const policy = (name: string, rules: unknown[], extra: Record<string, unknown> = {}) => {
      const body = job(name, "Never");
      Object.assign(body.spec, { podFailurePolicy: { rules }, ...extra });
      return body;
    };
    const exitCodes = await t.send("POST", JOBS, { body: policy("exit-codes", [{ action: "FailJob", onExitCodes: { containerName: "other", operator: "In", values: [42, 0, 7, 7] } }]) });
    assert.equal(exitCodes.status, 422);
    assert.equal(
      exitCodes.body.message,
      'Job.batch "exit-codes" is invalid: [spec.podFailurePolicy.rules[0].onExitCodes.containerName: Invalid value: "other": must be one of the container or initContainer names in the pod template, ' +
        "spec.podFailurePolicy.rules[0].onExitCodes.values[1]: Invalid value: 0: must not be 0 for the In operator, spec.podFailurePolicy.rules[0].onExitCodes.values[3]: Duplicate value: 7, " +
        "spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: []int32{42, 0, 7, 7}: must be ordered]",
    );
    assert.deepEqual(exitCodes.body.details.causes.map((c: { reason: string }) => c.reason), ["FieldValueInvalid", "FieldValueInvalid", "FieldValueDuplicate", "FieldValueInvalid"]);
    const rules = await t.send("POST", JOBS, {
      body: policy("rules", [
        { action: "Retry", onExitCodes: { operator: "Has", values: [] } },
        { action: "FailIndex", onPodConditions: [{ type: "Disruption Target", status: "Yes" }] },
        { action: "Ignore" },
        { action: "Count", onExitCodes: { operator: "NotIn", values: [0] }, onPodConditions: [{ type: "DisruptionTarget", status: "True" }] },
      ]),
    });
    assert.equal(
      rules.body.message,
      'Job.batch "rules" is invalid: [spec.podFailurePolicy.rules[0].action: Unsupported value: "Retry": supported values: "Count", "FailIndex", "FailJob", "Ignore", ' +
        'spec.podFailurePolicy.rules[0].onExitCodes.operator: Unsupported value: "Has": supported values: "In", "NotIn", spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: []int32{}: at least one value is required, ' +
        'spec.podFailurePolicy.rules[1].action: Invalid value: "FailIndex": requires the backoffLimitPerIndex to be set, ' +
        "spec.podFailurePolicy.rules[1].onPodConditions[0].type: Invalid value: \"Disruption Target\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]'), " +
        'spec.podFailurePolicy.rules[1].onPodConditions[0].status: Unsupported value: "Yes": supported values: "False", "True", "Unknown", ' +
        "spec.podFailurePolicy.rules[2]: Invalid value: specifying one of OnExitCodes and OnPodConditions is required, spec.podFailurePolicy.rules[3]: Invalid value: specifying both OnExitCodes and OnPodConditions is not supported]",
    );
    const tooMany = await t.send("POST", JOBS, { body: policy("too-many", Array.from({ length: 21 }, (_, i) => ({ action: "FailJob", onExitCodes: { operator: "In", values: [i + 1] } }))) });
    assert.equal(tooMany.body.message, 'Job.batch "too-many" is invalid: spec.podFailurePolicy.rules: Too many: 21: must have at most 20 items');
    // A CronJob's job template is checked alike.
    const cron = cronJob("cron-policy", "*/5 * * * *");
    Object.assign(cron.spec.jobTemplate.spec, { podFailurePolicy: { rules: [{ action: "FailJob", onExitCodes: { operator: "NotIn", values: [5, 4] } }] } });
    assert.equal((await t.send("POST", CRONJOBS, { body: cron })).body.message, 'CronJob.batch "cron-policy" is invalid: spec.jobTemplate.spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: []int32{5, 4}: must be ordered');
    // What podfn's CronJobs carry, and the container and init container names a rule may name.
    const valid = policy("valid", [
      { action: "Ignore", onPodConditions: [{ type: "DisruptionTarget", status: "True" }] },
      { action: "FailJob", onExitCodes: { containerName: "main", operator: "NotIn", values: [5] } },
      { action: "Count", onExitCodes: { operator: "In", values: [1, 42, 255] } },
    ]);
    assert.equal((await t.send("POST", JOBS, { body: valid })).status, 201);
  });

  test("a CronJob: starting deadline, concurrency policy, its job template's counts and the history limits, in validateCronJobSpec's order", async () => {
    const body = cronJob("bad-fields", "*/5 * * * *", { startingDeadlineSeconds: -5, concurrencyPolicy: "Sometimes", successfulJobsHistoryLimit: -1, failedJobsHistoryLimit: -1 });
    (body.spec.jobTemplate.spec as Record<string, unknown>).backoffLimit = -1;
    const refused = await t.send("POST", CRONJOBS, { body });
    assert.equal(refused.status, 422);
    assert.equal(
      refused.body.message,
      'CronJob.batch "bad-fields" is invalid: [spec.startingDeadlineSeconds: Invalid value: -5: must be greater than or equal to 0, spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace", ' +
        "spec.jobTemplate.spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0, spec.successfulJobsHistoryLimit: Invalid value: -1: must be greater than or equal to 0, " +
        "spec.failedJobsHistoryLimit: Invalid value: -1: must be greater than or equal to 0]",
    );
    const empty = await t.send("POST", CRONJOBS, { body: cronJob("empty-policy", "*/5 * * * *", { concurrencyPolicy: "" }) });
    assert.equal(empty.status, 201);
    assert.equal(empty.body.spec.concurrencyPolicy, "Allow", "SetDefaults_CronJob: an empty policy is Allow");
  });
});
