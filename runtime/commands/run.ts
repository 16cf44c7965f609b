/**
 * @module commands/run
 * `podfn run NAME [--input JSON | --input-file FILE] [--schedule S] [--dry-run]`: run one
 * function once and exit with a code a CronJob can read (see `cron/exit-codes.ts`). The
 * result goes to stdout as one JSON line, alone; logs go to stderr as JSON, and so does what the
 * handler prints (`console.log`), censored. Only the named function's
 * module is imported (the loader's `only`), with any other that writes its name (a second
 * definition is refused), so a CronJob pod does not load its neighbours.
 */
import type { Logger } from "pino";
import type { Config } from "../config.js";
import { connectionSecretsFolder, readFunctionSecretsFrom } from "../function-secrets.js";
import type { LoadedFunction } from "../function.js";
import type { ClusterConnection } from "../cluster-connection.js";
import { loadFunctions } from "../loader.js";
import { createLogger } from "../log.js";
import { EXIT_CODES, exitCodeFor, outcomeOf } from "../cron/exit-codes.js";
import { resolveInput } from "../cron/input.js";
import { notStarted, runOnce, type RunOnceResult } from "../cron/run-once.js";
import { runId } from "../cron/run-id.js";
import { scheduleOf } from "../cron/schedule-entry.js";
import { ConfigError } from "../errors.js";
import { parseInput } from "../invoke.js";
import type { Command, CommandIO } from "./types.js";
import { defineCommand } from "./define.js";
import { isUserError } from "./report.js";
import { handlersCallKubeApi } from "../requirements.js";
import { guardProcess } from "../process-faults.js";
import { censorAnswer } from "../secret-values.js";
import { SHUTDOWN_HOOKS_BUDGET_MS, runShutdownHooks } from "../lifecycle.js";
import { untilAborted } from "../signals.js";
import { writeTerminationMessage } from "../termination-message.js";

/** What the input check gives when a stop signal ended it. */
const STOPPED = Symbol("stopped");

const HELP = `Usage: podfn run NAME [--input JSON | --input-file FILE] [--schedule S] [--dry-run]

Runs the function NAME once, prints its result as one JSON line on stdout (logs, and what the
handler prints with console.log, go to stderr) and exits with:
  0    success
  1    the handler failed (threw, replied >= 400, broke its output schema, or left a rejection
       or exception nothing handled); a 401 it let through is said as the API server refusing
       the credentials (an expired or revoked token): fix those, not the handler
  2    bad input or configuration (the message names the field, flag or file)
  3    the API server denied a request (the message names the missing permission)
  4    the handler ran past its timeoutMs (its signal is aborted; it gets --drain-timeout-ms to
       clean up)
  5    the API server could not answer (unreachable, or 429/503/504 after retries), or refused
       an eviction for now (a PodDisruptionBudget allows no disruption): try again later (the
       generated CronJobs' Jobs retry this code, and only this one, twice)
  130  SIGINT, 143 SIGTERM (the handler's signal is aborted; it gets --drain-timeout-ms to clean up;
       during an asynchronous check of the input, the run ends at once without starting it)
`;

/** How `run` reaches a cluster: `connectCluster`'s signature (`functions` are the ones about to run). */
export type ConnectCluster = (config: Config, logger: Logger, functions: LoadedFunction[]) => Promise<ClusterConnection>;

export interface RunCommandDeps {
  /** How to reach the cluster. Default: `connectCluster` from `cluster-connection.ts`. */
  connect?: ConnectCluster;
}

/** `connectCluster`, imported when first needed (tests inject their own and never load the client). */
const connectCluster: ConnectCluster = async (config, logger, functions) =>
  // A run calls the API only from its handler (the manifests mount a token for exactly that).
  (await import("../cluster-connection.js")).connectCluster(config, logger, functions, process.cwd(), { needsApi: handlersCallKubeApi(functions), oneRun: true });

