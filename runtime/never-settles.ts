/**
 * @module never-settles
 * Telling a promise that never settles from a slow one: once the event loop has nothing left to
 * do (Node's `beforeExit`), a promise still pending waits on one nothing can settle, such as a
 * module's top-level await on a promise nothing resolves. Node would end the process there,
 * with exit code 0, the command's work undone and nothing said.
 */

/** What `settledBeforeDrain` gives for a promise still pending when the event loop drained. */
export const NEVER_SETTLED: unique symbol = Symbol("never settled");

/**
 * The values of `promises` (which must not reject), each `NEVER_SETTLED` if it was still pending
 * when the event loop had nothing left to do. One `beforeExit` listener for them all, removed
 * when they settle. While anything else keeps the process alive (a server, a timer), it only
 * waits for them.
 *
 * @example
 * const [mod] = await settledBeforeDrain([importOne(file)]);
 * if (mod === NEVER_SETTLED) problems.push(`${file}: the module never finished importing`);
 */
export function settledBeforeDrain<T>(promises: readonly Promise<T>[]): Promise<(T | typeof NEVER_SETTLED)[]> {
  const results: (T | typeof NEVER_SETTLED)[] = promises.map(() => NEVER_SETTLED);
  if (promises.length === 0) return Promise.resolve(results);
  return new Promise((resolve, reject) => {
    let left = promises.length;
    const done = () => {
      process.off("beforeExit", done);
      resolve(results);
    };
    process.on("beforeExit", done);
    promises.forEach((promise, i) =>
      promise.then(
        (value) => {
          results[i] = value;
          if (--left === 0) done();
        },
        (error: unknown) => {
          process.off("beforeExit", done);
          reject(error);
        },
      ),
    );
  });
}
