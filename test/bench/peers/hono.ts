/**
 * @module bench/peers/hono
 * Bare hono on @hono/node-server (what podfn's HTTP runtime is built on): GET /hello.
 */
import { Hono } from "hono";
import { serve } from "@hono/node-server";
import { announce, HELLO, HOST, port } from "./listen.js";

const app = new Hono();
app.get("/hello", (c) => c.json(HELLO));
serve({ fetch: app.fetch, port: port(), hostname: HOST }, (info) => announce(info.port));
