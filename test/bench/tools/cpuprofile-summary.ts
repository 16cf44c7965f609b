/**
 * @module bench/tools/cpuprofile-summary
 * Summarizes a `.cpuprofile` (from `node --cpu-prof`): self time by package (every
 * node_modules package, podfn's own folders, Node internals, V8's GC/program/idle), then by
 * function, so a profile reads as "pino 150 ms, (garbage collector) 300 ms, ...".
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

/** The bucket a frame counts toward: its package, podfn folder, Node internals, or the V8 pseudo-frame. */
export function bucketOf(frame: ProfileNode["callFrame"]): string {
  const url = frame.url;
  if (url === "") return frame.functionName.startsWith("(") ? frame.functionName : "(native)";
  if (url.startsWith("node:")) return "node internals";
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (match) return match[1]!;
  const runtime = /\/(runtime|functions|bench)\/(.*)$/.exec(url);
  return runtime ? `podfn ${runtime[1]}/${runtime[2]!.split("/")[0]}` : url;
}

/** Milliseconds of self time per key (`bucketOf`, or per function with `byFunction`), largest first. */
export function summarize(profile: Profile, byFunction = false): [string, number][] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)?.callFrame ?? { url: "", functionName: "" };
    const bucket = bucketOf(frame);
    const key = byFunction ? `${frame.functionName || "(anonymous)"}  [${bucket}${frame.url ? ` ${frame.url.split("/").pop()}` : ""}]` : bucket;
    totals.set(key, (totals.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...totals].sort((a, b) => b[1] - a[1]);
}

const file = process.argv[2];
if (file) {
  const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const top = Number(process.argv[3] ?? 25);
  const rows = summarize(profile);
  const total = rows.reduce((sum, [, ms]) => sum + ms, 0);
  process.stdout.write("Self time by package:\n");
  for (const [bucket, ms] of rows.slice(0, top)) process.stdout.write(`${ms.toFixed(1).padStart(8)} ms  ${bucket}\n`);
  process.stdout.write(`${total.toFixed(1).padStart(8)} ms  total\n\nSelf time by function:\n`);
  for (const [name, ms] of summarize(profile, true).slice(0, top)) process.stdout.write(`${ms.toFixed(1).padStart(8)} ms  ${name}\n`);
}
