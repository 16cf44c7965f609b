/**
 * @module http/respond
 * Builds every answer the HTTP adapter sends: JSON bodies with the request id header, the
 * `{error: {code, message, requestId, ...}}` shape of every refusal, and the mapping of a
 * handler's result (value, `undefined`, `reply(...)`) to a status, and the censoring of the
 * secrets a handler read out of an answer. Answers are plain objects (see `exchange.ts`): written
 * straight to the socket, or made a `Response` for `fetch`.
 */
import { validateHeaderName, validateHeaderValue } from "node:http";
import { isReply } from "../function.js";
import { PodfnError } from "../errors.js";
import { refuseOpaque } from "../opaque-result.js";
import { answersCensored, censorSecrets } from "../secret-values.js";
import type { Answer } from "./exchange.js";

export const JSON_TYPE = "application/json; charset=utf-8";

/**
 * Why a request was refused before (or instead of) running the function. A class, so a parsed
 * JSON body can never be mistaken for one.
 */
export class Refusal {
  constructor(
    readonly status: number,
    /** Stable machine-readable code, e.g. `"unauthenticated"`, `"payload_too_large"`. */
    readonly code: string,
    /** Sent to the caller: never put a secret in it. */
    readonly message: string,
    /** Extra response headers (`WWW-Authenticate`, `Retry-After`, `Allow`, `Connection`). */
    readonly headers?: Record<string, string>,
    /** Extra fields of the `error` object (`issues`). */
    readonly extra?: Record<string, unknown>,
  ) {}
}

/** A JSON answer carrying `X-Request-Id`; an error body's `error.code` is the answer's `code` too. */
export function jsonAnswer(status: number, body: unknown, requestId: string, headers?: Record<string, string>): Answer {
  return {
    status,
    headers: headers ? { ...headers, "content-type": JSON_TYPE, "x-request-id": requestId } : { "content-type": JSON_TYPE, "x-request-id": requestId },
    body: JSON.stringify(body),
    code: errorCodeOf(body),
  };
}

/** The `code` of an `{error: {code}}` body, or undefined. */
function errorCodeOf(body: unknown): string | undefined {
  const code = (body as { error?: { code?: unknown } } | null | undefined)?.error?.code;
  return typeof code === "string" ? code : undefined;
}

/** The answer of a refusal: `{error: {code, message, requestId, ...extra}}`. */
export function refusalAnswer(refusal: Refusal, requestId: string): Answer {
  return jsonAnswer(refusal.status, { error: { code: refusal.code, message: refusal.message, requestId, ...refusal.extra } }, requestId, refusal.headers);
}

/** 500 with nothing but the request id: the cause is in the log, never in the response. */
export function internalErrorAnswer(requestId: string): Answer {
  return jsonAnswer(500, { error: { code: "internal", message: "internal error", requestId } }, requestId);
}

/**
 * Headers the server sets itself: how the body is framed (a `Transfer-Encoding` next to the
 * length Node adds, desyncing a keep-alive connection) and what happens to the connection
 * (hop-by-hop, RFC 9110 §7.6.1). `Content-Length` and `Connection` are judged apart: a length
 * that is the body's is dropped (the server writes the same), `Connection: close` is honoured.
 */
const SERVER_HEADERS = new Set(["transfer-encoding", "keep-alive", "upgrade", "te", "trailer", "proxy-connection"]);

/**
 * A `reply()` header's name in lower case, once Node would send it: a name or value it refuses
 * (a CR/LF built from input, a space in a name), or a header the server sets itself
 * (`SERVER_HEADERS`), throws here, inside the call, so the caller gets the 500 with a request id
 * instead of a failure while writing the answer or a broken connection. The value is never put
 * in the message.
 */
function checkedHeader(name: string, value: string): string {
  try {
    validateHeaderName(name);
    validateHeaderValue(name, value);
  } catch (error) {
    throw new PodfnError("invalid_reply", `reply() header ${JSON.stringify(name)} has a name or value HTTP does not allow`, { cause: error });
  }
  const lower = name.toLowerCase();
  if (SERVER_HEADERS.has(lower)) {
    throw new PodfnError("invalid_reply", `reply() header ${JSON.stringify(name)} frames the message or manages the connection: the server sets it, leave it out`);
  }
  return lower;
}

/**
 * The answer of a handler's result: 204 for `undefined`, the chosen status for a `reply()`
 * (a string or byte body is sent as is when the reply sets `content-type`; anything else as
 * JSON), 200 JSON otherwise. Throws when the value cannot be serialized, including one JSON
 * gives nothing for (a function, a symbol): the caller answers 500.
 */
