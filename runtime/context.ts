/**
 * @module context
 * Builds the per-call context a handler receives: the kube client scoped to the call's signal
 * and dry-run mode, the namespace, a logger carrying the request id, and the trigger.
 */
import type { Logger } from "pino";
import type { KubeClient } from "./kube/api.js";
import type { FunctionContext, LoadedFunction, Trigger } from "./function.js";

export interface ContextOptions {
  fn: LoadedFunction;
  input: unknown;
  kube: KubeClient;
  logger: Logger;
  signal: AbortSignal;
  dryRun: boolean;
  requestId: string;
  trigger: Trigger;
}

/** The context of one call. Its `kube` shares the process's connection pool. */
export function createContext(options: ContextOptions): FunctionContext<unknown> {
  const kube = options.kube.with({ signal: options.signal, dryRun: options.dryRun });
  return {
    input: options.input,
    kube,
    namespace: kube.namespace,
    log: options.logger.child({ fn: options.fn.name, requestId: options.requestId }),
    signal: options.signal,
    dryRun: options.dryRun,
    requestId: options.requestId,
    trigger: options.trigger,
  };
}
