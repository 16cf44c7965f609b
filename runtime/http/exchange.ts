/**
 * @module http/exchange
 * One request as an endpoint sees it (`CallRequest`) and its answer (`Answer`), whatever serves
 * it: a WHATWG `Request` through the app's `fetch` (tests, hono), or Node's `IncomingMessage`
 * and `ServerResponse` on the socket, where neither a `Request`, a `Headers` nor a `Response` is
 * built unless a handler asks for `trigger.headers`. Header values read either way are the same
 * as `Headers.get` gives (repeated headers joined with ", ").
 */
import type { IncomingMessage, ServerResponse } from "node:http";

/** A request, read through what an endpoint needs. */
export interface CallRequest {
  /** Upper-case method as received. */
  readonly method: string;
  /** The path, without the query string. */
  readonly path: string;
  /** The query string without its `?` (empty when there is none). */
  readonly query: string;
  /** The value of a header (`name` in lower case) as `Headers.get` returns it, or null. */
  header(name: string): string | null;
  /** Every header, as a `Headers` (built on first call on the socket path). */
  headers(): Headers;
  /** The Node request, when served on a socket: its body is read from it. */
  readonly incoming?: IncomingMessage;
  /** The WHATWG request, when served through `fetch`: its body is read from it. */
  readonly request?: Request;
  /** Behind `request`, when a Node server serves it through hono: says why its body stopped short. */
  readonly source?: IncomingMessage;
}

/** A response before it is sent: header names in lower case. */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string | Uint8Array | null;
  /** The podfn error code of an error answer (its body's `error.code`), for the access line. */
  code?: string;
  /**
   * The call failed although the status says otherwise, counted as this outcome: `error` (a 403
   * from the function's own RBAC is the function failing, not a caller refused), `unavailable`
   * (a 503 `kube_unavailable`: the API server could not answer, not the function's bug),
   * `rejected` (an async call refused by shutdown after its caller was admitted: nothing ran).
   */
  failed?: "error" | "unavailable" | "rejected";
  /** A 202 whose call runs on (`http.async`): the call's own outcome is counted when it ends, not this answer's. */
  background?: true;
}

/**
 * The address of the peer that sent a request on a socket (a proxy's, when one is in front:
 * `X-Forwarded-For` is not read), or undefined through `fetch`. The server reads it as each
 * connection opens (server.ts), so it is known after the client has gone too.
 */
export function remoteAddressOf(request: CallRequest): string | undefined {
  return (request.incoming ?? request.source)?.socket?.remoteAddress;
}

/** The request's `User-Agent`, or undefined. On a socket, read from the headers Node has parsed already. */
export function userAgentOf(request: CallRequest): string | undefined {
  const incoming = request.incoming ?? request.source;
  return incoming ? incoming.headers["user-agent"] : (request.header("user-agent") ?? undefined);
}

/**
 * The view of a WHATWG request (`path` as the router decoded it).
 *
 * @example
 * const req = fetchRequest(c.req.raw, c.req.path);
 */
export function fetchRequest(request: Request, path: string, source?: IncomingMessage): CallRequest {
  const url = request.url;
  const q = url.indexOf("?");
  const headers = request.headers;
  return {
    method: request.method,
    path,
    query: q === -1 ? "" : url.slice(q + 1),
    header: function header(name) {
      return headers.get(name);
    },
    headers: function allHeaders() {
      return headers;
    },
    request,
    source,
  };
}

/** The view of a Node request whose target (`url`, origin form) splits at `q` (-1: no query). */
export class IncomingRequest implements CallRequest {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly incoming: IncomingMessage;
  #headers: Headers | undefined;

  constructor(incoming: IncomingMessage, path: string, query: string) {
    this.incoming = incoming;
    this.method = incoming.method!;
    this.path = path;
    this.query = query;
  }

  header(name: string): string | null {
    const raw = this.incoming.rawHeaders;
    let value: string | null = null;
    for (let i = 0; i < raw.length; i += 2) {
      const key = raw[i]!;
      // Most clients send lower-case names: compare before lower-casing.
      if (key.length === name.length && (key === name || key.toLowerCase() === name)) {
        const found = trimHttpWhitespace(raw[i + 1]!);
        value = value === null ? found : `${value}, ${found}`;
      }
    }
    return value;
  }

  headers(): Headers {
    if (!this.#headers) {
      const headers = new Headers();
      const raw = this.incoming.rawHeaders;
      for (let i = 0; i < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
      this.#headers = headers;
    }
    return this.#headers;
  }
}

function isHttpWhitespace(code: number): boolean {
  return code === 9 || code === 10 || code === 13 || code === 32;
}

/** A header value without leading and trailing HTTP whitespace, as `Headers` keeps it. */
function trimHttpWhitespace(value: string): string {
  if (value === "" || (!isHttpWhitespace(value.charCodeAt(0)) && !isHttpWhitespace(value.charCodeAt(value.length - 1)))) return value;
  let start = 0;
  let end = value.length;
  while (start < end && isHttpWhitespace(value.charCodeAt(start))) start++;
  while (end > start && isHttpWhitespace(value.charCodeAt(end - 1))) end--;
  return value.slice(start, end);
}

/**
 * Build the `Response` of an answer.
 *
 * @example
 * return toResponse({ status: 200, headers: { "content-type": "text/plain" }, body: "ok" });
 */
export function toResponse(answer: Answer): Response {
  return new Response(answer.body as ConstructorParameters<typeof Response>[0], { status: answer.status, headers: answer.headers });
}

/** The fields of Node's `ServerResponse` that decide how it frames a body (see `writeAnswer`). */
interface Framing {
  _contentLength: number | null;
  _hasBody: boolean;
  _removedContLen: boolean;
  useChunkedEncodingByDefault: boolean;
}

/**
 * Send an answer on a Node response, with its `Content-Length` (a `HEAD` request gets the
 * headers only: Node leaves the body out). As @hono/node-server does, the length is handed to
 * Node directly when nothing else frames the body, so Node writes the `Content-Length` line
 * itself instead of validating one more header.
 */
export function writeAnswer(outgoing: ServerResponse, answer: Answer): void {
  const { body, headers, status } = answer;
  if (body !== null && headers["content-length"] === undefined) {
    const length = typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
    const framing = outgoing as unknown as Framing;
    if (framing._contentLength === null && framing._hasBody && framing.useChunkedEncodingByDefault && !framing._removedContLen && status >= 200 && status !== 204 && status !== 304 && headers["transfer-encoding"] === undefined && headers.trailer === undefined) {
      framing._contentLength = length;
    } else headers["content-length"] = String(length);
  }
  outgoing.writeHead(status, headers);
  if (body === null) outgoing.end();
  else outgoing.end(body);
}
