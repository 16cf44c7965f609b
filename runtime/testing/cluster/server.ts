/**
 * @module cluster/server
 * The HTTPS request pipeline of the emulated API server, in the real server's order:
 * resolve the request info, authenticate (a bad token is 401), apply injected faults,
 * authorize (403 with the real message), then serve discovery, health or the resource verb.
 * Every request is recorded, every decision kept per identity. Answers are JSON (protobuf is
 * never sent, whatever the Accept header prefers).
 */
import { randomUUID } from "node:crypto";
import https from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { forbiddenStatus, unauthorizedStatus, type RequestAttributes, type UserInfo } from "./auth/index.js";
import { asksImpersonation, impersonation } from "./auth/impersonation.js";
import type { Call, Reply, ServerAuth } from "./call.js";
import type { Instruments } from "./faults.js";
import { serveResource } from "./handlers.js";
import { notFoundReply, pageNotFoundReply, serveNonResource } from "./non-resource.js";
import { decodeProtobuf, ProtobufError } from "./protobuf.js";
import type { Registry } from "./registry.js";
import { RequestInfoError, resolveRequestInfo, type RequestInfo } from "./request-info.js";
import { ApiError, failure, internalError, statusFor } from "./status.js";
import { warningHeader } from "./warnings.js";

const ANONYMOUS: UserInfo = { username: "system:anonymous", groups: ["system:unauthenticated"] };

/** What the pipeline needs. */
export interface ServerParts {
  registry: Registry;
  auth: ServerAuth;
  instruments: Instruments;
  tls: { cert: string; key: string };
  /** Milliseconds between watch BOOKMARKs. */
  bookmarkIntervalMs: number;
}

/** A running server: its port, and `close` that ends watches and connections. */
export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

/** The API server's `MaxRequestBodyBytes` default (3 MiB). */
const MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024;

/**
 * A request's body, or (`limitedReadBody`) 413 RequestEntityTooLarge once it passes 3 MiB: the
 * rest is read and dropped first, so the answer reaches a client still sending.
 */
function readBody(req: IncomingMessage): Promise<Buffer> {
  if (req.method === "GET" || req.method === "HEAD") {
    req.resume();
    return Promise.resolve(Buffer.alloc(0));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= MAX_REQUEST_BODY_BYTES) chunks.push(c);
      else chunks.length = 0;
    });
    req.on("end", () => {
      if (size <= MAX_REQUEST_BODY_BYTES) resolve(Buffer.concat(chunks));
      else reject(new ApiError(failure(413, "RequestEntityTooLarge", `Request entity too large: limit is ${MAX_REQUEST_BODY_BYTES}`)));
    });
    req.on("error", reject);
  });
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.headersSent) {
    if (!res.writableEnded) res.end();
    return;
  }
  // A 304 has no body, so Go's server writes no Content-Type or Content-Length.
  if (reply.status === 304) {
    res.writeHead(304, { "Audit-Id": randomUUID(), ...(reply.headers ?? {}) });
    res.end();
    return;
  }
  // Every answer of a real server carries an audit id and forbids caching; a content type of ""
  // is none (a handler's bodiless WriteHeader).
  const type = reply.contentType ?? "application/json";
  res.writeHead(reply.status, { "Audit-Id": randomUUID(), "Cache-Control": "no-cache, private", ...(type ? { "Content-Type": type } : {}), "Content-Length": Buffer.byteLength(reply.body), ...(reply.headers ?? {}) });
  // Node writes the head with a string body in the body's encoding (UTF-8): a Warning's UTF-8
  // bytes (held one per character, warnings.ts) must go out as they are, so the body goes as bytes.
  res.end(reply.headers?.Warning !== undefined && typeof reply.body === "string" ? Buffer.from(reply.body) : reply.body);
}

const PROTOBUF = "application/vnd.kubernetes.protobuf";

/** Go's `%q` of an ASCII string (a request URI). */
function goQuote(text: string): string {
  return JSON.stringify(text);
}