/** A thrown value's `code`, if it has one that can be read. */
function codeOf(error: unknown): unknown {
  try {
    return (error as { code?: unknown } | undefined)?.code;
  } catch {
    return undefined;
  }
}

/** How a run ended, beside its exit code: the success line's fields, or the failure's one-line message. */
interface RunEnding {
  fields?: Record<string, unknown>;
  failure?: string;
}

/** Runs the command once the config is known; every failure becomes an exit code. */
async function execute(io: CommandIO, config: Config, name: string, connect: ConnectCluster, logger: Logger, fault: AbortSignal, ended: RunEnding): Promise<number> {
  let connection: ClusterConnection | undefined;
  let fn: LoadedFunction | undefined;
  try {
    [fn] = (await loadFunctions(config.functions, { only: name, cwd: io.cwd })) as [LoadedFunction];
    // An admission handler answers AdmissionReviews: a run would hand it none.
    if (fn.admission) throw new ConfigError(`${fn.name} is an admission webhook: the API server calls it with an AdmissionReview, which podfn run has none of; test it with the harness's review() (podfn/testing), or post a review to podfn serve's webhook port`);
    const schedule = scheduleOf(fn, config.schedule);
    if (fn.watches.length > 0 && !fn.http && fn.schedules.length === 0) {
      logger.warn({ fn: fn.name }, `${fn.name} is called by its watches only: podfn run calls its handler once with trigger {type: "run"}, no object (its watches run under podfn serve)`);
    }
    const input = await resolveInput({ input: config.input, inputFile: config.inputFile, scheduleInput: schedule.input }, io.cwd);
    // Input the schema refuses is refused before any cluster is reached (or an emulated one
    // started); the run takes the parsed input (its transforms and refinements run once).
    const parseStarted = Date.now();
    // A stop signal ends an asynchronous check (an async refine) as it ends the handler: the
    // run exits without waiting for it, neither connecting nor starting the handler.
    const parsed = await untilAborted(parseInput(fn, input, schedule.trigger), io.signal).catch((error: unknown) => {
      if (io.signal.aborted) return STOPPED;
      throw error;
    });
    // An asynchronous check's time counts in timeoutMs; connecting to the cluster's does not.
    const spentMs = Date.now() - parseStarted;
    const requestId = runId();
    let result: RunOnceResult;
    if (parsed === STOPPED) {
      result = notStarted(fn, io.signal);
    } else {
      connection = await connect(config, logger, [fn]);
      if (fn.secrets.length > 0) readFunctionSecretsFrom(connectionSecretsFolder(config, connection, io.cwd));
      result = await runOnce({
        requestId,
        fn,
        input: parsed,
        inputParsed: true,
        spentMs,
        trigger: schedule.trigger,
        dryRun: config.dryRun,
        kube: connection.kube,
        logger,
        signal: io.signal,
        drainTimeoutMs: config.drainTimeoutMs,
        fault,
      });
    }
    // The run's id, as the handler's own lines carry it: one query finds a run's every line.
    // `outcome` as in-process runs and watch calls name it: `kube unavailable` (exit 5) is not a failed handler.
    const outcome = outcomeOf(result, result.code === EXIT_CODES.sigint || result.code === EXIT_CODES.sigterm);
    const fields = { fn: fn.name, requestId, trigger: schedule.trigger, dryRun: config.dryRun, exitCode: result.code, outcome, durationMs: result.durationMs, ...(result.handler ? { handler: result.handler } : {}) };
    if (result.output !== undefined) {
      // A secret the handler read and put in its result is censored (nothing done until one is read).
      io.stdout(`${censorAnswer(result.output)}\n`);
      // Said once nothing the run left behind failed (see the command's last check).
      ended.fields = fields;
    } else {
      ended.failure = result.message;
      const code = codeOf(result.error);
      // `err` (stack and cause): a CronJob's log is the only record a failed run leaves.
      // An exception nothing handled was logged whole by the process guard as it happened.
      const loggedByGuard = fault.aborted && result.error === fault.reason;
      logger.error({ ...fields, ...(typeof code === "string" ? { code } : {}), ...(result.error !== undefined && !isUserError(result.error) && !loggedByGuard ? { err: result.error } : {}) }, result.message);
    }
    return result.code;
  } catch (error) {
    const decision = exitCodeFor({ error });
    const code = codeOf(error);
    logger.error({ fn: name, exitCode: decision.code, outcome: outcomeOf(decision, false), ...(typeof code === "string" ? { code } : {}), ...(isUserError(error) ? {} : { err: error }) }, decision.message);
    ended.failure = decision.message;
    return decision.code;
  } finally {
    const onShutdown = fn?.definition.onShutdown;
    // At most 5 s, and no longer than a stopped run's clean-up may take (--drain-timeout-ms).
    if (onShutdown) await runShutdownHooks([onShutdown], logger.child({ fn: name }), Math.min(config.drainTimeoutMs, SHUTDOWN_HOOKS_BUDGET_MS));
    await connection?.close();
  }
}

