/**
 * @module bench/load
 * HTTP load from a second process: the autocannon CLI (`--json`) in a child, so the load
 * generator and the server under test each get their own core on a 2-core machine.
 */
import { createRequire } from "node:module";
import { childEnv, runToExit } from "./children.js";

const autocannonBin = createRequire(import.meta.url).resolve("autocannon/autocannon.js");

/** One load run. */
export interface LoadOptions {
  url: string;
  /** Default `GET`. */
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
  /** Concurrent connections. Default 50. */
  connections?: number;
  /** Seconds. */
  durationS: number;
}

/** What one load run measured. */
export interface LoadResult {
  /** Completed 2xx requests per second over the run. */
  rps: number;
  /** Completed 2xx requests. */
  completed: number;
  /** Latency percentiles in ms. */
  p50: number;
  p99: number;
  /** Answers other than 2xx, and socket errors/timeouts: a run with any is reported as failed. */
  non2xx: number;
  errors: number;
}

interface AutocannonJson {
  duration: number;
  requests: { total: number; average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  "2xx": number;
}

/**
 * Run autocannon against `options.url` and return its figures.
 * Throws when any answer was not 2xx or any request errored.
 *
 * @example
 * const { rps, p99 } = await runLoad({ url: server.url + "/hello", durationS: 5 });
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const args = [autocannonBin, "--json", "-c", String(options.connections ?? 50), "-d", String(options.durationS), "-m", options.method ?? "GET"];
  for (const [name, value] of Object.entries(options.headers ?? {})) args.push("-H", `${name}=${value}`);
  if (options.body !== undefined) args.push("-b", options.body);
  args.push(options.url);
  const { stdout } = await runToExit({ command: process.execPath, args, env: childEnv() }, (options.durationS + 30) * 1000);
  const json = JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as AutocannonJson;
  const result: LoadResult = {
    rps: json["2xx"] / json.duration,
    completed: json["2xx"],
    p50: json.latency.p50,
    p99: json.latency.p99,
    non2xx: json.non2xx,
    errors: json.errors + json.timeouts,
  };
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${options.method ?? "GET"} ${options.url}: ${result.non2xx} non-2xx answers, ${result.errors} errors out of ${json.requests.total}`);
  }
  return result;
}