export function resultAnswer(result: unknown, requestId: string, extraHeaders?: Record<string, string>): Answer {
  if (result === undefined) return { status: 204, headers: extraHeaders ? { ...extraHeaders, "x-request-id": requestId } : { "x-request-id": requestId }, body: null };
  if (!isReply(result)) {
    // A plain object (most results) is none of them: one comparison on the hot path.
    if (typeof result === "object" && result !== null && result.constructor !== Object) refuseOpaque(result);
    const body = JSON.stringify(result);
    if (body === undefined) throw unserializable(result);
    const headers = extraHeaders ? { ...extraHeaders, "content-type": JSON_TYPE, "x-request-id": requestId } : { "content-type": JSON_TYPE, "x-request-id": requestId };
    return { status: 200, headers, body };
  }
  if (!Number.isInteger(result.status) || result.status < 200 || result.status > 599) {
    throw new PodfnError("invalid_reply", `reply() status must be an integer from 200 to 599, got ${String(result.status)}`);
  }
  const headers: Record<string, string> = { ...extraHeaders };
  let declaredLength: string | undefined;
  for (const [name, value] of Object.entries(result.headers)) {
    const lower = checkedHeader(name, value);
    if (lower === "content-length") declaredLength = value;
    else if (lower === "connection") connectionHeader(value, headers);
    else headers[lower] = value;
  }
  headers["x-request-id"] = requestId;
  // HTTP forbids content on 204, 205 and 304: their bodies are dropped, on the socket and through fetch alike.
  const noBody = result.body === undefined || result.status === 204 || result.status === 205 || result.status === 304;
  if (noBody) return { status: result.status, headers, body: null };
  const raw = headers["content-type"] !== undefined && (typeof result.body === "string" || result.body instanceof Uint8Array);
  if (!raw) headers["content-type"] ??= JSON_TYPE;
  if (!raw && typeof result.body === "object" && result.body !== null) refuseOpaque(result.body);
  const body = raw ? (result.body as string | Uint8Array) : JSON.stringify(result.body);
  if (body === undefined) throw unserializable(result.body);
  if (declaredLength !== undefined) checkLength(declaredLength, body);
  return { status: result.status, headers, body };
}

/** `Connection: close` is honoured (the connection closes after the answer); `keep-alive` is the default; anything else is refused. */
function connectionHeader(value: string, headers: Record<string, string>): void {
  const token = value.trim().toLowerCase();
  if (token === "close") headers.connection = "close";
  else if (token !== "keep-alive") throw new PodfnError("invalid_reply", `reply() header "connection" may say close or keep-alive, not ${JSON.stringify(value.slice(0, 40))}: the server manages the connection`);
}

/** A `Content-Length` that is the body's byte length is dropped (the server writes it); another one would cut or stall the body. */
function checkLength(declared: string, body: string | Uint8Array): void {
  const actual = typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
  if (declared.trim() !== String(actual)) {
    throw new PodfnError("invalid_reply", `reply() header "content-length" says ${JSON.stringify(declared.slice(0, 20))} but the body is ${actual} bytes: leave it out, the server sets it`);
  }
}

/**
 * A result `JSON.stringify` gives undefined for (a function, a symbol, a `toJSON` giving
 * undefined): sent, it was `application/json` with no body. A BigInt or a cycle throws by itself.
 */
function unserializable(value: unknown): PodfnError {
  return new PodfnError("invalid_output", `the result (${typeof value}) cannot be sent as JSON: JSON.stringify gives nothing for it`);
}

/**
 * `answer` with every remembered secret replaced by `[redacted]` in its body and header values,
 * once a handler has been handed a secret (`ctx.secret`: it may have put it there); `answer`
 * itself, untouched, until then. A body of bytes is censored when it is UTF-8 text, and sent as
 * it is otherwise. Changes `answer` in place.
 */
export function censoredAnswer(answer: Answer): Answer {
  if (!answersCensored()) return answer;
  const { body, headers } = answer;
  for (const name of Object.keys(headers)) headers[name] = censorSecrets(headers[name]!);
  if (typeof body === "string") answer.body = censorSecrets(body);
  else if (body !== null) answer.body = censoredBytes(body);
  return answer;
}

/** `body` censored when it is UTF-8 text (decoded and encoded back byte for byte, a BOM kept); as it is otherwise. */
function censoredBytes(body: Uint8Array): Uint8Array {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    return body;
  }
  const censored = censorSecrets(text);
  return censored === text ? body : new TextEncoder().encode(censored);
}
