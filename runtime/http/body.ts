/**
 * @module http/body
 * Reads and parses a request body within the function's limit, without ever holding more than
 * the limit: a declared `Content-Length` over it is refused before reading a byte, and a body
 * without one (chunked) is counted while it streams and refused at the first byte past it.
 *
 * Content types: `application/json` and any `+json` type are parsed as JSON, as UTF-8 (RFC
 * 8259), and `application/x-www-form-urlencoded` into its fields (strings; a repeated field an
 * array), as a GET's query is read; a `charset` parameter naming another encoding is refused
 * with 415 rather than decoded wrongly, and bytes that are not UTF-8 with 400; other parameters
 * are ignored. A body that is empty counts as `{}` whatever its type. A request with another
 * `Content-Type` is refused with 415 even when empty; one without a `Content-Type` must be
 * empty (else 415).
 *
 * A body must arrive within the route's `http.bodyTimeoutMs` (see body-deadline): past it, 408
 * with `Connection: close`, and the call lets go of its slot.
 */
import { isUtf8 } from "node:buffer";
import type { IncomingMessage } from "node:http";
import type { BodyDeadlines } from "./body-deadline.js";
import type { CallRequest } from "./exchange.js";
import { Refusal } from "./respond.js";
import { formFields } from "./input.js";
import { sendContinue } from "./continue.js";
import { InputError } from "../errors.js";

const EMPTY = new Uint8Array(0);

/**
 * The text of UTF-8 bytes exactly as `new TextDecoder().decode(bytes)` gives it (a leading byte
 * order mark dropped, each invalid sequence replaced by U+FFFD), decoded by the Buffer a body read
 * from the socket already is. `test/http/body-utf8.test.ts` compares the two.
 */
export function utf8Text(bytes: Uint8Array): string {
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  // A body read from the socket is a Buffer already: no second view of it.
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return buffer.toString("utf8", start);
}

/** True for `application/json` and `application/<anything>+json`, with or without parameters. */
export function isJsonContentType(value: string): boolean {
  const semi = value.indexOf(";");
  const type = (semi === -1 ? value : value.slice(0, semi)).trim().toLowerCase();
  return type === "application/json" || (type.endsWith("+json") && type.includes("/"));
}

