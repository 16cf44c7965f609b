/**
 * @module bench/peers/node-http
 * Raw node:http: GET /hello answers a small JSON; POST /echo reads the body, JSON.parse and
 * validates it with the zod schema. The floor any framework is measured against.
 */
import { createServer } from "node:http";
import { payloadSchema, summarize } from "../lib/payload.js";
import { announce, HELLO, HOST, port } from "./listen.js";

const hello = JSON.stringify(HELLO);

const server = createServer(function handle(req, res) {
  if (req.method === "GET" && req.url?.startsWith("/hello")) {
    res.writeHead(200, { "content-type": "application/json" }).end(hello);
    return;
  }
  if (req.method === "POST" && req.url === "/echo") {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", function validate() {
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        res.writeHead(400, { "content-type": "application/json" }).end('{"error":"invalid JSON"}');
        return;
      }
      const parsed = payloadSchema.safeParse(body);
      if (!parsed.success) {
        res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ issues: parsed.error.issues }));
        return;
      }
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(summarize(parsed.data)));
    });
    return;
  }
  res.writeHead(404).end();
});
server.listen(port(), HOST, () => announce((server.address() as { port: number }).port));
