/**
 * @module bench/suites/http-post
 * POST of a ~1 KB JSON body, validated: podfn (the function's zod schema) against fastify
 * (JSON schema, ajv) and raw node:http + JSON.parse + the same zod schema. podfn runs at
 * `--log-level info` (an access line per request, as in production) for the target; a second
 * row runs it at `warn` (no access lines: what the fastify peer, `logger: false`, writes) to show
 * what the access line costs.
 */
import { payload } from "../lib/payload.js";
import { cpuDetail, measureLoad, type LoadTarget } from "../lib/load-suite.js";
import { check, ratio, type Row } from "../lib/result.js";
import { peerServer } from "../lib/servers.js";
import type { Suite } from "../lib/suite.js";
import { podfnServer } from "./podfn-spec.js";

const GROUP = "http-post";

export const httpPostSuite: Suite = {
  name: GROUP,
  summary: "POST 1 KB JSON validated: podfn (zod) vs fastify (JSON schema) vs node:http + JSON.parse + zod",
  needsBuild: true,
  async run(ctx) {
    const podfn = await podfnServer(ctx, "podfn serve", { mode: "dist", functions: ctx.ws.functions.http });
    const quiet = await podfnServer(ctx, "podfn serve --log-level warn", { mode: "dist", functions: ctx.ws.functions.http, logLevel: "warn" });
    const body = JSON.stringify(payload);
    const post = { path: "/echo", method: "POST" as const, headers: { "content-type": "application/json" }, body };
    const targets: LoadTarget[] = [
      { name: "podfn (zod)", server: podfn.spec, note: podfn.note, ...post },
      { name: "podfn (zod), no access lines (--log-level warn)", server: quiet.spec, note: quiet.note, ...post },
      { name: "fastify (JSON schema)", server: peerServer(ctx.ws, "fastify"), ...post },
      { name: "node:http + JSON.parse + zod", server: peerServer(ctx.ws, "node:http"), ...post },
    ];
    const figures = await measureLoad(GROUP, targets, ctx.sizes);
    const rps = (name: string) => figures.get(name)?.rps ?? Number.NaN;
    const cpuPerRequest = (name: string) => figures.get(name)?.cpuUsPerRequest ?? Number.NaN;
    return targets.map((t) => {
      const f = figures.get(t.name)!;
      const row: Row = { group: GROUP, name: t.name, value: f.rps, unit: "req/s", detail: Number.isFinite(f.p99) ? `p99 ${f.p99} ms, body ${body.length} B${cpuDetail(f.cpuUsPerRequest)}` : "", samples: f.rpsSamples, ...(f.error ? { note: f.error } : {}) };
      if (t.name.startsWith("podfn")) {
        row.ratios = { fastify: ratio(f.rps, rps("fastify (JSON schema)")), "node:http+zod": ratio(f.rps, rps("node:http + JSON.parse + zod")), "fastify by CPU/req": ratio(cpuPerRequest("fastify (JSON schema)"), f.cpuUsPerRequest) };
        // The target is on the production setting (info: an access line per request).
        if (t.name === "podfn (zod)") row.targets = [check(ratio(f.rps, rps("fastify (JSON schema)")), ">=", 1, "≥1x fastify with JSON schema")];
      }
      return row;
    });
  },
};
