/**
 * @module admission/server
 * The webhook server of `podfn serve`: HTTPS on a port of its own (`--admission-port`, 9443 as
 * controller-runtime's), since the API server calls webhooks over TLS only; the functions'
 * port stays plain HTTP. Each admission function is served at `/admission/<name>`, POST with a
 * JSON body only (405, 415, 404 otherwise, in the status contract's JSON), at most 7 MiB (the
 * limit controller-runtime's webhook server sets: the API server's requests are at most 3 MiB,
 * an object and its old copy); a body that is not JSON or not an AdmissionReview is a 400 naming
 * the field, and every decision a 200 (admission/decide.ts). Each request gets an access line
 * (its `code`: `denied`, `internal`, `timeout` or the 400's) and is counted
 * (admission/metrics.ts). The certificate is read again as it changes (admission/certificate.ts).
 * On shutdown it goes on answering for `shutdownDelayMs` (the Service drops the pod meanwhile),
 * then stops taking connections, and reviews in flight finish (their deadline bounds them).
 */
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import type { KubeClient } from "../kube/api.js";
import type { LoadedFunction } from "../function.js";
import { accessLogWriter } from "../http/access-log.js";
import { isJsonContentType } from "../http/body.js";
import { requestIdOfHeader } from "../http/request-id.js";
import { whenAborted } from "../signals.js";
import { listen } from "../listen.js";
import { describeCertificate, readCertificate, watchCertificate, type CertificateFiles } from "./certificate.js";
import { decideReview, type ReviewAnswer } from "./decide.js";
import type { AdmissionMetrics } from "./metrics.js";

/** Largest review body taken, in bytes (controller-runtime's limit). */
export const MAX_REVIEW_BYTES = 7 * 1024 * 1024;
/**
 * How long an idle connection from the API server is kept, in ms: longer than the 90 s its
 * webhook client (Go's http.Transport, IdleConnTimeout) keeps one, so the client closes it first.
 * Were the server first, a review the API server sends just as the server closes would meet EOF,
 * which Go does not retry for a POST: a call error, and under failurePolicy Fail, a refused write.
 */
export const ADMISSION_KEEP_ALIVE_MS = 120_000;
/** How long the in-flight reviews may finish once the server stops taking connections (the longest webhook timeout). */
const DRAIN_MS = 30_000;

export interface AdmissionServerOptions {
  /** The functions; those with `admission` are served. */
  functions: readonly LoadedFunction[];
  kube: KubeClient;
  logger: Logger;
  /** TCP port; 0 picks a free one. */
  port: number;
  host: string;
  /** The serving certificate and key (PEM files). */
  certificate: CertificateFiles;
  /** How often the certificate files are read again, in ms. Default 10000. */
  certificatePollMs?: number;
  metrics?: AdmissionMetrics;
  /** On shutdown, how long to go on answering before the server closes, in ms. Default 0. */
  shutdownDelayMs?: number;
  /** How long an idle connection is kept, in ms. Default `ADMISSION_KEEP_ALIVE_MS` (120 s). */
  keepAliveTimeoutMs?: number;
  /** Called once listening, with the base URL (`https://127.0.0.1:9443`). */
  onListening?: (url: string) => void;
}

type Answer = { status: number; body: unknown; code?: string; headers?: Record<string, string> };

/** The option that chooses the webhook port, as a failure to listen names it (commands/report.ts). */
const PORT_OPTION = "--admission-port / PODFN_ADMISSION_PORT";

/**
 * Serve the admission webhooks until `signal` aborts; resolves once closed. Rejects with
 * `AdmissionCertificateError` when the certificate cannot be read or served, and with the
 * listen error (its `option` naming `--admission-port`) when it cannot listen.
 *
 * @example
 * await serveAdmission({ functions, kube, logger, port: 9443, host: "::", certificate: { certFile, keyFile } }, signal);
 */
export async function serveAdmission(options: AdmissionServerOptions, signal: AbortSignal): Promise<void> {
  const { logger } = options;
  const pair = readCertificate(options.certificate);
  const routes = new Map(options.functions.filter((fn) => fn.admission).map((fn) => [fn.admission!.path, fn] as const));
  const accessLog = accessLogWriter(logger);
  const inflight = new Set<Promise<void>>();
  const listener = function admissionRequest(incoming: IncomingMessage, outgoing: ServerResponse) {
    const done = answerRequest(incoming, outgoing, routes, options, accessLog).catch((error: unknown) => {
      logger.error({ err: error }, "admission request failed");
      if (!outgoing.headersSent) outgoing.writeHead(500).end();
    });
    inflight.add(done);
    void done.finally(() => inflight.delete(done));
  };
  const server = createServer({ cert: pair.cert, key: pair.key, minVersion: "TLSv1.2" }, listener);
  server.keepAliveTimeout = options.keepAliveTimeoutMs ?? ADMISSION_KEEP_ALIVE_MS;
  server.on("tlsClientError", (error: NodeJS.ErrnoException) => logger.debug({ code: error.code, reason: error.message }, "admission webhook TLS handshake failed"));
  const address = await listen(server, options.port, options.host, PORT_OPTION);
  server.on("error", (error) => logger.error({ err: error }, "admission webhook server error"));
  const stopWatching = watchCertificate(options.certificate, pair, (next) => server.setSecureContext({ cert: next.cert, key: next.key, minVersion: "TLSv1.2" }), logger, options.certificatePollMs);
  const url = `https://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`;
  logger.info({ url, webhooks: [...routes.keys()], certFile: options.certificate.certFile, ...describeCertificate(pair.cert) }, "admission webhooks listening");
  options.onListening?.(url);

  await whenAborted(signal).promise;
  const delayMs = options.shutdownDelayMs ?? 0;
  if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
  stopWatching();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const drained = Promise.all([...inflight]).then(() => true);
  const late = await Promise.race([drained, new Promise<false>((resolve) => setTimeout(resolve, DRAIN_MS, false).unref())]);
  if (!late) logger.warn({ inflight: inflight.size }, "admission reviews still running at shutdown: connections closed");
  server.closeAllConnections();
  await closed;
  logger.info("admission webhook server closed");
}

