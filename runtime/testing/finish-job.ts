/**
 * @module testing/finish-job
 * Marks a Job finished as the Job controller does, for tests on the emulated cluster (which runs
 * no controllers): a status a 1.32 API server takes, so a test that passes here passes against
 * a real one. The controller's order is kept: the interim condition (`SuccessCriteriaMet`, or
 * `FailureTarget`) beside the terminal one (`Complete`, or `Failed`), a `startTime` (the Job's
 * own, or when it finished), `completionTime` on a Complete Job only, no active, ready,
 * terminating or uncounted pods left, and the succeeded (or failed) count raised to what a
 * finished Job shows.
 */
import type { Job, JobCondition } from "kubernetes-types/batch/v1.js";
import type { KubeClient } from "../kube/api.js";

/** How the Job ends. */
export interface FinishJobOptions {
  /** Failed rather than Complete: `true`, or the Failed condition's reason and message (default `BackoffLimitExceeded`). */
  failed?: boolean | { reason?: string; message?: string };
  /** When it finished (default now); a Job with no `startTime` is given this one. */
  at?: Date | string;
  /** The Job's namespace, when not the client's. */
  namespace?: string;
}

const COMPLETE = { reason: "CompletionsReached", message: "Reached expected number of succeeded pods" };
const FAILED = { reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit" };

/** A metav1.Time as the server writes it back: UTC, to the second. */
const seconds = (t: Date | string): string => new Date(t).toISOString().replace(/\.\d+Z$/, "Z");

/**
 * Writes the status of Job `name` (through its status subresource) as the Job controller does
 * when it finishes: Complete, or Failed with `failed`. Answers the Job as stored; a Job already
 * finished the other way is the server's 422 (terminal conditions are never taken back).
 *
 * @example
 * await fn.admin.jobs.create({ metadata: { name: "batch-1" }, spec: { template: { spec: podSpec } } });
 * await finishJob(fn.admin, "batch-1", { failed: { reason: "DeadlineExceeded", message: "Job was active longer than specified deadline" } });
 */
export async function finishJob(client: KubeClient, name: string, options: FinishJobOptions = {}): Promise<Job> {
  const namespace = options.namespace === undefined ? {} : { namespace: options.namespace };
  const job = await client.jobs.get(name, namespace);
  const status = job.status ?? {};
  const startTime = status.startTime ?? seconds(options.at ?? new Date());
  // Never before it started (a 1.32 server refuses a completionTime before the startTime).
  const requested = seconds(options.at ?? new Date());
  const at = Date.parse(requested) < Date.parse(startTime) ? startTime : requested;
  const failure = options.failed ? { ...FAILED, ...(typeof options.failed === "object" ? options.failed : {}) } : undefined;
  const [interim, terminal] = failure ? ["FailureTarget", "Failed"] : ["SuccessCriteriaMet", "Complete"];
  const why = failure ?? COMPLETE;
  const kept = (status.conditions ?? []).filter((c) => c.type !== interim && c.type !== terminal);
  const condition = (type: string): JobCondition => ({ type, status: "True", lastProbeTime: at, lastTransitionTime: at, ...why });
  const done = {
    startTime,
    active: 0,
    ...(status.ready !== undefined ? { ready: 0 } : {}),
    ...(status.terminating !== undefined ? { terminating: 0 } : {}),
    ...(status.uncountedTerminatedPods ? { uncountedTerminatedPods: null } : {}),
    conditions: [...kept, condition(interim), condition(terminal)],
    ...(failure ? { failed: Math.max(status.failed ?? 0, 1) } : { succeeded: Math.max(status.succeeded ?? 0, job.spec?.completions ?? 1), completionTime: at }),
  };
  return client.jobs.patchStatus(name, { status: done } as Partial<Job>, namespace);
}
