/**
 * @module kube/logger
 * The logger the Kubernetes client writes to: four levels taking `(object, message)`, as pino
 * does, so a pino logger fits as is. The client never logs tokens, headers or bodies.
 */

/** Minimal structured logger; a pino `Logger` satisfies it. */
export interface KubeLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

function discard(): void {}

/** A logger that drops everything: the default. */
export const silentLogger: KubeLogger = { debug: discard, info: discard, warn: discard, error: discard };
