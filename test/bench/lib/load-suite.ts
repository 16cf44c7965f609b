/**
 * @module bench/load-suite
 * The shared shape of the HTTP throughput suites: start every server (each its own child),
 * warm each up, then interleave load samples (autocannon in another child) and keep the
 * median req/s, median p99, the median server CPU per request and the peak RSS of each server
 * under load.
 */
import { startServer, type RunningServer, type ServerSpec } from "./children.js";
import { runLoad, type LoadOptions, type LoadResult } from "./load.js";
import { progress } from "./progress.js";
import { cpuMs } from "./cpu.js";
import { sampleRss } from "./rss.js";
import { interleave, median } from "./stats.js";
import type { RunSizes } from "./suite.js";

/** One competitor: a server and the request it is loaded with. Several targets may share a server spec. */
export interface LoadTarget {
  name: string;
  /** Undefined when the server cannot be built (reported as missing with `note`). */
  server: ServerSpec | undefined;
  path: string;
  method?: LoadOptions["method"];
  headers?: Record<string, string>;
  body?: string;
  note?: string;
}

/** Medians of one target. */
export interface LoadFigures {
  rps: number;
  p99: number;
  rpsSamples: number[];
  /** Median CPU microseconds the server spent per completed request (NaN where /proc is missing). */
  cpuUsPerRequest: number;
  /** Peak RSS of the server during this target's samples, MB. */
  rssPeakMb: number;
  error?: string;
}

/**
 * Measure every target; a target whose server fails to start gets an `error`.
 *
 * @example
 * const figures = await measureLoad("http-get", targets, ctx.sizes);
 */
export async function measureLoad(label: string, targets: readonly LoadTarget[], sizes: RunSizes): Promise<Map<string, LoadFigures>> {
  const servers = new Map<ServerSpec, RunningServer | Error>();
  const out = new Map<string, LoadFigures>();
  try {
    for (const target of targets) {
      if (!target.server || servers.has(target.server)) continue;
      progress(`${label}: starting ${target.server.name}`);
      servers.set(target.server, await startServer(target.server).catch((error: Error) => error));
    }
    const runnable = targets.filter((t) => t.server && !(servers.get(t.server) instanceof Error));
    const options = (t: LoadTarget, durationS: number): LoadOptions => ({
      url: (servers.get(t.server!) as RunningServer).url + t.path,
      durationS,
      ...(t.method ? { method: t.method } : {}),
      ...(t.headers ? { headers: t.headers } : {}),
      ...(t.body !== undefined ? { body: t.body } : {}),
    });
    const peaks = new Map<string, number>();
    const cpu = new Map<string, number[]>();
    const warmErrors = new Map<string, string>();
    for (const t of runnable) {
      progress(`${label}: warming up ${t.name} (${sizes.warmupS} s)`);
      await runLoad(options(t, sizes.warmupS)).catch((error: Error) => warmErrors.set(t.name, error.message));
    }
    const samples = await interleave<LoadResult>(
      label,
      sizes.rounds,
      runnable
        .filter((t) => !warmErrors.has(t.name))
        .map((t) => ({
          name: t.name,
          async sample() {
            const pid = (servers.get(t.server!) as RunningServer).pid;
            const sampler = sampleRss(pid);
            try {
              const before = cpuMs(pid);
              const result = await runLoad(options(t, sizes.loadS));
              cpu.set(t.name, [...(cpu.get(t.name) ?? []), ((cpuMs(pid) - before) * 1000) / result.completed]);
              return result;
            } finally {
              const peak = sampler.stop();
              peaks.set(t.name, Math.max(peaks.get(t.name) ?? 0, peak));
            }
          },
        })),
    );
    for (const t of targets) {
      const started = t.server ? servers.get(t.server) : undefined;
      const entry = samples.get(t.name);
      const error = !t.server ? (t.note ?? "not available") : started instanceof Error ? started.message : (warmErrors.get(t.name) ?? entry?.error);
      const list = entry?.samples ?? [];
      out.set(t.name, {
        rps: median(list.map((s) => s.rps)),
        p99: median(list.map((s) => s.p99)),
        rpsSamples: list.map((s) => s.rps),
        cpuUsPerRequest: median(cpu.get(t.name) ?? []),
        rssPeakMb: peaks.get(t.name) ?? Number.NaN,
        ...(error !== undefined && list.length === 0 ? { error } : {}),
      });
    }
  } finally {
    for (const server of servers.values()) if (!(server instanceof Error)) await server.stop();
  }
  return out;
}

/** `, 12.3 µs CPU/req` for a row's detail, or nothing when the figure is missing. */
export function cpuDetail(us: number): string {
  return Number.isFinite(us) ? `, ${us.toFixed(1)} µs CPU/req` : "";
}
