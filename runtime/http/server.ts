/**
 * @module http/server
 * Runs the app on a Node HTTP server (its `listener`) until `signal` aborts, then shuts down
 * gracefully: readiness fails, and calls are still served for `shutdownDelayMs` (Services and
 * load balancers go on sending to a terminating pod for a moment: without the delay those
 * calls would be refused); then new calls get 503 (`Connection: close`); calls in flight may finish
 * for `drainTimeoutMs`, after which their signals abort and they get `ABORT_GRACE_MS` more; then
 * the server closes (idle keep-alive connections at once, any left after `ABORT_GRACE_MS`
 * forcibly), the `onShutdown` hooks run, and the promise resolves.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { runShutdownHooks } from "../lifecycle.js";
import { whenAborted } from "../signals.js";
import { createHttpApp, type HttpAppOptions } from "./app.js";

/** After the drain deadline aborted the calls' signals, how long they may take to wind down (ms). */
export const ABORT_GRACE_MS = 2000;

export interface HttpServerOptions extends HttpAppOptions {
  /** TCP port; 0 picks a free one (see `onListening`). Default (from config) 8080. */
  port: number;
  /** Address to listen on. Default (from config) `127.0.0.1`, `0.0.0.0` in a pod. */
  host: string;
  /** On shutdown, how long calls in flight may finish before their signals abort, in milliseconds. Default (from config) 25000. */
  drainTimeoutMs: number;
  /** On shutdown, how long to go on serving (readiness failing) before the drain, in milliseconds. Default 0. */
  shutdownDelayMs?: number;
  /** Called once listening, with the base URL (e.g. `http://127.0.0.1:8080`). */
  onListening?: (url: string) => void;
  /** The function modules' `onShutdown` hooks; they run one by one after the drain. */
  onShutdown?: Array<() => Promise<void> | void>;
}

/**
 * Serve until `signal` aborts; resolves once drained and closed. Rejects when it cannot listen
 * (e.g. `EADDRINUSE`) or the app cannot be built (reserved path, missing secret).
 *
 * @example
 * const controller = new AbortController();
 * process.once("SIGTERM", () => controller.abort("SIGTERM"));
 * await serveHttp({ functions, kube, logger, port: 8080, host: "0.0.0.0", drainTimeoutMs: 25_000 }, controller.signal);
 */
export async function serveHttp(options: HttpServerOptions, signal: AbortSignal): Promise<void> {
  const { logger } = options;
  const http = createHttpApp(options);
  const server = createServer(http.listener);
  const address = await listen(server, options.port, options.host);
  // Accept failures (EMFILE under load) are emitted here: log them, never crash the process.
  server.on("error", function serverError(error) {
    logger.error({ err: error }, "HTTP server error");
  });
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  logger.info({ url }, "listening");
  options.onListening?.(url);

  await whenAborted(signal).promise;
  const delayMs = options.shutdownDelayMs ?? 0;
  if (delayMs > 0) {
    http.failReadiness();
    logger.info({ shutdownDelayMs: delayMs }, "shutting down: still serving while endpoints drop this pod");
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
  http.beginShutdown();
  logger.info({ inflight: http.drain.inflight, drainTimeoutMs: options.drainTimeoutMs }, "shutting down: draining calls in flight");
  if (!(await http.drain.settle(options.drainTimeoutMs))) {
    logger.warn({ inflight: http.drain.inflight }, "drain timeout passed: calls in flight aborted");
    await http.drain.idle(ABORT_GRACE_MS);
  }
  await close(server);
  await runShutdownHooks(options.onShutdown ?? [], logger);
  logger.info("shut down");
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, function listening() {
      server.off("error", reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(function forceClose() {
      server.closeAllConnections();
    }, ABORT_GRACE_MS);
    server.close(function closed() {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}
