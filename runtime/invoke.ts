/**
 * @module invoke
 * Runs one call of a function, the same way for every trigger (HTTP, schedule, `podfn run`):
 * validates the input against the schema, builds the context, enforces `timeoutMs` by aborting
 * the call's signal, and checks the result against the `output` schema when there is one.
 * A value the schema's compiled fast check (validate/compile) accepts is used as it is; zod
 * parses every other one, and its result and errors are the reference. Input too deeply nested
 * for a recursive schema is an `InputError` (nesting.ts), not the stack overflow zod hits.
 */
import type { Logger } from "pino";
import type { z } from "zod";
import { zod } from "./zod-runtime.js";
import { copyPlain, isPlainObject } from "./plain-object.js";
import type { KubeClient } from "./kube/api.js";
import { isConditionReport, isReply, type LoadedFunction, type Trigger } from "./function.js";
import { CallContext } from "./context.js";
import { InputError, PodfnError, TimeoutError } from "./errors.js";
import { issuePath } from "./zod-issues.js";
import { inputIssues } from "./input-issues.js";
import { tooDeepOr } from "./nesting.js";
import { linkAbort } from "./signals.js";
import { isThenable } from "./thenable.js";
import { compileFastCheck } from "./validate/compile.js";
import { mayBeAsync } from "./validate/may-be-async.js";
import { refuseDryRunField } from "./input-dry-run.js";

/** What `invoke()` runs: a loaded function, its raw input, and the call's context. */
export interface InvokeOptions {
  /** The function, as `loadFunctions` gives it. */
  fn: LoadedFunction;
  /** The raw input (parsed JSON body, query object, `--input`, or a schedule's input). */
  input: unknown;
  /** `input` is already the schema's output (`parseInput`'s, for this trigger): not parsed again. */
  inputParsed?: boolean;
  /** Milliseconds the call already spent (its input's check, by `parseInput` beforehand): `timeoutMs` counts them. */
  spentMs?: number;
  /** How the call came in (the handler's `ctx.trigger`). */
  trigger: Trigger;
  /** Id of the call, in its log lines and `ctx.requestId`. */
  requestId: string;
  /** Whether the handler's client sends writes as server-side dry runs (`ctx.dryRun`). */
  dryRun: boolean;
  /** The client the handler gets (a view of it honouring the call's signal and `dryRun`). */
  kube: KubeClient;
  /** The logger the call's `ctx.log` is a child of. */
  logger: Logger;
  /** Aborts the call from outside (shutdown, client gone). */
  signal?: AbortSignal;
  /**
   * Stops waiting for a handler that returned a promise: when it gives up, the call rejects with
   * its reason whether or not the handler has settled (an HTTP drain's last resort, `Drain`).
   */
  abandon?: { whenAbandoned(giveUp: (reason: unknown) => void): () => void };
  /**
   * Told when the call times out while its handler still runs (a handler that ignores its
   * signal), with a promise settling once the handler has: a caller that runs one call at a
   * time (a watch's object, a `Forbid` schedule) waits for it before the next.
   */
  onTimeout?: (handlerSettled: Promise<void>) => void;
}

/** The handler returned something the `output` schema rejects: a bug in the function. */
export class OutputError extends PodfnError {
  declare readonly code: "invalid_output";

  constructor(fn: string, issues: string) {
    super("invalid_output", `${fn}: the result does not match the output schema: ${issues}`);
  }
}

type ParseResult = z.ZodSafeParseResult<unknown>;

/** Each schema's compiled fast check (`null`: not compilable), made on first use. */
const fastChecks = new WeakMap<object, ((value: unknown) => boolean) | null>();

/**
 * True when `value` passes the schema's compiled check (see validate/compile): zod would accept
 * it and return an equal value, so the value itself is the parsed one, without zod's copy.
 */
function passesFastCheck(schema: object, value: unknown): boolean {
  let check = fastChecks.get(schema);
  if (check === undefined) {
    check = compileFastCheck(schema) ?? null;
    fastChecks.set(schema, check);
  }
  return check !== null && check(value);
}

/**
 * `schema.safeParse(value)`, which costs a third less than `safeParseAsync` and returns without
 * a promise, for a schema running none of the function's own code that could be asynchronous
 * (validate/may-be-async); any other is parsed asynchronously from its first call: a
 * synchronous attempt would have run its refinements and transforms up to the first promise,
 * and the asynchronous parse after it would run them again.
 */
