/**
 * @module bench/suites/cold-start
 * Spawn to first successful response: `podfn serve` with the examples (plus the trivial
 * `hello` route that is polled) and with 200 generated functions more, in production mode
 * (compiled) and source mode (bin/podfn.js through tsx), against bare servers answering the
 * same route. `podfn serve` connects to the run's emulated cluster as a pod does (ServiceAccount
 * folder), so the emulator's own start-up is not counted; one row starts it with a kubeconfig
 * instead (as on a laptop: the YAML parser is loaded and run).
 */
import { startServer, type ServerSpec } from "../lib/children.js";
import { check, ratio, type Row } from "../lib/result.js";
import { peerServer, type PeerName } from "../lib/servers.js";
import { interleave, median } from "../lib/stats.js";
import type { Suite } from "../lib/suite.js";
import { podfnServer } from "./podfn-spec.js";

const GROUP = "cold-start";

export const coldStartSuite: Suite = {
  name: GROUP,
  summary: "spawn to first 2xx: podfn serve (examples, +200 functions; compiled and tsx) vs bare servers",
  needsBuild: true,
  async run(ctx) {
    const { functions, generated } = ctx.ws;
    const podfn: [string, Awaited<ReturnType<typeof podfnServer>>][] = [
      ["podfn serve, examples", await podfnServer(ctx, "podfn serve, examples", { mode: "dist", functions: functions.examples.dist })],
      [`podfn serve, examples + ${generated}`, await podfnServer(ctx, "podfn serve, many", { mode: "dist", functions: functions.many.dist })],
      ["podfn serve, examples, with a kubeconfig", await podfnServer(ctx, "podfn serve, examples, kubeconfig", { mode: "dist", functions: functions.examples.dist, credentials: "kubeconfig" })],
      ["podfn serve (source, tsx), examples", await podfnServer(ctx, "podfn serve (source), examples", { mode: "src", functions: functions.examples.src })],
      [`podfn serve (source, tsx), examples + ${generated}`, await podfnServer(ctx, "podfn serve (source), many", { mode: "src", functions: functions.many.src })],
    ];
    const peers: [string, ServerSpec][] = (["hono", "node:http", "fastify", "express", "functions-framework"] as PeerName[]).map((name) => [name, peerServer(ctx.ws, name)]);
    const all: [string, ServerSpec | undefined, string | undefined][] = [...podfn.map(([name, p]): [string, ServerSpec | undefined, string | undefined] => [name, p.spec, p.note]), ...peers.map(([name, spec]): [string, ServerSpec, undefined] => [name, spec, undefined])];
    const samples = await interleave(
      GROUP,
      ctx.sizes.startRounds,
      all
        .filter(([, spec]) => spec)
        .map(([name, spec]) => ({
          name,
          async sample() {
            const server = await startServer(spec!);
            await server.stop();
            return server.readyMs;
          },
        })),
    );
    const ms = (name: string) => median(samples.get(name)?.samples ?? []);
    const hono = ms("hono");
    const rows: Row[] = all.map(([name, , note]) => {
      const entry = samples.get(name);
      const value = ms(name);
      const row: Row = { group: GROUP, name, value, unit: "ms", samples: entry?.samples ?? [], ...(entry?.error ? { note: entry.error } : note ? { note } : {}) };
      if (name !== "hono") row.ratios = { hono: ratio(value, hono) };
      if (name.endsWith("with a kubeconfig")) row.ratios = { ...row.ratios, "as in a pod": ratio(value, ms("podfn serve, examples")) };
      if (name === "podfn serve, examples") row.targets = [check(ratio(value, hono), "<=", 1.3, "≤1.3x bare hono")];
      if (name.startsWith("podfn serve (source")) row.ratios = { ...row.ratios, compiled: ratio(value, ms(name.replace(" (source, tsx)", ""))) };
      return row;
    });
    const added = ms(`podfn serve, examples + ${generated}`) - ms("podfn serve, examples");
    rows.splice(2, 0, { group: GROUP, name: `podfn serve: cost of ${generated} more functions`, value: added, unit: "ms", targets: [check(added, "<", 100, "<100 ms")] });
    return rows;
  },
};
