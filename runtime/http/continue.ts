/**
 * @module http/continue
 * `Expect: 100-continue` answered when a body is about to be read, not on arrival (Node's
 * default): a request the route refuses first — its caller unauthenticated, its body too large
 * or of a type it does not take — gets its final answer before the client has sent the body,
 * and that connection is closed after the answer (a body the client may still send would
 * otherwise be read as the next request).
 */
import type { IncomingMessage, ServerResponse } from "node:http";

/** Requests that asked to be told to go on, and the response to tell it on. */
const awaiting = new WeakMap<IncomingMessage, ServerResponse>();

/**
 * The server's `checkContinue` handler's half: remember the request, and close its connection
 * after an answer written without a `100 Continue` first.
 *
 * @example
 * server.on("checkContinue", (req, res) => { deferContinue(req, res); listener(req, res); });
 */
export function deferContinue(incoming: IncomingMessage, outgoing: ServerResponse): void {
  awaiting.set(incoming, outgoing);
  const writeHead = outgoing.writeHead;
  outgoing.writeHead = function writeHeadOnce(this: ServerResponse, ...args: Parameters<ServerResponse["writeHead"]>) {
    if (awaiting.delete(incoming)) this.shouldKeepAlive = false;
    return writeHead.apply(this, args);
  } as ServerResponse["writeHead"];
}

/** Tells a request that asked to go on, once, as its body is about to be read; nothing for any other. */
export function sendContinue(incoming: IncomingMessage): void {
  const outgoing = awaiting.get(incoming);
  if (!outgoing) return;
  awaiting.delete(incoming);
  outgoing.writeContinue();
}
