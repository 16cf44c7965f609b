/**
 * @module kube/node-https-pool
 * Connections to the API server over Node's own HTTPS client (`node:https`, keep-alive), for a
 * client that sends a request now and then: a leader election, a watch, a CronJob's few calls.
 * Loading undici and its first connection cost ~10 MB of resident memory (its HTTP parser is a
 * WebAssembly module, and compiling the module's wrappers brings in V8's optimising compiler);
 * this costs ~1 MB, and carries each request ~25% slower. kube/connections.ts sends a client's
 * requests here until it is busy, then through undici's pool.
 *
 * Answers have undici's shape (`statusCode`, `headers` with repeated fields as arrays, a body
 * stream with `text()`), and failures undici's codes (`UND_ERR_CONNECT_TIMEOUT`,
 * `UND_ERR_HEADERS_TIMEOUT`, `UND_ERR_BODY_TIMEOUT`, `UND_ERR_SOCKET` for a connection closed
 * mid-answer): an error reads the same whichever client carried the request. TLS is Node's in
 * both (the same CA, verification, server name and client certificate). No proxy: a client
 * with a proxy always uses undici.
 */
import type { Agent as HttpsAgent, RequestOptions } from "node:https";
import type { ClientRequest, IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import { nodeHttps } from "../node-builtins.js";
import type { ApiPool, ApiRequestOptions, ApiResponse, ApiResponseBody } from "./api-pool.js";

/** The TLS of the connections (as undici's `buildConnector` options). */
export interface NodeHttpsTls {
  ca?: string;
  cert?: string;
  key?: string;
  rejectUnauthorized?: boolean;
  servername?: string;
  /** Connect (TCP and TLS handshake) timeout in ms; 0: none. */
  timeout?: number;
}

/** An error with one of undici's codes. */
function undiciStyleError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}


/** Response headers as undici gives them: lowercase names, a repeated field as an array. */
function headersOf(raw: string[]): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    const seen = headers[name];
    if (seen === undefined) headers[name] = value;
    else if (Array.isArray(seen)) seen.push(value);
    else headers[name] = [seen, value];
  }
  return headers;
}

/** The whole body as text (UTF-8, a leading byte order mark dropped, as undici's `text()`). */
async function readText(this: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of this) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * A keep-alive pool of HTTPS connections to one origin.
 *
 * @example
 * const pool = new NodeHttpsPool("https://10.0.0.1:6443", { ca }, 32);
 * const { statusCode, body } = await pool.request({ method: "GET", path: "/version", headers: {} });
 */
export class NodeHttpsPool implements ApiPool {
  readonly #host: string;
  readonly #port: number;
  readonly #agent: HttpsAgent;
  /** Requests sent and not yet over (answer read, or failed). */
  #running = 0;
  /** Resolves `close()` once no request runs. */
  #idle: { promise: Promise<void>; resolve: () => void } | undefined;
  /** Sockets whose TLS handshake is done (a request on one starts its headers timeout at once). */
  readonly #connected = new WeakSet<Socket>();

  #closed = false;

  /**
   * `connections`: the most open at once (undefined: no cap, as for streams, each holding one);
   * `idleMs`: how long a connection with no request stays open (undici's keep-alive default: 4 s).
   */
  constructor(origin: string, tls: NodeHttpsTls, connections: number | undefined, idleMs = 4000) {
    const url = new URL(origin);
    this.#host = url.hostname.replace(/^\[(.*)\]$/, "$1");
    this.#port = Number(url.port || 443);
    const { timeout: connectMs = 0, ...secure } = tls;
    // `timeout` closes a connection idle that long (or sooner, as a server's Keep-Alive hint
    // says), before a server that closes idle connections without a hint does (the API server
    // closes them after 90 s): a request sent on a connection the server is closing fails.
    const agent = new (nodeHttps().Agent)({ keepAlive: true, maxSockets: connections ?? Number.POSITIVE_INFINITY, timeout: idleMs, ...secure });
    const connected = this.#connected;
    // Every new connection: the connect timeout until its handshake is done.
    const createConnection = agent.createConnection.bind(agent) as (...args: unknown[]) => Socket;
    (agent as unknown as { createConnection: (...args: unknown[]) => Socket }).createConnection = function connect(...args: unknown[]): Socket {
      const socket = createConnection(...args);
      const timer = connectMs > 0 ? setTimeout(() => socket.destroy(undiciStyleError("UND_ERR_CONNECT_TIMEOUT", `Connect Timeout Error (${connectMs} ms)`)), connectMs) : undefined;
      socket.once("secureConnect", function handshaken() {
        clearTimeout(timer);
        connected.add(socket);
      });
      socket.once("close", () => clearTimeout(timer));
      return socket;
    };
    this.#agent = agent;
  }

