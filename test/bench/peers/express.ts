/**
 * @module bench/peers/express
 * express 5: GET /hello.
 */
import express from "express";
import { announce, HELLO, HOST, port } from "./listen.js";

const app = express();
app.get("/hello", (_req, res) => {
  res.json(HELLO);
});
const server = app.listen(port(), HOST, () => announce((server.address() as { port: number }).port));
