/**
 * @module http/respond
 * Builds every response the HTTP adapter sends: JSON bodies with the request id header, the
 * `{error: {code, message, requestId, ...}}` shape of every refusal, and the mapping of a
 * handler's result (value, `undefined`, `reply(...)`) to a status. Headers are plain objects so
 * @hono/node-server can write them without building a `Headers`.
 */
import { isReply } from "../function.js";
import { PodfnError } from "../errors.js";

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

/** A JSON response carrying `X-Request-Id`. */
export function jsonResponse(status: number, body: unknown, requestId: string, headers?: Record<string, string>): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: headers ? { ...headers, "content-type": JSON_TYPE, "x-request-id": requestId } : { "content-type": JSON_TYPE, "x-request-id": requestId },
  });
}

/** The response of a refusal: `{error: {code, message, requestId, ...extra}}`. */
export function refusalResponse(refusal: Refusal, requestId: string): Response {
  return jsonResponse(refusal.status, { error: { code: refusal.code, message: refusal.message, requestId, ...refusal.extra } }, requestId, refusal.headers);
}

/** 500 with nothing but the request id: the cause is in the log, never in the response. */
export function internalErrorResponse(requestId: string): Response {
  return jsonResponse(500, { error: { code: "internal", message: "internal error", requestId } }, requestId);
}

/**
 * The response of a handler's result: 204 for `undefined`, the chosen status for a `reply()`
 * (a string or byte body is sent as is when the reply sets `content-type`; anything else as
 * JSON), 200 JSON otherwise. Throws when the value cannot be serialized (the caller answers 500).
 */
export function resultResponse(result: unknown, requestId: string, extraHeaders?: Record<string, string>): Response {
  if (result === undefined) return new Response(null, { status: 204, headers: { ...extraHeaders, "x-request-id": requestId } });
  if (!isReply(result)) {
    const body = JSON.stringify(result);
    return new Response(body, { status: 200, headers: { ...extraHeaders, "content-type": JSON_TYPE, "x-request-id": requestId } });
  }
  if (!Number.isInteger(result.status) || result.status < 200 || result.status > 599) {
    throw new PodfnError("invalid_reply", `reply() status must be an integer from 200 to 599, got ${String(result.status)}`);
  }
  const headers: Record<string, string> = { ...extraHeaders };
  for (const [name, value] of Object.entries(result.headers)) headers[name.toLowerCase()] = value;
  headers["x-request-id"] = requestId;
  const noBody = result.body === undefined || result.status === 204 || result.status === 304;
  if (noBody) return new Response(null, { status: result.status, headers });
  const raw = headers["content-type"] !== undefined && (typeof result.body === "string" || result.body instanceof Uint8Array);
  if (!raw) headers["content-type"] ??= JSON_TYPE;
  const body = raw ? (result.body as string | Uint8Array) : JSON.stringify(result.body);
  return new Response(body as ConstructorParameters<typeof Response>[0], { status: result.status, headers });
}
