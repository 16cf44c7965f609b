/**
 * @module bench/peers/functions-framework
 * @google-cloud/functions-framework: an HTTP function served by the framework's own server
 * (express plus its middleware), bound to 127.0.0.1 (its CLI would bind every interface).
 */
import { http } from "@google-cloud/functions-framework";
import { getTestServer } from "@google-cloud/functions-framework/testing";
import { announce, HELLO, HOST, port } from "./listen.js";

http("hello", (_req, res) => {
  res.json(HELLO);
});
const server = getTestServer("hello");
server.listen(port(), HOST, () => announce((server.address() as { port: number }).port));
