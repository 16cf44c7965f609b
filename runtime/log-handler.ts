/**
 * @module log-handler
 * The logger a handler gets (`ctx.log`): a pino child whose logged fields are censored by shape
 * (`censorFields`, at any depth; an error under any key written as the `err` serializer writes
 * it), and whose own children and `setBindings` censor their bindings the same way. pino applies
 * a `bindings` formatter to one child only (a grandchild's is reset), so the censoring is put in
 * `child` and `setBindings` themselves, which every descendant inherits through its prototype.
 * Those overrides are defined once per parent logger, on a base child every call's logger
 * descends from: a call pays for one pino child. An error under a key a serializer of the
 * handler's own writes (`child({}, { serializers: { error } })`) is handed to it as it is, and
 * what the serializer returns is censored (pino writes it after the formatter).
 */
import type { ChildLoggerOptions, Logger } from "pino";
import { censorFields, censorValue } from "./log-error.js";

type PinoChild = (this: Logger, bindings: Record<string, unknown>, options?: ChildLoggerOptions) => Logger;
type PinoSetBindings = (this: Logger, bindings: Record<string, unknown>) => void;

/** The keys a handler's own serializers write, on the logger that has them: their errors reach them as they are. */
const ERRORS_KEPT = Symbol("podfn.errorsKept");

/** The censoring base of each parent logger. */
const bases = new WeakMap<Logger, Logger>();

function baseOf(parent: Logger): Logger {
  let base = bases.get(parent);
  if (base !== undefined) return base;
  base = parent.child({}, { formatters: { log: censorFields } });
  // pino's own, called with each descendant as `this`.
  const pinoChild = base.child as unknown as PinoChild;
  const pinoSetBindings = base.setBindings as unknown as PinoSetBindings;
  Object.defineProperties(base, {
    child: {
      value: function child(this: Logger & { [ERRORS_KEPT]?: ReadonlySet<string> }, more: Record<string, unknown>, options?: ChildLoggerOptions) {
        const inherited = this[ERRORS_KEPT];
        const kept = options?.serializers ? new Set([...(inherited ?? []), ...Object.keys(options.serializers)]) : inherited;
        const censor = kept === undefined ? censorFields : (object: object) => censorFields(object, kept);
        const theirs = options?.formatters?.log;
        // A formatter of the handler's own still has its output censored; without one (and no new
        // serializer), pino keeps the parent's censoring formatter.
        const log = theirs ? (object: object) => censor(theirs(object as Record<string, unknown>)) : kept !== inherited ? censor : undefined;
        // What a serializer of the handler's own returns is censored too: it is written after the formatter.
        const serializers = options?.serializers ? Object.fromEntries(Object.entries(options.serializers).map(([key, serialize]) => [key, (value: unknown) => censorValue(serialize(value))])) : undefined;
        const passed = log || serializers ? { ...options, ...(serializers ? { serializers } : {}), ...(log ? { formatters: { ...options!.formatters, log } } : {}) } : options;
        const made = pinoChild.call(this, censorFields(more ?? {}) as Record<string, unknown>, passed) as Logger & { [ERRORS_KEPT]?: ReadonlySet<string> };
        if (kept !== inherited) made[ERRORS_KEPT] = kept;
        return made;
      },
    },
    setBindings: {
      value: function setBindings(this: Logger, more: Record<string, unknown>) {
        pinoSetBindings.call(this, censorFields(more ?? {}) as Record<string, unknown>);
      },
    },
  });
  bases.set(parent, base);
  return base;
}

/**
 * A child of `parent` with `bindings` (podfn's own: the function and request id) for a handler.
 *
 * @example
 * const log = handlerLogger(logger, { fn: "cleanup", requestId });
 * log.child({ upstream: { password: "x" } }).info("calling"); // upstream.password: [redacted]
 */
export function handlerLogger(parent: Logger, bindings: Record<string, unknown>): Logger {
  return baseOf(parent).child(bindings);
}
