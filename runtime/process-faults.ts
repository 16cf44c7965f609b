/**
 * @module process-faults
 * Faults no call owns, in a process that serves: a promise rejected with no handler (a
 * function's fire-and-forget work) is logged and the process goes on serving; an exception
 * thrown outside any call (in a timer or an event handler of a function's) is logged and starts
 * the graceful shutdown, since the process's state is then unknown, and the command exits 1.
 * Node's default for both is to end the process at once: every call in flight cut, no drain,
 * no `onShutdown` hooks, and only a bare stack on stderr.
 */
import type { Logger } from "pino";

/**
 * Install the handlers; returns the function that removes them. `onFatal` is called once, on
 * the first uncaught exception; later ones are logged only. Without `onFatal` (`podfn dev`)
 * every fault is logged and the process goes on.
 *
 * @example
 * const unguard = guardProcess(logger, () => stop.abort("uncaughtException"));
 * try { await serve(stop.signal); } finally { unguard(); }
 */
export function guardProcess(logger: Logger, onFatal?: (error: unknown) => void): () => void {
  let fatal = false;
  function onRejection(reason: unknown): void {
    logger.error({ err: reason }, "a promise was rejected and nothing handled it (a function's work left without a catch): the process goes on");
  }
  function onException(error: unknown): void {
    if (onFatal === undefined) return void logger.error({ err: error }, "uncaught exception outside any call: the process goes on");
    logger.error({ err: error }, fatal ? "uncaught exception while shutting down" : "uncaught exception outside any call: shutting down gracefully");
    if (fatal) return;
    fatal = true;
    onFatal(error);
  }
  process.on("unhandledRejection", onRejection);
  process.on("uncaughtException", onException);
  return function unguard() {
    process.off("unhandledRejection", onRejection);
    process.off("uncaughtException", onException);
  };
}
