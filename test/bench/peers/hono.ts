/**
 * @module bench/peers/hono
 * Bare hono on @hono/node-server (what podfn's HTTP runtime is built on): GET /hello, and
 * GET /hello-bearer behind hono's own `bearerAuth` middleware (the token from
 * `PODFN_BENCH_TOKEN`): what the same check costs a hand-written hono app.
 */
import { Hono } from "hono";
import { bearerAuth } from "hono/bearer-auth";
import { serve } from "@hono/node-server";
import { announce, HELLO, HOST, port } from "./listen.js";

const app = new Hono();
app.get("/hello", (c) => c.json(HELLO));
app.get("/hello-bearer", bearerAuth({ token: process.env.PODFN_BENCH_TOKEN ?? "" }), (c) => c.json(HELLO));
serve({ fetch: app.fetch, port: port(), hostname: HOST }, (info) => announce(info.port));
