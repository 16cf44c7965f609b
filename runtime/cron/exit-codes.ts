/**
 * @module cron/exit-codes
 * The exit codes of `podfn run`, the contract a CronJob's Job (and a shell script) reads, as a
 * pure mapping from how the run ended to a code and a one-line message:
 *
 * | code | meaning |
 * |------|---------|
 * | 0    | the handler succeeded; its result is on stdout as one JSON line |
 * | 1    | the handler failed (threw, replied with an HTTP status >= 400, or returned something the output schema rejects); a 401 (the API server refused the credentials) is said as such |
 * | 2    | bad input or configuration: the message names the field, flag or file |
 * | 3    | the API server denied a request (403): the message names the missing permission |
 * | 4    | the handler ran past its `timeoutMs` |
 * | 5    | the API server could not answer (unreachable, or 429/503/504 after the client's retries), or refused an eviction for now (a PodDisruptionBudget allows no disruption): try again later; the generated CronJobs' Jobs retry this code alone |
 * | 130  | interrupted by SIGINT (128 + 2) |
 * | 143  | terminated by SIGTERM (128 + 15) |
 *
 * A 403 anywhere in the error's `cause` chain wins over the error around it, so a handler that
 * wraps the client's error still exits 3; an unreachable or overloaded API server likewise
 * exits 5 (unless the run timed out: 4).
 */
import { PodfnError, findCause } from "../errors.js";
import { KubeForbiddenError, KubeUnauthorizedError } from "../kube/errors.js";
import { disruptionBudgetRefusal, kubeUnavailable } from "../kube/unavailable.js";

/** The exit codes by name. */
export const EXIT_CODES = {
  ok: 0,
  handlerFailed: 1,
  invalid: 2,
  forbidden: 3,
  timeout: 4,
  kubeUnavailable: 5,
  sigint: 130,
  sigterm: 143,
} as const;

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/** How a run ended: an error, a stop signal, or neither (success). */
export interface RunEnding {
  /** What the run threw, if it failed: present (even `undefined`, as `throw undefined` gives) means it did. */
  error?: unknown;
  /** The signal that stopped the run, if one did; it decides the code whatever the error. */
  signal?: "SIGINT" | "SIGTERM";
}

export interface ExitDecision {
  code: ExitCode;
  /** One line for the log; never carries a secret (built from error messages, which carry none). */
  message: string;
}

/** Error codes that mean "fix your input or configuration", not "the function failed" (exit 2, no stack; every command). */
export const INVALID_CODES: ReadonlySet<string> = new Set(["config_invalid", "load_failed", "definition_invalid", "invalid_input", "kube_no_credentials", "kube_credentials", "manifest_name_conflict", "bad_manifest", "secret_missing", "admission_certificate_invalid"]);

function messageOf(error: unknown): string {
  if (error === undefined || error === null) return `it threw ${String(error)} (throw an Error to say why)`;
  try {
    return error instanceof Error ? String(error.message) : String(error);
  } catch {
    // An object without toString (a null prototype), a message getter or proxy trap that throws.
    try {
      return Object.prototype.toString.call(error);
    } catch {
      return "it threw a value that cannot be read";
    }
  }
}

/**
 * What a 401 means and what to fix, naming the request (never a header: the token is in none
 * of what is said). The client re-read a token file or exec plugin's credentials and retried
 * once before it gave up (kube/transport.ts).
 */
function unauthorizedMessage(error: KubeUnauthorizedError): string {
  return `the API server refused the credentials (${error.method} ${error.path}: 401 Unauthorized): a token expired, revoked, or of a ServiceAccount deleted since, or credentials of another cluster; a token file or exec plugin was read again and the request tried once more. Fix the credentials (the kubeconfig, or the pod's ServiceAccount), not the handler`;
}

/**
 * Decide the exit code of a run.
 *
 * @example
 * exitCodeFor({});                                  // { code: 0, message: "ok" }
 * exitCodeFor({ error: new TimeoutError("...") });  // { code: 4, ... }
 * exitCodeFor({ signal: "SIGTERM" });               // { code: 143, ... }
 */
export function exitCodeFor(ending: RunEnding): ExitDecision {
  try {
    return decide(ending);
  } catch {
    // A thrown value whose reading throws (a `code` getter): a failure all the same, never a throw here.
    return { code: EXIT_CODES.handlerFailed, message: "the handler failed: it threw a value that cannot be read (a getter or proxy trap threw)" };
  }
}

function decide(ending: RunEnding): ExitDecision {
  if (ending.signal === "SIGINT") return { code: EXIT_CODES.sigint, message: "interrupted (SIGINT)" };
  if (ending.signal === "SIGTERM") return { code: EXIT_CODES.sigterm, message: "terminated (SIGTERM)" };
  // A rejection with no value (`Promise.reject()`, `throw undefined`) is a failure all the same.
  if (!("error" in ending)) return { code: EXIT_CODES.ok, message: "ok" };
  const { error } = ending;
  const forbidden = findCause(error, (e): e is KubeForbiddenError => e instanceof KubeForbiddenError);
  if (forbidden) return { code: EXIT_CODES.forbidden, message: `the API server denied a request: ${forbidden.message}` };
  if (findCause(error, (e): e is PodfnError => e instanceof PodfnError && e.code === "timeout")) return { code: EXIT_CODES.timeout, message: messageOf(error) };
  // Still a failed run (1), but said as what it is: the identity's fault, not the handler's.
  const refused = findCause(error, (e): e is KubeUnauthorizedError => e instanceof KubeUnauthorizedError);
  if (refused) return { code: EXIT_CODES.handlerFailed, message: unauthorizedMessage(refused) };
  if (error instanceof PodfnError && INVALID_CODES.has(error.code)) return { code: EXIT_CODES.invalid, message: error.message };
  // A PodDisruptionBudget's "not now" is retried as the API server's is (kubectl drain retries it too).
  const budget = disruptionBudgetRefusal(error);
  if (budget) return { code: EXIT_CODES.kubeUnavailable, message: `an eviction was refused for now, a PodDisruptionBudget allowing no disruption (retry later): ${budget.message}` };
  if (kubeUnavailable(error)) return { code: EXIT_CODES.kubeUnavailable, message: `the Kubernetes API server could not answer (retry later): ${messageOf(error)}` };
  return { code: EXIT_CODES.handlerFailed, message: `the handler failed: ${messageOf(error)}` };
}

/** How an in-process run (a schedule's, a watch's) ended, as its log line names it. */
export type RunOutcome = "succeeded" | "failed" | "invalid input" | "forbidden" | "timed out" | "kube unavailable" | "aborted";

const OUTCOMES: Record<number, RunOutcome> = {
  [EXIT_CODES.ok]: "succeeded",
  [EXIT_CODES.handlerFailed]: "failed",
  [EXIT_CODES.invalid]: "invalid input",
  [EXIT_CODES.forbidden]: "forbidden",
  [EXIT_CODES.timeout]: "timed out",
  [EXIT_CODES.kubeUnavailable]: "kube unavailable",
};

/** The outcome of an in-process run that ended with `decision`; `aborted` when it was stopped (unless it timed out). */
export function outcomeOf(decision: ExitDecision, aborted: boolean): RunOutcome {
  return aborted && decision.code !== EXIT_CODES.timeout ? "aborted" : (OUTCOMES[decision.code] ?? "failed");
}