/**
 * The `run` command with its dependencies injectable (tests pass a fake `connect`).
 *
 * @example
 * const code = await createRunCommand({ connect: async () => ({ kube, emulated: true, close: async () => {} }) })
 *   .run({ argv: ["hello", "--input", "{}"], env: {}, cwd, stdout, stderr, signal });
 */
export function createRunCommand(deps: RunCommandDeps = {}): Command {
  const connect = deps.connect ?? connectCluster;
  return defineCommand({
    name: "run",
    summary: "Run one function once and exit with its result (the CronJob entrypoint).",
    help: HELP,
    takesArguments: true,
    async run(config, positionals, io) {
      const [name, ...extra] = positionals;
      // An empty name (`podfn run "$FN"` with FN unset) names no function.
      if (name === undefined || name === "" || extra.length > 0) {
        io.stderr(`podfn run: give exactly one function name: podfn run NAME (got ${positionals.length})\n`);
        return EXIT_CODES.invalid;
      }
      // A handler's console.log and stdout writes are log output too: stdout holds the result alone.
      const logger = createLogger({ level: config.logLevel, destination: { write: (line: string) => io.stderr(line) }, takeStdio: true });
      // A rejection nothing handled, or an exception outside the handler's await: logged through
      // the censoring logger (Node's own printer writes an error whole, its request's headers
      // included), and the run fails if it did not already; an exception ends it at once.
      let faulted = false;
      const fault = new AbortController();
      const unguard = guardProcess(
        logger,
        function endRun(error) {
          fault.abort(error);
        },
        function faultedRun() {
          faulted = true;
        },
        // Logged here, with its stack, wherever it happens; the run's failure line then only names it.
        { fatalMessage: "uncaught exception outside the handler's awaited work: the run ends, failed" },
      );
      try {
        const ended: RunEnding = {};
        const code = await execute(io, config, name, connect, logger, fault.signal, ended);
        // A rejection is reported once the microtasks run dry: let those of this run be, while guarded.
        await new Promise((resolve) => setImmediate(resolve));
        if (code !== EXIT_CODES.ok) {
          writeTerminationMessage(config.terminationLog, `${name}: ${ended.failure ?? "failed"} (exit ${code})`);
          return code;
        }
        if (!faulted) {
          logger.info(ended.fields, "run succeeded");
          return code;
        }
        const message = "the run failed: its work left a rejection or an exception nothing handled";
        logger.error({ fn: name, exitCode: EXIT_CODES.handlerFailed, outcome: "failed" }, message);
        writeTerminationMessage(config.terminationLog, `${name}: ${message} (exit ${EXIT_CODES.handlerFailed})`);
        return EXIT_CODES.handlerFailed;
      } finally {
        unguard();
      }
    },
  });
}

/** `podfn run`. */
export const runCommand: Command = createRunCommand();