/** A `charset` parameter naming an encoding other than UTF-8 or ASCII (a subset of it): `charset=latin1`. */
const OTHER_CHARSET = /;\s*charset\s*=\s*"?(?!(?:utf-?8|us-ascii|ascii)"?\s*(?:;|$))([^";\s]+)/i;

/** 415, or undefined when the declared content type (`type`, null when absent) is acceptable. */
export function checkContentType(type: string | null): Refusal | undefined {
  if (type === null) return undefined;
  if (isJsonContentType(type) || isFormContentType(type)) {
    // Only a type with parameters can name a charset: nothing more to look at for most requests.
    const charset = type.includes(";") ? OTHER_CHARSET.exec(type) : null;
    return charset ? unsupported(`charset ${JSON.stringify(charset[1]!.slice(0, 40))} is not supported: the body is read as UTF-8`) : undefined;
  }
  return unsupported(`content type ${JSON.stringify(type.slice(0, 100))} is not supported: send application/json (or a form, application/x-www-form-urlencoded)`);
}

/** True for `application/x-www-form-urlencoded`, with or without parameters: a form's fields, as Slack's slash commands send them. */
export function isFormContentType(value: string): boolean {
  const semi = value.indexOf(";");
  return (semi === -1 ? value : value.slice(0, semi)).trim().toLowerCase() === "application/x-www-form-urlencoded";
}

/**
 * 415 for a body sent with a content coding (`Content-Encoding: gzip`): bodies are read as
 * sent, so a compressed one would be parsed as garbled JSON. `Accept-Encoding: identity` says
 * what is accepted (RFC 9110 §15.5.16). Undefined for none or `identity`.
 */
export function checkContentEncoding(coding: string | null): Refusal | undefined {
  if (coding === null) return undefined;
  const value = coding.trim().toLowerCase();
  if (value === "" || value === "identity") return undefined;
  return new Refusal(415, "unsupported_media_type", `content encoding ${JSON.stringify(coding.slice(0, 40))} is not supported: send the body uncompressed`, { "accept-encoding": "identity" });
}

/**
 * A request's `Transfer-Encoding` other than `chunked` alone: one whose last coding is not
 * `chunked` has no knowable length (400, and the connection closed: RFC 9112 §6.3); a coding
 * before `chunked` (`gzip, chunked`) is one the server does not implement (501, §6.1): the body
 * would be read as garbled JSON. Undefined for none or `chunked`.
 */
export function checkTransferCoding(codings: string | null): Refusal | undefined {
  if (codings === null) return undefined;
  const list = codings.toLowerCase().split(",").map((c) => c.trim()).filter((c) => c !== "");
  if (list.length === 1 && list[0] === "chunked") return undefined;
  const shown = JSON.stringify(codings.slice(0, 60));
  if (list[list.length - 1] !== "chunked") return new Refusal(400, "bad_request", `Transfer-Encoding ${shown} does not end in chunked: the body's length cannot be known`, { connection: "close" });
  return new Refusal(501, "not_implemented", `Transfer-Encoding ${shown} is not supported: send the body chunked only, uncompressed`, { connection: "close" });
}

function unsupported(message: string): Refusal {
  return new Refusal(415, "unsupported_media_type", message);
}

function timedOut(ms: number): Refusal {
  return new Refusal(408, "request_timeout", `the body did not arrive within ${ms} ms`, { connection: "close" });
}

/**
 * The client closed the connection (or reset it) before its whole body arrived: nobody reads the
 * answer, and it is the client's doing, not a fault of the server's (499, as nginx logs it; the
 * call counts as a client error, and no error is logged).
 */
export const CLIENT_GONE = new Refusal(499, "client_closed_request", "the client closed the connection before sending the whole body", { connection: "close" });

/**
 * Set (by the server's `clientError` handler) on a request whose body the HTTP parser or the
 * server's deadline refused mid-way (a bad chunk, 400; chunk extensions too large, 413; Node's
 * request timeout, 408): the refusal the client was answered on the spot, which the call records too.
 */
export const REFUSED_BY_PARSER = Symbol("podfn.refusedByParser");

/** Why a request's body stopped before its end: the parser or a deadline refused it, or the client went away. */
function cutShort(incoming: IncomingMessage): Refusal {
  return ((incoming as unknown as Record<symbol, Refusal | undefined>)[REFUSED_BY_PARSER]) ?? CLIENT_GONE;
}

function tooLarge(limit: number): Refusal {
  return new Refusal(413, "payload_too_large", `the body is larger than ${limit} bytes`, { connection: "close" });
}

/**
 * The raw body bytes, or a 413 refusal as soon as they pass `limit` bytes, or a 408 when they
 * have not all arrived by the route's deadline. On a socket the Node request is read directly (no
 * WHATWG request or stream is built); through the app's `fetch`, the `Request` body.
 */
export function readBody(call: CallRequest, limit: number, deadlines: BodyDeadlines): Promise<Uint8Array | Refusal> {
  const declared = call.header("content-length");
  if (declared !== null && Number(declared) > limit) return Promise.resolve(tooLarge(limit));
  return call.incoming ? readIncoming(call.incoming, limit, deadlines) : readRequest(call.request!, declared, limit, deadlines, call.source);
}

/**
 * The body of a WHATWG request (`declared`: its `Content-Length`, within the limit); `source`,
 * the Node request behind it, says why a body stopped short (the parser's refusal, or the client gone).
 */
async function readRequest(request: Request, declared: string | null, limit: number, deadlines: BodyDeadlines, source?: IncomingMessage): Promise<Uint8Array | Refusal> {
  if (request.body === null) return EMPTY;
  if (source) sendContinue(source);
  let expired: (refusal: Refusal) => void = ignore;
  const deadline = new Promise<Refusal>((resolve) => (expired = resolve));
  const read = deadlines.start(() => expired(timedOut(deadlines.ms)));
  const reader = request.body.getReader();
  try {
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      let next: Awaited<ReturnType<typeof reader.read>> | Refusal;
      try {
        next = await Promise.race([reader.read(), deadline]);
      } catch {
        // The request's stream failed: the client went away mid-body, or the parser refused it.
        next = source ? cutShort(source) : CLIENT_GONE;
      }
      if (next instanceof Refusal) {
        reader.cancel().catch(ignore);
        return next;
      }
      if (next.done) break;
      size += next.value.byteLength;
      // With a declared length the HTTP parser holds the body to it, which is within the limit.
      if (declared === null && size > limit) {
        reader.cancel().catch(ignore);
        return tooLarge(limit);
      }
      chunks.push(next.value);
    }
    // The stream of a request whose client went away can end as if complete: a body shorter than
    // its Content-Length was cut short (the parser never passes a complete one that is).
    if (declared !== null && size < Number(declared)) return source ? cutShort(source) : CLIENT_GONE;
    return size > limit ? tooLarge(limit) : concat(chunks, size);
  } finally {
    deadlines.end(read);
  }
}

/**
 * The body of a Node request, counted as it streams. Past the limit or the deadline it stops
 * reading (the stream is paused, not destroyed, so the 413 or 408 still reaches the caller; the
 * server closes the connection after answering).
 */
function readIncoming(incoming: IncomingMessage, limit: number, deadlines: BodyDeadlines): Promise<Uint8Array | Refusal> {
  if (incoming.readableEnded) return Promise.resolve(EMPTY);
  if (incoming.destroyed) return Promise.resolve(cutShort(incoming));
  sendContinue(incoming);
  return new Promise(function read(resolve) {
    const chunks: Buffer[] = [];
    let size = 0;
    function onData(chunk: Buffer) {
      size += chunk.byteLength;
      if (size > limit) {
        stop();
        incoming.pause();
        resolve(tooLarge(limit));
      } else chunks.push(chunk);
    }
    // The body is whole: the listeners stay (the request is done with; its `close` comes next
    // and finds nothing to do), which spares four removals per request.
    let ended = false;
    function onEnd() {
      ended = true;
      deadlines.end(read);
      resolve(concat(chunks, size));
    }
    // An error on a request stream is the client's connection failing ("aborted", ECONNRESET).
    function onError() {
      if (ended) return;
      stop();
      resolve(cutShort(incoming));
    }
    function onClose() {
      if (ended) return;
      stop();
      resolve(cutShort(incoming));
    }
    function stop() {
      deadlines.end(read);
      incoming.off("data", onData);
      incoming.off("end", onEnd);
      incoming.off("error", onError);
      incoming.off("close", onClose);
    }
    const read = deadlines.start(function expired() {
      stop();
      incoming.pause();
      resolve(timedOut(deadlines.ms));
    });
    incoming.on("data", onData);
    incoming.on("end", onEnd);
    incoming.on("error", onError);
    incoming.on("close", onClose);
  });
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  if (chunks.length === 0) return EMPTY;
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function ignore(): void {}

/** Whether a request says it carries a body: a Content-Length other than 0, or a Transfer-Encoding. */
export function hasBody(request: CallRequest): boolean {
  const length = request.header("content-length");
  return (length !== null && length.trim() !== "0") || request.header("transfer-encoding") !== null;
}

/**
 * The input a body carries: `{}` when empty, the parsed JSON otherwise; or a 400/415 `Refusal`.
 * `type` is the request's content type (null when absent).
 */
export function parseBody(bytes: Uint8Array, type: string | null): unknown {
  if (bytes.byteLength === 0) return {};
  if (type === null) return unsupported("a body needs a content type: send application/json");
  // JSON text is UTF-8 (RFC 8259): a byte that is not would be decoded as U+FFFD, the input changed unseen.
  if (!isUtf8(bytes)) return notUtf8();
  if (isFormContentType(type)) return formBody(utf8Text(bytes));
  try {
    return JSON.parse(utf8Text(bytes));
  } catch (error) {
    return invalidJson(error);
  }
}

/**
 * A form body's fields (each a string, a repeated one an array), or a 400 naming a malformed
 * escape, or a 415 for JSON sent as a form (`curl -d '{...}'` without a content type: curl's
 * default is a form), which would otherwise be read as one field named by the whole text.
 */
function formBody(text: string): unknown {
  if (looksLikeJson(text)) {
    return unsupported("the body is JSON sent as a form (content type application/x-www-form-urlencoded, curl -d's default): send it with content-type: application/json (curl --json, or -H 'content-type: application/json')");
  }
  try {
    return formFields(text);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return new Refusal(400, error.code, error.message, undefined, { issues: error.issues });
  }
}

/** True for a JSON object or array: a form's field name never starts with `{` or `[` in practice. */
function looksLikeJson(text: string): boolean {
  const first = text.trimStart()[0];
  if (first !== "{" && first !== "[") return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function notUtf8(): Refusal {
  const message = "the body is not valid UTF-8, as JSON text and podfn's forms must be (a byte that is not would have been read as U+FFFD)";
  return new Refusal(400, "invalid_json", message, undefined, { issues: [{ path: "", message }] });
}

function invalidJson(error: unknown): Refusal {
  const message = `the body is not valid JSON: ${(error as Error).message}`;
  return new Refusal(400, "invalid_json", message, undefined, { issues: [{ path: "", message }] });
}
