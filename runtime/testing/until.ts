/**
 * @module testing/until
 * Waiting in tests without sleeping for luck: poll a condition (a synchronous check, or a
 * question for the cluster) until it holds, with a deadline that names what was awaited.
 */

/**
 * Resolves once `condition()` holds (a promise of it is awaited); throws naming `what` after
 * `timeoutMs`.
 *
 * @example
 * await until(async () => (await admin.configMaps.get("x")).metadata?.labels?.seen === "yes", "the label", 10_000);
 */
export async function until(condition: () => boolean | Promise<boolean>, what = "condition", timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
