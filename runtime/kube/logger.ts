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

/**
 * `logger` with `fields` at the head of every line it writes (the line's own fields after them):
 * a call's view of the client (`client.with({ logFields })`) logs its retries and the server's
 * warnings with the call's function and request id, so they are found by its request id.
 *
 * @example
 * withFields(logger, { fn: "cleanup", requestId }).warn({ path }, "kube request failed; retrying");
 */
export function withFields(logger: KubeLogger, fields: Readonly<Record<string, unknown>>): KubeLogger {
  return {
    debug: (obj, msg) => logger.debug({ ...fields, ...obj }, msg),
    info: (obj, msg) => logger.info({ ...fields, ...obj }, msg),
    warn: (obj, msg) => logger.warn({ ...fields, ...obj }, msg),
    error: (obj, msg) => logger.error({ ...fields, ...obj }, msg),
  };
}

/** A logger that drops everything: the default. */
export const silentLogger: KubeLogger = { debug: discard, info: discard, warn: discard, error: discard };
