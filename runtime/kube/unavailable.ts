/**
 * @module kube/unavailable
 * Whether an error means "the API server could not answer now" — unreachable (a
 * `KubeConnectionError`) or shedding load (429, 503, 504 after the client's retries) — anywhere
 * in its `cause` chain. The call may be made again later: HTTP answers it 503 `kube_unavailable`,
 * `podfn run` exits 5 so its Job is retried. The eviction API's 429 (a PodDisruptionBudget
 * allows no disruption now: its Status names a `DisruptionBudget` cause) is not one: the server
 * answered, about that pod (HTTP answers it 429; `podfn run` still exits 5, to be retried).
 */
import { findCause } from "../errors.js";
import { KubeApiError, KubeConnectionError } from "./errors.js";

/** The API server's statuses that mean "not now". */
const BUSY_STATUSES: ReadonlySet<number> = new Set([429, 503, 504]);

/** The eviction API's refusal: a 429 whose Status names a `DisruptionBudget` cause (upstream's `policyv1.DisruptionBudgetCause`). */
export function disruptionBudgetRefusal(error: unknown): KubeApiError | undefined {
  return findCause(error, (e): e is KubeApiError => e instanceof KubeApiError && e.statusCode === 429 && (e.details?.causes ?? []).some((cause) => cause.reason === "DisruptionBudget"));
}

/**
 * The error in `error`'s cause chain saying the API server could not answer, if any.
 *
 * @example
 * if (kubeUnavailable(error)) return retryLater();
 */
export function kubeUnavailable(error: unknown): KubeConnectionError | KubeApiError | undefined {
  return (
    findCause(error, (e): e is KubeConnectionError => e instanceof KubeConnectionError) ??
    (disruptionBudgetRefusal(error) ? undefined : findCause(error, (e): e is KubeApiError => e instanceof KubeApiError && BUSY_STATUSES.has(e.statusCode)))
  );
}
