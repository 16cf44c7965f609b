/**
 * @module invoke
 * Runs one call of a function, the same way for every trigger (HTTP, schedule, `podfn run`):
 * validates the input against the schema, builds the context, enforces `timeoutMs` by aborting
 * the call's signal, and checks the result against the `output` schema when there is one.
 */
import type { Logger } from "pino";
import { z } from "zod";
import type { KubeClient } from "./kube/api.js";
import { isReply, type LoadedFunction, type Trigger } from "./function.js";
import { createContext } from "./context.js";
import { InputError, PodfnError, TimeoutError } from "./errors.js";
import { issuePath } from "./zod-issues.js";
import { linkAbort } from "./signals.js";

export interface InvokeOptions {
  fn: LoadedFunction;
  /** The raw input (parsed JSON body, query object, `--input`, or a schedule's input). */
  input: unknown;
  trigger: Trigger;
  requestId: string;
  dryRun: boolean;
  kube: KubeClient;
  logger: Logger;
  /** Aborts the call from outside (shutdown, client gone). */
  signal?: AbortSignal;
}

/** The handler returned something the `output` schema rejects: a bug in the function. */
export class OutputError extends PodfnError {
  constructor(fn: string, issues: string) {
    super("invalid_output", `${fn}: the result does not match the output schema: ${issues}`);
  }
}


function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === "function";
}

/** Schemas a synchronous parse found asynchronous (an async refinement or transform). */
const asyncSchemas = new WeakSet<z.ZodType>();

/**
 * `schema.safeParse(value)`, which costs a third less than `safeParseAsync`; a schema that turns
 * out asynchronous is parsed again asynchronously, and always so from then on (so only its first
 * call runs its synchronous checks twice).
 */
async function safeParse(schema: z.ZodType, value: unknown): Promise<z.ZodSafeParseResult<unknown>> {
  // Only this zod's schemas are known to signal async work with $ZodAsyncError; others (zod/v3,
  // another copy) always take the asynchronous path.
  if (schema instanceof z.ZodType && !asyncSchemas.has(schema)) {
    try {
      return schema.safeParse(value);
    } catch (error) {
      if (!(error instanceof z.core.$ZodAsyncError)) throw error;
      asyncSchemas.add(schema);
    }
  }
  return schema.safeParseAsync(value);
}

/** Validate input against a schema; throws InputError naming each field. */
export async function parseInput(fn: LoadedFunction, raw: unknown): Promise<unknown> {
  const result = await safeParse(fn.input as z.ZodType, raw ?? {});
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: issuePath(i.path), message: i.message }));
  const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; ");
  throw new InputError(`invalid input: ${summary}`, issues);
}

/**
 * Run `fn` once. Resolves to the handler's result (possibly a `Reply`); rejects with
 * `InputError` (bad input), `TimeoutError` (past `timeoutMs`), `OutputError`, or whatever the
 * handler threw. On timeout the call's signal is aborted before the promise rejects.
 */
export async function invoke(options: InvokeOptions): Promise<unknown> {
  const { fn } = options;
  const input = await parseInput(fn, options.input);
  const outer = options.signal;
  if (outer?.aborted) throw new PodfnError("aborted", `${fn.name} was not started: ${String(outer.reason ?? "aborted")}`);
  // The call's controller is made when the handler first asks for its signal (or kube).
  let controller: AbortController | undefined;
  let unlink = (): void => {};
  const signal = () => {
    if (!controller) {
      controller = new AbortController();
      unlink = linkAbort(outer, controller);
    }
    return controller.signal;
  };
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const ctx = createContext({ ...options, input, signal });
    let result: unknown = fn.definition.handler(ctx as never);
    // A synchronous result cannot have outrun the timer (it could not fire meanwhile): only a
    // promise races it, over what is left of `timeoutMs`.
    if (isThenable(result)) {
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(
          function timeout() {
            const error = new TimeoutError(`${fn.name} did not finish within ${fn.timeoutMs} ms`);
            // Made here if the handler has not asked for it yet: asking later gets it aborted.
            (controller ??= new AbortController()).abort(error);
            reject(error);
          },
          Math.max(0, fn.timeoutMs - (performance.now() - started)),
        );
      });
      result = await Promise.race([result, timedOut]);
    }
    const output = fn.definition.output;
    if (output && result !== undefined && !isReply(result)) {
      const checked = await safeParse(output, result);
      if (!checked.success) throw new OutputError(fn.name, checked.error.issues.map((i) => `${issuePath(i.path) || "(root)"}: ${i.message}`).join("; "));
      return checked.data;
    }
    return result;
  } finally {
    clearTimeout(timer);
    unlink();
  }
}
