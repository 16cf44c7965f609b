/**
 * @module cli
 * The composition root: the only module that reads `process.argv`, installs signal handlers
 * or calls `process.exit`. It dispatches to the commands in `commands/`, each of which gets its
 * arguments, environment and an abort signal and returns an exit code.
 */
import type { Command, CommandIO } from "./commands/types.js";
import { watchStdioStreams, whenStdioFlushed, writeStdio } from "./stdio.js";
// Loaded by every command that guards itself (run, serve, dev) and by the loader anyway.
import { guardAfterCommand } from "./process-faults.js";
import { closestName } from "./edit-distance.js";

/**
 * Commands, loaded lazily so `podfn run` does not pay for the HTTP server's imports. Those that
 * wind down on SIGTERM/SIGINT themselves (`stops`: drain, abort a handler, release a Lease) get
 * the signal as their abort signal; the others end at the first one.
 */
const COMMANDS: Record<string, { summary: string; stops?: true; load: () => Promise<Command> }> = {
  serve: { summary: "Serve the functions over HTTP (and run in-process schedules, watches and admission webhooks).", stops: true, load: async () => (await import("./commands/serve.js")).serveCommand },
  dev: { summary: "Serve with readable logs, reload on change, and fire every schedule locally.", stops: true, load: async () => (await import("./commands/dev.js")).devCommand },
  run: { summary: "Run one function once and exit with its result (the CronJob entrypoint).", stops: true, load: async () => (await import("./commands/run.js")).runCommand },
  list: { summary: "List the functions: route, auth, schedules, watches, admission webhook, workload, permissions.", load: async () => (await import("./commands/list.js")).listCommand },
  manifests: { summary: "Write Kubernetes manifests (least-privilege RBAC, Deployment, CronJobs).", load: async () => (await import("./commands/manifests.js")).manifestsCommand },
  new: { summary: "Write a new function (http, schedule, watch or admission) and its tests.", load: async () => (await import("./commands/new.js")).newCommand },
  cluster: { summary: "Run the emulated Kubernetes API server on 127.0.0.1 (for kubectl and tests).", stops: true, load: async () => (await import("./commands/cluster.js")).clusterCommand },
};

/** Whether the command `name` winds down on a signal itself (else the process ends at the first). */
function stopsOnSignal(name: string | undefined): boolean {
  return name !== undefined && Object.hasOwn(COMMANDS, name) && COMMANDS[name]!.stops === true;
}

export function usage(): string {
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return ["Usage: podfn <command> [options]", "", "Commands:", ...rows, "", "Run `podfn <command> --help` (or `podfn help <command>`) for a command's options."].join("\n") + "\n";
}

/** podfn's version, from the package.json above this module (runtime/ in a checkout, dist/runtime/ in the image). */
async function packageVersion(): Promise<string> {
  const { readFile } = await import("node:fs/promises");
  for (const path of ["../package.json", "../../package.json"]) {
    try {
      const pkg = JSON.parse(await readFile(new URL(path, import.meta.url), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "podfn" && pkg.version) return pkg.version;
    } catch {
      // not there: try the next folder up
    }
  }
  return "unknown";
}

/** Run the CLI with explicit inputs; resolves to the exit code. */
export async function main(argv: string[], io: Omit<CommandIO, "argv">): Promise<number> {
  // `podfn help run` is `podfn run --help`.
  if (argv[0] === "help" && argv[1] !== undefined) argv = [argv[1], "--help"];
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    (name === undefined ? io.stderr : io.stdout)(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-v") {
    io.stdout(`${await packageVersion()}\n`);
    return 0;
  }
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) {
    const meant = closestName(name, Object.keys(COMMANDS));
    io.stderr(`podfn: unknown command "${name}"${meant ? `: did you mean "${meant}"?` : ""}\n\n${usage()}`);
    return 2;
  }
  const command = await entry.load();
  return command.run({ ...io, argv: rest });
}

const isEntryPoint = process.argv[1] !== undefined && /[\\/](cli\.(ts|js)|podfn(\.js)?)$/.test(process.argv[1]);
if (isEntryPoint) {
  const controller = new AbortController();
  let signals = 0;
  // `list`, `manifests` (and help, usage) have nothing to wind down: the first signal ends them.
  const windsDown = stopsOnSignal(process.argv[2]);
  const onSignal = (sig: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1 || !windsDown) process.exit(sig === "SIGINT" ? 130 : 143);
    controller.abort(sig);
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  watchStdioStreams();
  // What the command leaves running may still fault: logged censored, and the process fails.
  // Taking over from the command's own guard as it goes (or once it returns, if it had none).
  const late = guardAfterCommand(async () => (await import("./log.js")).createLogger({ destination: { write: (line: string) => writeStdio(2, line) } }));
  // No top-level await: the production build runs this module inside a CommonJS script.
  void main(process.argv.slice(2), {
    env: process.env,
    cwd: process.cwd(),
    stdout: (text) => writeStdio(1, text),
    stderr: (text) => writeStdio(2, text),
    signal: controller.signal,
  }).then((code) => {
    late.ended();
    // A fault of its leftover work already (as its guard went) fails the process all the same.
    process.exitCode = late.faulted() ? 1 : code;
    // Leave even if a library keeps a handle open, but not before output a slow reader has
    // not taken yet (a handler's console.log to a pipe) is written.
    setTimeout(() => whenStdioFlushed(() => process.exit(late.faulted() ? 1 : code)), 200).unref();
  });
}
