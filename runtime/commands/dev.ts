/**
 * @module commands/dev
 * `podfn dev`: `serve` for a developer's machine. Readable log lines instead of JSON, every
 * schedule (CronJob ones too) fired on its timetable with one line per run, every watch run, and a reload when a
 * file under the functions folder changes: fresh copies of the modules (helpers they import
 * included, see `fresh-imports.ts`) are loaded first, and only if they are valid does the server
 * drain and restart with them (the cluster connection stays; on the embedded emulated cluster
 * the admission webhook server is replaced only once the new one is registered,
 * admission/handover). A reload that fails (a load
 * problem, or the new version's permissions or local secrets that cannot be set up) is logged
 * and the running version kept until the next change.
 */
import { existsSync, realpathSync } from "node:fs";
import { resolve } from "node:path";
import { loadFunctions, LoadError } from "../loader.js";
import { createLogger, type Logger } from "../log.js";
import type { Config } from "../config.js";
import type { CommandIO } from "./types.js";
import type { ClusterConnection } from "../cluster-connection.js";
import { defineCommand } from "./define.js";
import { isUserError } from "./report.js";
import { prepareLocalSecrets, serveFunctions, setUpServe } from "./serve.js";
import { freshImports } from "./fresh-imports.js";
import { FolderChanges } from "./dev-changes.js";
import { guardProcess } from "../process-faults.js";
import { finalizerWarnings } from "../watch/definition.js";
import { AdmissionHandover } from "../admission/handover.js";

const HELP = `Usage: podfn dev [options]

Like \`podfn serve\`, for local work: readable logs, every schedule fired locally on its
timetable, every watch run (no leader election), and a reload whenever a file under the
functions folder changes. With no cluster configured it runs against the embedded emulated
cluster.
`;

/** Calls in flight get this long to finish when the server restarts, in ms (at most --drain-timeout-ms). */
const RELOAD_DRAIN_MS = 2000;
/** The reason a round of serving stops for a reload. */
const RELOAD = "reload";

async function run(base: Config, io: CommandIO): Promise<number> {
  // A reload swaps servers at once: no shutdown delay, and calls in flight get at most
  // RELOAD_DRAIN_MS; a stop signal drains for --drain-timeout-ms, as serve does.
  const config = { ...base, shutdownDelayMs: 0 };
  const drainTimeoutFor = (reason: unknown) => (reason === RELOAD ? Math.min(base.drainTimeoutMs, RELOAD_DRAIN_MS) : base.drainTimeoutMs);
  const logger = createLogger({ level: config.logLevel, pretty: true });
  let connection: ClusterConnection | undefined;
  let changes: FolderChanges | undefined;
  // A reload keeps the old webhook server until the new one is registered.
  const handover = new AdmissionHandover((reason) => reason === RELOAD);
  // A function's stray rejection or throw is logged; the next edit reloads it.
  const unguard = guardProcess(logger);
  try {
    const setup = await setUpServe(config, logger, io.cwd, "all");
    connection = setup.connection;
    const warnFinalizers = (functions: typeof setup.functions) => {
      if (!setup.connection.emulated) for (const warning of finalizerWarnings(functions)) logger.warn(warning);
    };
    warnFinalizers(setup.functions);
    const dir = resolve(io.cwd, config.functions);
    // Node resolves imports to real paths: a symlinked folder's helpers are versioned by theirs.
    const fresh = freshImports(realpathSync(dir));
    changes = new FolderChanges(dir, logger);
    // The changes the running version has taken in.
    let loaded = changes.count;
    while (!io.signal.aborted) {
      const round = new AbortController();
      const stop = () => round.abort(io.signal.reason);
      io.signal.addEventListener("abort", stop, { once: true });
      // Keep the first port for later rounds, also when it was chosen with --port 0.
      const onListening = (url: string) => (setup.config = { ...setup.config, port: Number(new URL(url).port) });
      const serving = serveFunctions(setup, round.signal, { allSchedules: true, onListening, drainTimeoutFor, handover });
      serving.catch(() => round.abort("server failed"));
      logger.info({ dir }, "watching for changes");
      // Wait for a change that loads cleanly; a broken edit keeps the running version.
      for (;;) {
        await Promise.race([changes.after(loaded, round.signal), serving.catch(() => undefined)]);
        if (round.signal.aborted) break;
        // Changes from here on (a save while this loads or the server restarts) reload again.
        loaded = changes.count;
        let granted = false;
        try {
          const next = await loadFunctions(config.functions, { cwd: io.cwd, fresh: String(fresh.next()) });
          granted = connection.grant !== undefined;
          await connection.grant?.(next);
          const created = await prepareLocalSecrets({ ...setup, functions: next });
          // As at start: a new (or misspelt) secret name gets a random value its callers must read from here.
          if (created?.length) {
            logger.info({ secretsDir: setup.secretsDir, created }, `created a local caller-auth secret for local runs: ${created.join(", ")} (a file each in ${setup.secretsDir})`);
          }
          setup.functions = next;
          logger.info({ functions: setup.functions.map((f) => f.name) }, "change detected: reloading");
          warnFinalizers(setup.functions);
          round.abort(RELOAD);
          break;
        } catch (error) {
          if (error instanceof LoadError) {
            // One line per problem: the pretty log writes a message's line breaks escaped.
            for (const problem of error.problems) logger.error(`cannot load functions: ${problem}`);
            // Gone when loaded, whether or not it is back already (made again before this line ran,
            // its new inode is one the old watcher never sees): watch it afresh once it is there.
            if (error.folderMissing || !existsSync(dir)) changes.watchWhenBack();
          } else {
            // Anything else (the new version's permissions or local secrets could not be set up,
            // or a fault of the loader's own) fails the reload, not the server.
            logger.error({ err: error }, `cannot reload: ${error instanceof Error ? error.message : String(error)}`);
            // The running version keeps its own permissions.
            if (granted) await connection.grant!(setup.functions).catch((e: unknown) => logger.error({ err: e }, "cannot grant the running version's permissions again"));
          }
          logger.error("(keeping the previous version until the next change)");
        }
      }
      await serving;
      io.signal.removeEventListener("abort", stop);
    }
    return 0;
  } catch (error) {
    // A mistake in the configuration is said once, plainly (on stderr too): no stack trace.
    if (error instanceof LoadError) for (const problem of error.problems) logger.error({ code: error.code }, `podfn dev failed: cannot load functions: ${problem}`);
    else if (isUserError(error)) logger.error({ code: (error as { code?: unknown }).code }, `podfn dev failed: ${(error as Error).message}`);
    else logger.error({ err: error }, "podfn dev failed");
    throw error;
  } finally {
    changes?.close();
    await handover.release();
    await connection?.close();
    unguard();
  }
}

export const devCommand = defineCommand({
  name: "dev",
  summary: "Serve with reload on change.",
  help: HELP,
  run: (config, _positionals, io) => run(config, io),
});
