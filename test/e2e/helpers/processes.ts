/**
 * @module test/e2e/helpers/processes
 * Runs `podfn` commands as child processes, as a user or a pod would: waits for a line of
 * their output with a bounded deadline, and stops them (SIGTERM, then SIGKILL) in `after`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const BIN = fileURLToPath(new URL("../../../bin/podfn.js", import.meta.url));

/** A running `podfn` command. */
export interface PodfnProcess {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves with the first match of `pattern` in the output; rejects after `timeoutMs` or when the process exits. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** SIGTERM, then SIGKILL after 5 s; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `node bin/podfn.js ...args` in the repository (or `cwd`) with exactly `env` (plus PATH). */
export function startPodfn(args: string[], env: Record<string, string>, options: { cwd?: string } = {}): PodfnProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", PODFN_FROM_SOURCE: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString("utf8");
    for (const listener of listeners) listener();
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  return {
    child,
    output: () => text,
    waitFor(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = text.match(pattern);
          if (match) finish(() => resolve(match));
        };
        const timer = setTimeout(() => finish(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms; output:\n${text}`))), timeoutMs);
        const onExit = () => finish(() => reject(new Error(`podfn ${args[0]} exited before ${pattern}; output:\n${text}`)));
        function finish(settle: () => void) {
          clearTimeout(timer);
          listeners.delete(check);
          child.off("exit", onExit);
          settle();
        }
        listeners.add(check);
        child.once("exit", onExit);
        check();
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill("SIGTERM");
      // Only for a process that does not stop: a loaded machine (CI, parallel groups) may take
      // seconds to drain and stop an emulated cluster, and a kill then fails a passing test.
      const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Runs a `podfn` command to completion; resolves with its exit code and output. */
export async function runPodfn(args: string[], env: Record<string, string>, options: { cwd?: string } = {}): Promise<{ code: number | null; output: string }> {
  const p = startPodfn(args, env, options);
  const code = await new Promise<number | null>((resolve) => p.child.once("close", (c) => resolve(c)));
  return { code, output: p.output() };
}
