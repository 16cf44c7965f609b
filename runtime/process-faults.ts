/**
 * @module process-faults
 * Faults no call owns, in a process that serves: a promise rejected with no handler (a
 * function's fire-and-forget work) is logged and the process goes on serving; an exception
 * thrown outside any call (in a timer or an event handler of a function's) is logged and starts
 * the graceful shutdown, since the process's state is then unknown, and the command exits 1.
 * Node's default for both is to end the process at once: every call in flight cut, no drain,
 * no `onShutdown` hooks, and only a bare stack on stderr.
 */
import { inspect } from "node:util";
import type { Logger } from "pino";

/**
 * Rejections already reported where they were caught. On Node 20 a module failing inside an ES
 * module graph (a CommonJS dependency throwing as it loads) rejects twice: the `import()` the
 * loader catches and reports, and an inner promise nothing handles.
 */
const reported = new WeakSet<object>();
/**
 * Primitive reasons (`throw "boom"`) reported while a `withoutReportedEchoes` window is open: a
 * value cannot be told from an equal one, so these marks last only until the last window
 * closes (an unrelated rejection with the same value inside the window is taken for the echo).
 */
const reportedValues = new Set<unknown>();

/** Marks `reason` as reported where it was caught: its unhandled echo is not a fault. */
export function reportedElsewhere(reason: unknown): void {
  if (isObject(reason)) reported.add(reason);
  else if (echoWatchers > 0) reportedValues.add(reason);
}

/** Whether `reason` was marked by `reportedElsewhere`. */
function wasReported(reason: unknown): boolean {
  return isObject(reason) ? reported.has(reason) : reportedValues.has(reason);
}

function isObject(value: unknown): value is object {
  return (typeof value === "object" && value !== null) || typeof value === "function";
}

/**
 * Runs `work` with the unhandled echoes of rejections it reported (`reportedElsewhere`)
 * ignored, until a turn of the event loop after it settles. Any other unhandled rejection is
 * left to the other listeners, or (with none) ends the process as Node's default does.
 *
 * @example
 * const functions = await withoutReportedEchoes(() => importEverything());
 */
export async function withoutReportedEchoes<T>(work: () => Promise<T>): Promise<T> {
  // One listener however many loads run at once.
  if (echoWatchers++ === 0) process.on("unhandledRejection", ignoreReportedEchoes);
  try {
    return await work();
  } finally {
    setImmediate(() => {
      if (--echoWatchers > 0) return;
      process.off("unhandledRejection", ignoreReportedEchoes);
      reportedValues.clear();
    });
  }
}

let echoWatchers = 0;

/**
 * An echo is dropped; any other rejection goes to the other listeners, or, with none, meets
 * Node's default for its `--unhandled-rejections` mode (a listener of its own disables it).
 */
function ignoreReportedEchoes(reason: unknown): void {
  if (wasReported(reason)) return;
  if (process.listenerCount("unhandledRejection") > 1) return;
  // `warn` warns and `strict` throws whatever the listeners (Node has acted already); `none`
  // does nothing: only `throw` (the default) and `warn-with-error-code` are a listener's to stand in for.
  const mode = unhandledRejectionsMode();
  const error = reason instanceof Error ? reason : unhandledRejectionError(reason);
  if (mode === "warn-with-error-code") {
    process.emitWarning(error.message, "UnhandledPromiseRejectionWarning");
    process.exitCode = 1;
  } else if (mode === "throw") {
    throw error;
  }
}

/** `--unhandled-rejections` as given to this process (NODE_OPTIONS, then the command line, which wins); Node's default: throw. */
function unhandledRejectionsMode(): string {
  const flags = [...(process.env.NODE_OPTIONS ?? "").split(/\s+/), ...process.execArgv];
  let mode = "throw";
  flags.forEach((flag, i) => {
    if (flag.startsWith("--unhandled-rejections=")) mode = flag.slice("--unhandled-rejections=".length);
    else if (flag === "--unhandled-rejections" && flags[i + 1]) mode = flags[i + 1]!;
  });
  return mode;
}