async function answerRequest(incoming: IncomingMessage, outgoing: ServerResponse, routes: ReadonlyMap<string, LoadedFunction>, options: AdmissionServerOptions, accessLog: ReturnType<typeof accessLogWriter>): Promise<void> {
  const started = performance.now();
  const requestId = requestIdOfHeader(incoming.headers["x-request-id"]);
  const target = incoming.url ?? "";
  const path = target.split("?")[0]!;
  const fn = routes.get(path);
  let answer: Answer;
  let review: ReviewAnswer | undefined;
  if (!fn) answer = refusal(404, "not_found", `no admission webhook at ${path.slice(0, 200)}: this port serves ${[...routes.keys()].join(", ") || "none"}`, requestId);
  else if (incoming.method !== "POST") answer = refusal(405, "method_not_allowed", `${incoming.method} is not allowed on ${path}: the API server POSTs an AdmissionReview`, requestId, { allow: "POST" });
  else if (!isJsonContentType(incoming.headers["content-type"] ?? "")) answer = refusal(415, "unsupported_media_type", "send the AdmissionReview as application/json", requestId);
  else {
    const body = await readBody(incoming);
    if (body === "too_large") answer = refusal(413, "payload_too_large", `the body is over ${MAX_REVIEW_BYTES} bytes`, requestId, { connection: "close" });
    else if (body === undefined) {
      // The client went away mid-body: nothing to answer.
      accessLog(incoming.method ?? "", path, 499, requestId, performance.now() - started, fn.name, "client_closed_request", incoming.socket.remoteAddress, userAgent(incoming));
      return;
    } else {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString("utf8"));
      } catch (error) {
        parsed = error;
      }
      if (parsed instanceof SyntaxError) answer = refusal(400, "invalid_json", `the body is not JSON: ${parsed.message.slice(0, 200)}`, requestId);
      else {
        review = await decideReview(fn, parsed, requestId, { kube: options.kube, logger: options.logger });
        answer = { status: review.status, body: review.body, ...(review.code ? { code: review.code } : {}) };
      }
    }
  }
  const text = JSON.stringify(answer.body);
  if (!outgoing.destroyed) {
    outgoing.writeHead(answer.status, { ...answer.headers, "content-type": "application/json; charset=utf-8", "content-length": String(Buffer.byteLength(text)), "x-request-id": requestId });
    outgoing.end(text);
  }
  const durationMs = performance.now() - started;
  accessLog(incoming.method ?? "", path, answer.status, requestId, Math.round(durationMs * 1000) / 1000, fn?.name, answer.code, incoming.socket.remoteAddress, userAgent(incoming));
  if (fn) options.metrics?.record(fn.name, review?.outcome ?? "invalid", durationMs / 1000);
}

function refusal(status: number, code: string, message: string, requestId: string, headers?: Record<string, string>): Answer {
  return { status, body: { error: { code, message, requestId } }, code, ...(headers ? { headers } : {}) };
}

function userAgent(incoming: IncomingMessage): string | undefined {
  const ua = incoming.headers["user-agent"];
  return typeof ua === "string" ? ua : undefined;
}

/** The whole body, `"too_large"` past `MAX_REVIEW_BYTES` (not buffered further), undefined when the client went away. */
function readBody(incoming: IncomingMessage): Promise<Buffer | "too_large" | undefined> {
  const declared = Number(incoming.headers["content-length"]);
  if (Number.isFinite(declared) && declared > MAX_REVIEW_BYTES) {
    incoming.resume();
    return Promise.resolve("too_large");
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    incoming.on("data", (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > MAX_REVIEW_BYTES) {
        incoming.removeAllListeners("data");
        incoming.resume();
        resolve("too_large");
      } else chunks.push(chunk);
    });
    incoming.on("end", () => resolve(Buffer.concat(chunks)));
    incoming.on("aborted", () => resolve(undefined));
    incoming.on("error", () => resolve(undefined));
  });
}