  request(options: ApiRequestOptions): Promise<ApiResponse> {
    if (this.#closed) return Promise.reject(undiciStyleError("UND_ERR_CLOSED", "The client is closed"));
    return new Promise<ApiResponse>((resolve, reject) => {
      const headers: Record<string, string | string[] | number> = { ...options.headers };
      if (options.body !== undefined) headers["content-length"] = Buffer.byteLength(options.body);
      const sent: RequestOptions = { agent: this.#agent, host: this.#host, port: this.#port, method: options.method, path: options.path, headers, signal: options.signal };
      // Throws at once on a header value that cannot be sent (undici's UND_ERR_INVALID_ARG), and
      // (Node's agent connects synchronously) on a client certificate and key that do not fit:
      // nothing is running then.
      let request: ClientRequest;
      try {
        request = nodeHttps().request(sent);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ERR_INVALID_CHAR" || code === "ERR_INVALID_HTTP_TOKEN") (error as NodeJS.ErrnoException).code = "UND_ERR_INVALID_ARG";
        throw error;
      }
      this.#running++;
      const headersMs = options.headersTimeout ?? 0;
      let headersTimer: NodeJS.Timeout | undefined;
      const connected = this.#connected;
      let over = false;
      const done = (): void => {
        if (over) return;
        over = true;
        clearTimeout(headersTimer);
        if (--this.#running === 0) this.#idle?.resolve();
      };
      request.once("socket", function onSocket(socket: Socket) {
        if (headersMs <= 0) return;
        const start = (): void => {
          headersTimer = setTimeout(() => request.destroy(undiciStyleError("UND_ERR_HEADERS_TIMEOUT", "Headers Timeout Error")), headersMs);
        };
        if (connected.has(socket)) start();
        else socket.once("secureConnect", start);
      });
      request.once("error", function failed(error: NodeJS.ErrnoException) {
        // The connection closed before an answer: undici's UND_ERR_SOCKET (a close during the TLS
        // handshake stays ECONNRESET, as on undici).
        if (error.code === "ECONNRESET" && error.message === "socket hang up") error.code = "UND_ERR_SOCKET";
        done();
        reject(error);
      });
      request.once("response", function answered(response: IncomingMessage) {
        clearTimeout(headersTimer);
        const body = response as IncomingMessage & ApiResponseBody;
        body.text = readText;
        // A connection closed mid-answer is undici's UND_ERR_SOCKET (Node says ECONNRESET
        // "aborted"); this listener, the first, also keeps an unread body's error from going unhandled.
        body.on("error", function renamed(error: NodeJS.ErrnoException) {
          if (error.code === "ECONNRESET") error.code = "UND_ERR_SOCKET";
        });
        body.once("close", done);
        const bodyMs = options.bodyTimeout ?? 0;
        const socket = response.socket;
        if (bodyMs > 0 && socket && !response.complete) {
          // As undici's: no bytes for bodyMs while the reader keeps up; a reader that holds the
          // body back (the socket paused) is not timed out.
          const timer = setTimeout(function silent() {
            if (socket.isPaused()) timer.refresh();
            else body.destroy(undiciStyleError("UND_ERR_BODY_TIMEOUT", "Body Timeout Error"));
          }, bodyMs);
          const arrived = (): void => void timer.refresh();
          socket.on("data", arrived);
          body.once("close", function unarmed() {
            clearTimeout(timer);
            socket.off("data", arrived);
          });
        }
        resolve({ statusCode: response.statusCode ?? 0, headers: headersOf(response.rawHeaders), body });
      });
      request.end(options.body);
    });
  }

  /** Closes the connections once the requests running (their answers read) are over. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#running > 0) {
      if (this.#idle === undefined) {
        let resolve!: () => void;
        const promise = new Promise<void>((done) => (resolve = done));
        this.#idle = { promise, resolve };
      }
      await this.#idle.promise;
    }
    this.#agent.destroy();
  }
}