/** Node's ERR_UNHANDLED_REJECTION for a reason that is not an Error. */
function unhandledRejectionError(reason: unknown): Error {
  const error = new Error(`This error originated either by throwing inside of an async function without a catch block, or by rejecting a promise which was not handled with .catch(). The promise rejected with the reason "${inspect(reason)}".`);
  return Object.assign(error, { code: "ERR_UNHANDLED_REJECTION" });
}

/**
 * Install the handlers; returns the function that removes them. `onFatal` is called once, on
 * the first uncaught exception; later ones are logged only (`podfn run` ends its run there).
 * Without `onFatal` (`podfn dev`) every fault is logged and the process goes on. `onFault` is
 * told of every fault logged (`podfn run` fails the run on a rejection too). `fatalMessage` is
 * what the first uncaught exception is logged with (`podfn run`: that the run ends, failed).
 *
 * @example
 * const unguard = guardProcess(logger, () => stop.abort("uncaughtException"));
 * try { await serve(stop.signal); } finally { unguard(); }
 */
export function guardProcess(logger: Logger, onFatal?: (error: unknown) => void, onFault?: () => void, options: { fatalMessage?: string } = {}): () => void {
  let fatal = false;
  function onRejection(reason: unknown): void {
    if (wasReported(reason)) return;
    logger.error({ err: reason }, "a promise was rejected and nothing handled it (a function's work left without a catch): the process goes on");
    onFault?.();
  }
  function onException(error: unknown): void {
    onFault?.();
    if (onFatal === undefined) return void logger.error({ err: error }, "uncaught exception outside any call: the process goes on");
    if (fatal) return void logger.error({ err: error }, "uncaught exception while shutting down");
    logger.error({ err: error }, options.fatalMessage ?? "uncaught exception outside any call: shutting down gracefully");
    fatal = true;
    onFatal(error);
  }
  process.on("unhandledRejection", onRejection);
  process.on("uncaughtException", onException);
  return function unguard() {
    // The CLI's after-command guard takes over first: not a microtask without one.
    handOver?.();
    process.off("unhandledRejection", onRejection);
    process.off("uncaughtException", onException);
  };
}

/** Installs the after-command guard the CLI made (`guardAfterCommand`), once; a command's guard calls it as it is removed. */
let handOver: (() => void) | undefined;

/**
 * After a command has returned (the CLI's entry point, until the process exits): an exception or
 * rejection of work it left behind (a handler's timer firing after `podfn run` answered) is
 * logged censored through `logger()`, as a command's own guard would, instead of printed whole
 * by Node, and fails the process (exit 1), as Node would. Made before the command runs; its
 * handlers are installed as the command's own guard is removed (`guardProcess` hands over: the
 * work it leaves is never unguarded, not for a microtask), or by `ended()` for a command that
 * has none. `faulted()` says whether one happened.
 *
 * @example
 * const late = guardAfterCommand(async () => (await import("./log.js")).createLogger({ destination: stderr }));
 * const code = await main(argv, io);
 * late.ended();
 * setTimeout(() => process.exit(late.faulted() ? 1 : code), 200);
 */
export function guardAfterCommand(logger: () => Promise<Logger>): { ended(): void; faulted(): boolean } {
  let faulted = false;
  // Made on the first late fault, then reused.
  let made: Promise<Logger> | undefined;
  function late(what: string) {
    return function lateFault(error: unknown): void {
      if (what === "rejection" && wasReported(error)) return;
      faulted = true;
      process.exitCode = 1;
      void (made ??= logger()).then(
        (log) => log.error({ err: error }, `${what === "rejection" ? "a promise was rejected and nothing handled it" : "uncaught exception"} after the command ended: exit 1`),
        () => undefined,
      );
    };
  }
  function install(): void {
    if (handOver !== install) return;
    handOver = undefined;
    process.on("uncaughtException", late("exception"));
    process.on("unhandledRejection", late("rejection"));
  }
  handOver = install;
  return {
    ended: install,
    faulted() {
      return faulted;
    },
  };
}
