/**
 * @module log-handler
 * The logger a handler gets (`ctx.log`): a pino child whose logged fields are censored by shape
 * (`censorFields`, at any depth; an error under any key written as the `err` serializer writes
 * it), and whose own children and `setBindings` censor their bindings the same way. pino applies
 * a `bindings` formatter to one child only (a grandchild's is reset), so the censoring is put in
 * `child` and `setBindings` themselves, which every descendant inherits through its prototype.
 */
import type { ChildLoggerOptions, Logger } from "pino";
import { censorFields } from "./log-error.js";

const HANDLER_LOG: ChildLoggerOptions = { formatters: { log: censorFields } };

/**
 * A child of `parent` with `bindings` (podfn's own: the function and request id) for a handler.
 *
 * @example
 * const log = handlerLogger(logger, { fn: "cleanup", requestId });
 * log.child({ upstream: { password: "x" } }).info("calling"); // upstream.password: [redacted]
 */
export function handlerLogger(parent: Logger, bindings: Record<string, unknown>): Logger {
  const logger = parent.child(bindings, HANDLER_LOG);
  // pino's own, called with each descendant as `this`.
  const pinoChild = logger.child as unknown as (this: Logger, bindings: Record<string, unknown>, options?: ChildLoggerOptions) => Logger;
  const pinoSetBindings = logger.setBindings as (this: Logger, bindings: Record<string, unknown>) => void;
  Object.defineProperties(logger, {
    child: {
      value: function child(this: Logger, more: Record<string, unknown>, options?: ChildLoggerOptions) {
        const theirs = options?.formatters?.log;
        // A formatter of the handler's own still has its output censored.
        const log = theirs ? (object: object) => censorFields(theirs(object as Record<string, unknown>)) : censorFields;
        return pinoChild.call(this, censorFields(more ?? {}) as Record<string, unknown>, { ...options, formatters: { ...options?.formatters, log } });
      },
    },
    setBindings: {
      value: function setBindings(this: Logger, more: Record<string, unknown>) {
        pinoSetBindings.call(this, censorFields(more ?? {}) as Record<string, unknown>);
      },
    },
  });
  return logger;
}
