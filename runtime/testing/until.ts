/**
 * @module testing/until
 * Waiting in tests without sleeping for luck: poll a condition (a synchronous check, or a
 * question for the cluster) until it holds, with a deadline that names what was awaited. A
 * running `deployed.watch()` ends a pending wait at once when one of its calls fails (see
 * `endWaitsOn`): the wait fails with why, not with a timeout.
 */

/** What ends a pending wait early: given what is awaited, an error to fail it with, or nothing. */
type WaitEnder = (what: string) => Error | undefined;

const enders = new Set<WaitEnder>();

/**
 * Make `check` end `until()` waits, pending or to come, with the error it returns (asked at each
 * poll of each wait, after its condition), until the returned function is called.
 *
 * @example
 * const release = endWaitsOn((what) => failure && new Error(`waiting for ${what}: ${failure}`));
 */
export function endWaitsOn(check: WaitEnder): () => void {
  enders.add(check);
  return () => void enders.delete(check);
}

/**
 * Resolves once `condition()` holds (a promise of it is awaited); throws naming `what` after
 * `timeoutMs`, or at once with a running watch's failed call (`WatchCallFailedError`, code
 * `watch_call_failed`, unless that watch was started with `expectCallFailures: true`).
 *
 * @example
 * await until(async () => (await admin.configMaps.get("x")).metadata?.labels?.seen === "yes", "the label", 10_000);
 */
export async function until(condition: () => boolean | Promise<boolean>, what = "condition", timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    for (const ended of enders) {
      const error = ended(what);
      if (error) throw error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