function safeParse(schema: z.ZodType, value: unknown): ParseResult | Promise<ParseResult> {
  // zod/v3's schemas, without zod 4's internals, always take the asynchronous path.
  const z = zod();
  if (schema instanceof z.ZodType && !mayBeAsync(schema)) {
    try {
      return schema.safeParse(value);
    } catch (error) {
      // Not expected of such a schema; had it happened, nothing of the function's ran.
      if (!isAsyncError(error, z.core.$ZodAsyncError)) throw error;
    }
  }
  return schema.safeParseAsync(value);
}

/**
 * zod's "Encountered Promise during synchronous parse", from this copy of zod or another: a
 * function's own zod (its CommonJS build, in a project that is not an ES module) passes
 * `instanceof ZodType` here (zod checks its schemas by trait), but its error class is its own.
 */
function isAsyncError(error: unknown, ours: abstract new (...args: never[]) => Error): boolean {
  return error instanceof ours || (error instanceof Error && error.constructor?.name === "$ZodAsyncError");
}

/** zod issues an answer names; beyond these, counted (a 1 MB body can hold 60,000 bad items). */
const MAX_ISSUES = 20;

function inputOf(result: ParseResult, schema: z.ZodType, value: unknown): unknown {
  if (result.success) return result.data;
  const found = result.error.issues;
  const issues = found.slice(0, MAX_ISSUES).flatMap((issue) => inputIssues(issue, schema, value));
  if (found.length > MAX_ISSUES) issues.push({ path: "", message: `and ${found.length - MAX_ISSUES} more problems` });
  const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; ");
  throw new InputError(`invalid input: ${summary}`, issues);
}

/**
 * Validate input against a schema; throws (synchronously for a synchronous schema) InputError
 * naming each field. A schedule's input is the definition's own object, used by every tick: it
 * is copied first (zod copies objects and arrays, but hands back what `z.any()` or `z.unknown()`
 * took as it is; `copyPlain` copies plain objects and arrays, keeping a URL, a Date or a
 * function as they are), so a handler that changes its input cannot change the next run's.
 */
function parseInputNow(fn: LoadedFunction, raw: unknown, trigger?: Trigger): unknown {
  // No input at all is `{}`; a JSON `null` is a value the schema judges (zod refuses it for an object).
  let value: unknown = raw === undefined ? {} : raw;
  if (trigger?.type === "schedule") {
    try {
      value = copyPlain(value);
    } catch (error) {
      throw tooDeepOr(error, value);
    }
  }
  // What `z.object({})` (the input of a function that declares none) makes of a plain object,
  // whatever its keys (it strips them, `dryRun` too: refused, see input-dry-run); anything else
  // goes to zod, which explains.
  if (fn.definition.input === undefined && isPlainObject(value)) {
    refuseDryRunField(undefined, value);
    return {};
  }
  // A recursive schema overflows the stack on input nested thousands deep: that is bad input
  // (see nesting.ts). The try costs nothing when nothing is thrown.
  try {
    // The fast check passes only input with no key outside the schema's shape: no key to strip.
    if (trigger?.type !== "schedule" && passesFastCheck(fn.input, value)) return value;
    // `dryRun` however spelt, which the schema would strip: the call would run for real.
    if (isPlainObject(value)) refuseDryRunField(fn.input, value);
    const result = safeParse(fn.input as z.ZodType, value);
    const schema = fn.input as z.ZodType;
    return result instanceof Promise ? result.then((r) => inputOf(r, schema, value), (error: unknown) => {
          throw tooDeepOr(error, value);
        }) : inputOf(result, schema, value);
  } catch (error) {
    throw tooDeepOr(error, value);
  }
}

/**
 * Validate input against a schema (for `trigger`: a schedule's input is copied first); rejects
 * with InputError naming each field. Resolves to the schema's output, which `invoke` takes as is
 * with `inputParsed` (transforms and refinements run once).
 */
export async function parseInput(fn: LoadedFunction, raw: unknown, trigger?: Trigger, abandon?: InvokeOptions["abandon"]): Promise<unknown> {
  const started = Date.now();
  const input = parseInputNow(fn, raw, trigger);
  return input instanceof Promise ? withinTimeout(fn, input, started, abandon) : input;
}

/** What `withinTimeout` tells its caller: the deadline passed (before the rejection), the race settled. */
interface DeadlineHooks {
  expired?(error: TimeoutError): void;
  settled?(): void;
}

/**
 * `work` bounded by the call's `timeoutMs` from `started` (`TimeoutError` once it passed) and
 * the drain's abandonment at its deadline: the handler's promise, and asynchronous schema work
 * (an async `refine` or `transform` of the input or output), which so cannot hold the call's
 * slots either.
 */
