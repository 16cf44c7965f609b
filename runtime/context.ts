/**
 * @module context
 * Builds the per-call context a handler receives: the kube client scoped to the call's signal
 * and dry-run mode, the namespace, a logger carrying the request id, and the trigger.
 * The scoped client, the child logger and the signal are made on first use: a handler that
 * never touches them costs nothing for them (they are most of a trivial call's overhead).
 */
import type { Logger } from "pino";
import type { KubeClient } from "./kube/api.js";
import type { FunctionContext, LoadedFunction, Trigger } from "./function.js";

export interface ContextOptions {
  fn: LoadedFunction;
  input: unknown;
  kube: KubeClient;
  logger: Logger;
  /** The call's signal, made on first use. */
  signal: () => AbortSignal;
  dryRun: boolean;
  requestId: string;
  trigger: Trigger;
}

/** The context of one call. Its `kube` shares the process's connection pool. */
export function createContext(options: ContextOptions): FunctionContext<unknown> {
  let kube: KubeClient | undefined;
  let log: Logger | undefined;
  return {
    input: options.input,
    get kube() {
      return (kube ??= options.kube.with({ signal: options.signal(), dryRun: options.dryRun }));
    },
    namespace: options.kube.namespace,
    get log() {
      return (log ??= options.logger.child({ fn: options.fn.name, requestId: options.requestId }));
    },
    get signal() {
      return options.signal();
    },
    dryRun: options.dryRun,
    requestId: options.requestId,
    trigger: options.trigger,
  };
}
