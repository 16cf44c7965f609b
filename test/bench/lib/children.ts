/**
 * @module bench/children
 * Child processes of a benchmark run: spawning them (tracked, so every one is killed when the
 * run ends or is interrupted), free ports, polling an HTTP endpoint until it answers, timing a
 * process from spawn to exit, and collecting a child's JSON report.
 */
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { createServer, request } from "node:http";
import { once } from "node:events";

const live = new Set<ChildProcess>();

/** Kill every child still running (SIGKILL: a benchmark child holds nothing worth draining). */
export function killAll(): void {
  for (const child of live) child.kill("SIGKILL");
  live.clear();
}

/** Install the exit and signal handlers that kill the children; call once. */
export function installCleanup(onInterrupt: () => void): void {
  process.on("exit", killAll);
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.on(sig, function interrupted() {
      process.stderr.write(`\n${sig}: stopping the benchmark children\n`);
      killAll();
      onInterrupt();
      process.exit(sig === "SIGINT" ? 130 : 143);
    });
  }
}

/** What to start: a command line and its environment. */
export interface ProcessSpec {
  command: string;
  args: string[];
  /** The child's whole environment (the parent's is NOT inherited, so KUBECONFIG etc. stay out). */
  env?: Record<string, string>;
  cwd?: string;
}

/** The environment children get: PATH and HOME only, plus `extra`. */
export function childEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", ...extra };
}

/** Spawn a tracked child; stderr is kept (last 8 KB) for error messages and `waitForStderr`. */
export function spawnTracked(spec: ProcessSpec, options: SpawnOptions = {}): ChildProcess & { stderrTail: () => string } {
  const child = spawn(spec.command, spec.args, { cwd: spec.cwd, env: spec.env ?? childEnv(), stdio: ["ignore", "pipe", "pipe"], ...options });
  live.add(child);
  child.once("exit", () => live.delete(child));
  let tail = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    tail = (tail + chunk).slice(-8192);
  });
  return Object.assign(child, { stderrTail: () => tail });
}

/** The telling part of a failed child's stderr: its first error line, else its last line. */
export function errorSummary(stderr: string): string {
  const lines = stderr.trim().split("\n").map((l) => l.trim()).filter(Boolean);
  const line = lines.find((l) => /\b\w*Error\b|error:|^podfn/.test(l)) ?? lines.at(-1) ?? "";
  return line.slice(0, 300);
}

/** Resolves once `text` appears in the child's stderr (bounded by `timeoutMs`). */
export async function waitForStderr(child: ChildProcess & { stderrTail: () => string }, text: string, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!child.stderrTail().includes(text)) {
    if (performance.now() > deadline) throw new Error(`no "${text}" on stderr after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A free TCP port on 127.0.0.1 (bound then released; the child binds it right after). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, "close");
  return port;
}

/** One GET; resolves to the status code, rejects on connection errors. */
export function getStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, agent: false }, (res) => {
      res.resume();
      res.once("end", () => resolve(res.statusCode ?? 0));
    });
    req.once("error", reject);
    req.end();
  });
}

/**
 * Poll `url` until it answers 2xx; resolves to `performance.now()` at that answer.
 * Rejects when `child` exits first or `timeoutMs` passes, with the child's stderr.
 */
export async function waitForHttp(url: string, child: ChildProcess & { stderrTail: () => string }, options: { headers?: Record<string, string>; timeoutMs?: number; intervalMs?: number } = {}): Promise<number> {
  const deadline = performance.now() + (options.timeoutMs ?? 30_000);
  let last = "no answer";
  while (performance.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`exited (${child.exitCode ?? child.signalCode}) before answering: ${errorSummary(child.stderrTail())}`);
    }
    try {
      const status = await getStatus(url, options.headers);
      if (status >= 200 && status < 300) return performance.now();
      last = `HTTP ${status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 5));
  }
  throw new Error(`${url} not ready after ${options.timeoutMs ?? 30_000} ms (${last}): ${errorSummary(child.stderrTail())}`);
}

/** A server child that answers on `url`. */
export interface RunningServer {
  url: string;
  pid: number;
  child: ChildProcess & { stderrTail: () => string };
  /** Milliseconds from spawn to the first 2xx answer of the readiness path. */
  readyMs: number;
  stop(): Promise<void>;
}

/** How to start one server: `build(port)` gives its command line; `readyPath` must answer 2xx once it serves. */
export interface ServerSpec {
  name: string;
  build: (port: number) => ProcessSpec;
  readyPath: string;
  readyHeaders?: Record<string, string>;
}

/**
 * Start a server child on a free port and wait until `readyPath` answers 2xx.
 *
 * @example
 * const server = await startServer(peers.hono);
 * await server.stop();
 */
export async function startServer(spec: ServerSpec, timeoutMs = 60_000): Promise<RunningServer> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const t0 = performance.now();
  // stdout (the servers' logs) goes to /dev/null: real writes, no reader competing for a core.
  const child = spawnTracked(spec.build(port), { stdio: ["ignore", "ignore", "pipe"] });
  try {
    const ready = await waitForHttp(base + spec.readyPath, child, { headers: spec.readyHeaders, timeoutMs });
    return { url: base, pid: child.pid!, child, readyMs: ready - t0, stop: () => stopChild(child) };
  } catch (error) {
    await stopChild(child);
    throw new Error(`${spec.name}: ${(error as Error).message}`);
  }
}

/** SIGTERM, then SIGKILL after 3 s; resolves when the child is gone. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
  await exited;
  clearTimeout(timer);
}

/** Run a process to its end; resolves to the wall time and its output. Rejects on a non-zero exit. */
export async function runToExit(spec: ProcessSpec, timeoutMs = 120_000): Promise<{ ms: number; stdout: string; stderr: string }> {
  const t0 = performance.now();
  const child = spawnTracked(spec);
  let stdout = "";
  child.stdout?.setEncoding("utf8");
  child.stdout?.on("data", (chunk: string) => (stdout += chunk));
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const [code, signal] = (await once(child, "exit")) as [number | null, string | null];
  const ms = performance.now() - t0;
  clearTimeout(timer);
  if (code !== 0) throw new Error(`exited ${code ?? signal}: ${errorSummary(child.stderrTail())}`);
  return { ms, stdout, stderr: child.stderrTail() };
}

/** Run a worker child that prints one JSON line as its last stdout line; resolves to it. */
export async function runJson<T>(spec: ProcessSpec, timeoutMs = 300_000): Promise<T> {
  const { stdout } = await runToExit(spec, timeoutMs);
  const last = stdout.trim().split("\n").pop() ?? "";
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(`worker printed no JSON: ${stdout.slice(-300)}`);
  }
}