function withinTimeout<T>(fn: LoadedFunction, work: Promise<T>, started: number, abandon: InvokeOptions["abandon"], hooks?: DeadlineHooks): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let unabandon: (() => void) | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    unabandon = abandon?.whenAbandoned(reject);
    timer = setTimeout(
      function timeout() {
        const error = new TimeoutError(`${fn.name} did not finish within ${fn.timeoutMs} ms`);
        hooks?.expired?.(error);
        reject(error);
      },
      Math.max(0, fn.timeoutMs - (Date.now() - started)),
    );
  });
  return Promise.race([work, timedOut]).finally(function settled() {
    clearTimeout(timer);
    hooks?.settled?.();
    unabandon?.();
  });
}

/** The result checked against the `output` schema, when there is one (not a `reply()` nor a `condition()`). */
function checkOutput(fn: LoadedFunction, result: unknown): unknown {
  const output = fn.definition.output;
  if (!output || result === undefined || isReply(result) || isConditionReport(result) || passesFastCheck(output, result)) return result;
  const checked = safeParse(output, result);
  return checked instanceof Promise ? checked.then((c) => outputOf(fn, c)) : outputOf(fn, checked);
}

function outputOf(fn: LoadedFunction, checked: ParseResult): unknown {
  if (!checked.success) throw new OutputError(fn.name, checked.error.issues.map((i) => `${issuePath(i.path) || "(root)"}: ${i.message}`).join("; "));
  return checked.data;
}

/**
 * Run `fn` once. Resolves to the handler's result (possibly a `Reply`); rejects with
 * `InputError` (bad input), `TimeoutError` (past `timeoutMs`), `OutputError`, or whatever the
 * handler threw. On timeout the call's signal is aborted before the promise rejects.
 *
 * @example
 * const result = await invoke({ fn, input: {}, trigger: { type: "run" }, requestId, dryRun: false, kube, logger });
 */
export async function invoke(options: InvokeOptions): Promise<unknown> {
  return invokeNow(options);
}

/**
 * `invoke` without a promise when none is needed: when the schemas are synchronous and the
 * handler returns a value (not a promise), the result is returned and a failure thrown at once;
 * otherwise it returns a promise like `invoke`'s. For callers on a hot path (HTTP).
 */
export function invokeNow(options: InvokeOptions): unknown {
  const input = options.inputParsed ? options.input : parseInputNow(options.fn, options.input, options.trigger);
  if (!(input instanceof Promise)) return run(options, input);
  // `timeoutMs` bounds the whole call: an asynchronous input check, then what is left of it.
  const started = Date.now();
  return withinTimeout(options.fn, input, started, options.abandon).then((value) => run(options, value, started));
}

/**
 * Build the context, call the handler (racing what is left of `timeoutMs` from `started` if it
 * returns a promise, its output check included), check the output.
 */
function run(options: InvokeOptions, input: unknown, started = Date.now() - (options.spentMs ?? 0)): unknown {
  const { fn } = options;
  const outer = options.signal;
  if (outer?.aborted) throw new PodfnError("aborted", `${fn.name} was not started: ${String(outer.reason ?? "aborted")}`);
  // The call's controller is made when the handler first asks for its signal (or kube).
  let controller: AbortController | undefined;
  let unlink: (() => void) | undefined;
  const signal = () => {
    if (!controller) {
      controller = new AbortController();
      unlink = linkAbort(outer, controller);
    }
    return controller.signal;
  };
  let result: unknown;
  try {
    result = fn.definition.handler(new CallContext(options, input, signal) as never);
  } finally {
    // A synchronous result or throw: nothing can use the signal any more.
    if (!isThenable(result)) unlink?.();
  }
  if (!isThenable(result)) {
    const checked = checkOutput(fn, result);
    return checked instanceof Promise ? withinTimeout(fn, checked, started, options.abandon) : checked;
  }
  // A synchronous result cannot have outrun the timer (it could not fire meanwhile): only a
  // promise races it, over what is left of `timeoutMs`, its output check included.
  const checked = Promise.resolve(result).then((value) => checkOutput(fn, value));
  return withinTimeout(fn, checked, started, options.abandon, {
    expired(error) {
      // Made here if the handler has not asked for it yet: asking later gets it aborted.
      (controller ??= new AbortController()).abort(error);
      options.onTimeout?.(Promise.resolve(result).then(ignore, ignore));
    },
    settled() {
      unlink?.();
    },
  });
}

function ignore(): void {}