/** responsewriters.InternalError: http.Error's plain text (not a Status), HTML-escaped. */
function internalErrorText(requestUri: string, error: string): Reply {
  const text = `Internal Server Error: ${goQuote(requestUri)}: ${error}`.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return { status: 500, body: `${text}\n`, contentType: "text/plain; charset=utf-8", headers: { "X-Content-Type-Options": "nosniff" } };
}

/**
 * A request the authorizer (responsewriters.Forbidden) or the impersonation filter refuses: the
 * 403 Status, with `X-Content-Type-Options: nosniff` as both set it.
 */
function forbiddenReply(attrs: RequestAttributes, reason: string): Reply {
  return { status: 403, body: JSON.stringify(forbiddenStatus(attrs, reason)), headers: { "X-Content-Type-Options": "nosniff" } };
}

function errorReply(error: unknown): Reply {
  if (error instanceof ProtobufError) {
    const status = statusFor(415, `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (${error.message})`);
    status.reason = "UnsupportedMediaType";
    return { status: 415, body: JSON.stringify(status) };
  }
  if (error instanceof ApiError) {
    // responsewriters.ErrorNegotiated: a Status suggesting a retry delay sets Retry-After.
    const retryAfter = error.status.details?.retryAfterSeconds ?? 0;
    const headers = retryAfter > 0 ? { "Retry-After": String(retryAfter), ...error.headers } : error.headers;
    return { status: error.status.code ?? 500, body: JSON.stringify(error.status), headers };
  }
  return { status: 500, body: JSON.stringify(internalError((error as Error)?.message ?? String(error)).status) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts the HTTPS server on 127.0.0.1:`port` (0 for a free one). */
export async function startServer(parts: ServerParts, port: number): Promise<RunningServer> {
  const { registry, auth, instruments } = parts;
  const watches = new Set<() => void>();
  const sockets = new Set<Socket>();
  let address = "127.0.0.1:0";

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? "GET";
    const url = new URL(req.url ?? "/", "https://127.0.0.1");
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      path = url.pathname;
    }
    let info: RequestInfo;
    try {
      info = resolveRequestInfo(method, path, url.searchParams, req.url ?? "/");
    } catch (error) {
      if (!(error instanceof RequestInfoError)) throw error;
      // WithRequestInfo comes before authentication.
      req.resume();
      send(res, internalErrorText(req.url ?? "/", `failed to create RequestInfo: ${error.message}`));
      instruments.record({ user: "", verb: method.toLowerCase(), path: req.url ?? "/", method, status: 500, resource: "", namespace: "", name: "", at: registry.now() });
      return;
    }
    // Authentication's warnings go out with every answer after it (the warning recorder is outside it).
    const authWarnings: string[] = [];
    const who = await auth.authenticator.authenticate(req.headers.authorization, (text) => authWarnings.push(text));
    if (authWarnings.length) res.setHeader("Warning", authWarnings.map(warningHeader));
    let user = who === "anonymous" || who === "invalid" ? ANONYMOUS : who;
    const record = (status: number) =>
      instruments.record({ user: who === "invalid" ? "" : user.username, verb: info.verb, path: req.url ?? "/", method, status, resource: info.resource, namespace: info.namespace, name: info.name, at: registry.now() });
    if (who === "invalid") {
      req.resume();
      send(res, { status: 401, body: JSON.stringify(unauthorizedStatus()) });
      record(401);
      return;
    }
    // kubectl --as: the request acts as someone else, when the requester may impersonate them.
    const acting = asksImpersonation(req.rawHeaders) ? impersonation(req.headersDistinct, user, auth.authorizer) : {};
    if ("error" in acting) {
      req.resume();
      send(res, internalErrorText(req.url ?? "/", acting.error));
      record(500);
      return;
    }
    if ("forbidden" in acting) {
      req.resume();
      send(res, forbiddenReply(acting.forbidden, acting.reason));
      record(403);
      return;
    }
    if (acting.as) user = acting.as;
    const attrs: RequestAttributes = {
      user, verb: info.verb, resourceRequest: info.resourceRequest, path, apiGroup: info.apiGroup, apiVersion: info.apiVersion,
      resource: info.resource, subresource: info.subresource, name: info.name, namespace: info.namespace,
    };
    const fault = instruments.take(attrs);
    if (fault?.delayMs) await sleep(fault.delayMs);
    if (fault?.dropConnection) {
      record(0);
      req.socket.destroy();
      return;
    }
    if (fault?.status) {
      req.resume();
      const status = statusFor(fault.status);
      const headers: Record<string, string> = {};
      if (fault.retryAfterSeconds !== undefined) {
        headers["Retry-After"] = String(fault.retryAfterSeconds);
        status.details = { ...(status.details ?? {}), retryAfterSeconds: fault.retryAfterSeconds };
      }
      send(res, { status: fault.status, body: JSON.stringify(status), headers });
      record(fault.status);
      return;
    }
    const decision = auth.authorizer.authorize(attrs);
    instruments.recordAccess(attrs, decision.allowed);
    if (!decision.allowed) {
      req.resume();
      send(res, forbiddenReply(attrs, decision.reason));
      record(403);
      return;
    }
    const accept = String(req.headers.accept ?? "");
    let reply: Reply | undefined;
    let call: Call | undefined;
    try {
      const body = await readBody(req);
      if (!info.resourceRequest) {
        const ifNoneMatch = req.headers["if-none-match"] ?? "";
        reply = method === "GET" || method === "HEAD" ? serveNonResource(registry, path, accept, address, auth.issuer, ifNoneMatch, url.searchParams) : pageNotFoundReply();
      } else {
        const def = registry.find(info.apiGroup, info.apiVersion, info.resource);
        const scopeOk = def && (def.namespaced ? info.namespace !== "" || info.verb === "list" || info.verb === "watch" : !info.namespace || def.resource === "namespaces");
        if (!def || !scopeOk) {
          // A built-in group version has go-restful's Status; any other (a CRD's included: its
          // handler delegates what it does not serve), the chain's plain 404.
          reply = registry.servesVersion(info.apiGroup, info.apiVersion, { builtIn: true }) ? notFoundReply() : pageNotFoundReply();
        } else {
          let contentType = String(req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
          let payload = body;
          if (contentType === PROTOBUF) {
            payload = Buffer.from(JSON.stringify(decodeProtobuf(body)));
            contentType = "application/json";
          }
          call = { auth, registry, def, info, query: url.searchParams, user, body: payload, contentType, userAgent: req.headers["user-agent"], upgrade: /\bupgrade\b/i.test(String(req.headers.connection ?? "")), recordAccess: (a, ok) => instruments.recordAccess(a, ok) };
          reply = await serveResource(
            call,
            res,
            accept,
            {
              bookmarkIntervalMs: parts.bookmarkIntervalMs,
              track(end) {
                watches.add(end);
                return () => watches.delete(end);
              },
            },
          );
        }
      }
    } catch (error) {
      reply = errorReply(error);
    }
    // Warnings recorded before the answer go out with it, whatever its status (authentication's first).
    if (reply && call?.warnings?.length) reply = { ...reply, headers: { ...reply.headers, Warning: [...authWarnings, ...call.warnings].map(warningHeader) } };
    if (reply) send(res, reply);
    record(reply?.status ?? 200);
  }

  const server = https.createServer({ cert: parts.tls.cert, key: parts.tls.key }, (req, res) => {
    handle(req, res).catch((error: unknown) => send(res, errorReply(error)));
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const actual = (server.address() as { port: number }).port;
  address = `127.0.0.1:${actual}`;
  return {
    port: actual,
    close() {
      for (const end of [...watches]) end();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        for (const s of sockets) s.destroy();
      });
    },
  };
}
