/**
 * @module test/helpers/until
 * Polls a condition with a bounded deadline: how tests wait for something asynchronous without
 * sleeping for luck.
 */

/** Resolves once `condition()` holds (a promise of it is awaited: a question for the cluster); throws naming `what` after `timeoutMs`. */
export async function until(condition: () => boolean | Promise<boolean>, what = "condition", timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
