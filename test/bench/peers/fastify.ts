/**
 * @module bench/peers/fastify
 * fastify: GET /hello, and POST /echo with the body checked by a JSON schema (ajv).
 */
import Fastify from "fastify";
import { payloadJsonSchema, summarize, type Payload } from "../lib/payload.js";
import { announce, HELLO, HOST, port } from "./listen.js";

const app = Fastify({ logger: false });
app.get("/hello", async () => HELLO);
app.post<{ Body: Payload }>("/echo", { schema: { body: payloadJsonSchema } }, async (request) => summarize(request.body));
await app.listen({ port: port(), host: HOST });
announce((app.server.address() as { port: number }).port);
