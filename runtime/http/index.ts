/**
 * @module http
 * The HTTP adapter: each function with `http` becomes a route of a hono app with caller auth,
 * body limits, a concurrency cap, request ids, access logs, Prometheus metrics, health
 * endpoints and graceful shutdown. `createHttpApp` builds the app (testable through `fetch`);
 * `serveHttp` runs it on a socket until its signal aborts.
 *
 * Status contract: 200 JSON result; 204 `undefined`; `reply(status, body, headers)`;
 * 400 `invalid_json`/`invalid_input` (with `issues`); 401/403 caller auth (see auth/types.ts);
 * 404 unknown path; 405 wrong method (with `Allow`); 413 body over the limit; 415 content type;
 * 429 over `maxInflight` (with `Retry-After`); 500 `internal` (with `requestId` only);
 * `HttpError` thrown by a handler → its status; 503 shutting down; 504 past `timeoutMs`.
 */
export { createHttpApp, type HttpApp, type HttpAppOptions } from "./app.js";
export type { BackgroundCallEnd, BackgroundCallEndHook } from "./background.js";
export { serveHttp, ABORT_GRACE_MS, type HttpServerOptions } from "./server.js";
export type { ServiceAccountAuthOptions } from "./auth/index.js";
