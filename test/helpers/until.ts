/**
 * @module test/helpers/until
 * Polls a condition with a bounded deadline: how tests wait for something asynchronous without
 * sleeping for luck.
 */

/** Resolves once `condition()` holds; throws naming `what` after `timeoutMs`. */
export async function until(condition: () => boolean, what = "condition", timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
