/**
 * @module context
 * The per-call context a handler receives: the kube client scoped to the call's signal and
 * dry-run mode, the namespace, a logger carrying the request id, the trigger, and the function's
 * declared Secrets (`secret(name)`).
 * The scoped client, the child logger and the signal are made on first use: a handler that
 * never touches them costs nothing for them (they are most of a trivial call's overhead).
 * A class, so those lazy fields are getters on its prototype rather than closures made per call.
 */
import type { Logger } from "pino";
import { handlerLogger } from "./log-handler.js";
import type { KubeClient } from "./kube/api.js";
import type { FunctionContext, LoadedFunction, Trigger } from "./function.js";
import { functionSecret } from "./function-secrets.js";

/** What a call's context is made from. */
export interface ContextSource {
  fn: LoadedFunction;
  kube: KubeClient;
  logger: Logger;
  dryRun: boolean;
  requestId: string;
  trigger: Trigger;
}

/**
 * The context of one call. Its `kube` shares the process's connection pool.
 *
 * @example
 * const ctx = new CallContext({ fn, kube, logger, dryRun: false, requestId, trigger }, input, () => controller.signal);
 * await fn.definition.handler(ctx);
 */
export class CallContext implements FunctionContext<unknown> {
  readonly input: unknown;
  readonly namespace: string;
  readonly dryRun: boolean;
  readonly requestId: string;
  readonly trigger: Trigger;
  readonly #source: ContextSource;
  /** The call's signal, made on first use. */
  readonly #signal: () => AbortSignal;
  #kube: KubeClient | undefined;
  #log: Logger | undefined;

  constructor(source: ContextSource, input: unknown, signal: () => AbortSignal) {
    this.input = input;
    this.namespace = source.kube.namespace;
    this.dryRun = source.dryRun;
    this.requestId = source.requestId;
    this.trigger = source.trigger;
    this.#source = source;
    this.#signal = signal;
  }

  get kube(): KubeClient {
    // Its log lines (retries, the server's warnings) carry the call's function and request id.
    return (this.#kube ??= this.#source.kube.with({ signal: this.#signal(), dryRun: this.dryRun, logFields: { fn: this.#source.fn.name, requestId: this.requestId } }));
  }

  get log(): Logger {
    // What a handler logs is censored by shape (a `password` field, a `Bearer` value), as errors are.
    return (this.#log ??= handlerLogger(this.#source.logger, { fn: this.#source.fn.name, requestId: this.requestId }));
  }

  get signal(): AbortSignal {
    return this.#signal();
  }

  /** A function of its own (made when read): a handler may take it apart from the context, `({ secret }) => ...`. */
  get secret(): (name: string) => string {
    const fn = this.#source.fn;
    return (name) => functionSecret(fn, name);
  }
}
