/**
 * @module bench/suites/http-get
 * GET with 50 connections and a small JSON answer: a trivial function served by the full
 * podfn runtime (auth `none`, and bearer auth) against bare hono, raw node:http, fastify,
 * express and the Google Cloud Functions Framework, and the bearer route against hono with its
 * own `bearerAuth` middleware (the same check written in hono). Also the RSS of `podfn serve`
 * under load.
 */
import { BENCH_TOKEN } from "../lib/workspace.js";
import { cpuDetail, measureLoad, type LoadTarget } from "../lib/load-suite.js";
import { check, ratio, type Row } from "../lib/result.js";
import { peerServer } from "../lib/servers.js";
import type { Suite } from "../lib/suite.js";
import { podfnServer } from "./podfn-spec.js";

const GROUP = "http-get";

export const httpGetSuite: Suite = {
  name: GROUP,
  summary: "GET, 50 connections, small JSON: podfn (auth none, bearer) vs hono (and hono + bearerAuth), node:http, fastify, express, functions-framework",
  needsBuild: true,
  async run(ctx) {
    const podfn = await podfnServer(ctx, "podfn serve", { mode: "dist", functions: ctx.ws.functions.http });
    const targets: LoadTarget[] = [
      { name: "podfn (auth none)", server: podfn.spec, path: "/hello", note: podfn.note },
      { name: "podfn (bearer auth)", server: podfn.spec, path: "/hello-bearer", headers: { authorization: `Bearer ${BENCH_TOKEN}` }, note: podfn.note },
      { name: "hono", server: peerServer(ctx.ws, "hono"), path: "/hello" },
      { name: "hono + bearerAuth", server: peerServer(ctx.ws, "hono"), path: "/hello-bearer", headers: { authorization: `Bearer ${BENCH_TOKEN}` } },
      { name: "node:http", server: peerServer(ctx.ws, "node:http"), path: "/hello" },
      { name: "fastify", server: peerServer(ctx.ws, "fastify"), path: "/hello" },
      { name: "express", server: peerServer(ctx.ws, "express"), path: "/hello" },
      { name: "functions-framework", server: peerServer(ctx.ws, "functions-framework"), path: "/hello" },
    ];
    const figures = await measureLoad(GROUP, targets, ctx.sizes);
    const rps = (name: string) => figures.get(name)?.rps ?? Number.NaN;
    const cpuPerRequest = (name: string) => figures.get(name)?.cpuUsPerRequest ?? Number.NaN;
    const rows: Row[] = targets.map((t) => {
      const f = figures.get(t.name)!;
      const row: Row = { group: GROUP, name: t.name, value: f.rps, unit: "req/s", detail: Number.isFinite(f.p99) ? `p99 ${f.p99} ms${cpuDetail(f.cpuUsPerRequest)}` : "", samples: f.rpsSamples, ...(f.error ? { note: f.error } : {}) };
      if (t.name.startsWith("podfn")) {
        row.ratios = { hono: ratio(f.rps, rps("hono")), "node:http": ratio(f.rps, rps("node:http")), "functions-framework": ratio(f.rps, rps("functions-framework")), "hono by CPU/req": ratio(cpuPerRequest("hono"), f.cpuUsPerRequest) };
        if (t.headers) row.ratios["hono + bearerAuth"] = ratio(f.rps, rps("hono + bearerAuth"));
        row.targets = [check(ratio(f.rps, rps("hono")), ">=", 0.9, "≥0.9x bare hono"), check(ratio(f.rps, rps("functions-framework")), ">=", 8, "≥8x functions-framework")];
      } else if (t.name !== "node:http") {
        row.ratios = { "node:http": ratio(f.rps, rps("node:http")) };
      }
      return row;
    });
    const loaded = figures.get("podfn (auth none)")?.rssPeakMb ?? Number.NaN;
    rows.push({ group: GROUP, name: "podfn serve: peak RSS under GET load", value: loaded, unit: "MB", ratios: { hono: ratio(loaded, figures.get("hono")?.rssPeakMb ?? Number.NaN) } });
    return rows;
  },
};
