/**
 * @module bench/tools/cpuprofile-summary
 * Summarizes a `.cpuprofile` (from `node --cpu-prof`) by package: self time of every
 * node_modules package, of podfn's own modules, of Node internals and of the rest, so a
 * start-up profile reads as "zod 40 ms, undici 35 ms, ...".
 *
 * Usage: node --import tsx test/bench/tools/cpuprofile-summary.ts FILE.cpuprofile [TOP]
 */
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { url: string; functionName: string };
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The bucket a script URL counts toward. */
export function bucketOf(url: string): string {
  if (url === "") return "(native/gc/idle)";
  if (url.startsWith("node:")) return "node internals";
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (match) return match[1]!;
  const runtime = /\/(runtime|functions|bench)\/(.*)$/.exec(url);
  return runtime ? `podfn ${runtime[1]}/${runtime[2]!.split("/")[0]}` : url;
}

/** Milliseconds of self time per bucket, largest first. */
export function summarize(profile: Profile): [string, number][] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const bucket = bucketOf(byId.get(id)?.callFrame.url ?? "");
    totals.set(bucket, (totals.get(bucket) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...totals].sort((a, b) => b[1] - a[1]);
}

const file = process.argv[2];
if (file) {
  const rows = summarize(JSON.parse(readFileSync(file, "utf8")) as Profile);
  const total = rows.reduce((sum, [, ms]) => sum + ms, 0);
  for (const [bucket, ms] of rows.slice(0, Number(process.argv[3] ?? 25))) process.stdout.write(`${ms.toFixed(1).padStart(8)} ms  ${bucket}\n`);
  process.stdout.write(`${total.toFixed(1).padStart(8)} ms  total\n`);
}
