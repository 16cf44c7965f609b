/**
 * `podfn list` shows each function's declared egress: an EGRESS column only where some function
 * declares any, and `egress` in `--json` always ([] when none).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { listOutput } from "./list-output.js";

const EGRESS = new URL("../deploy/fixtures/egress", import.meta.url).pathname;
const PLAIN = new URL("./fixtures/serve-scope", import.meta.url).pathname;

const list = listOutput;

test("podfn list shows each function's egress in its column where some function declares any", async () => {
  const lines = (await list(EGRESS)).trimEnd().split("\n");
  assert.match(lines[0]!, /^NAME +ROUTE +AUTH +SCHEDULES +WATCHES +EGRESS +PERMISSIONS$/);
  const egress = (name: string) => lines.find((l) => l.startsWith(`${name} `))!.split(/ {2,}/)[5];
  assert.deepEqual(["notify", "plain", "sweep"].map(egress), ["192.0.2.0/24 port 443", "-", "198.51.100.7/32"]);
  assert.match((await list(PLAIN)).split("\n")[0]!, /^NAME +ROUTE +AUTH +SCHEDULES +WATCHES +PERMISSIONS$/);
});

test("podfn list --json gives each function's egress as declared, [] when none", async () => {
  const fns = JSON.parse(await list(EGRESS, "--json")) as { name: string; egress: unknown }[];
  assert.deepEqual(Object.fromEntries(fns.map((f) => [f.name, f.egress])), { notify: [{ cidr: "192.0.2.0/24", ports: [443] }], plain: [], sweep: [{ cidr: "198.51.100.7/32" }] });
});
