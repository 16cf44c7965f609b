/**
 * @module cron/input
 * Where `podfn run` takes its input from: `--input JSON`, else `--input-file FILE`, else the
 * schedule's `input` (when run as a schedule with `--schedule`), else `{}`. A bad value is a
 * `ConfigError` naming the flag or the file.
 */
// `fs.promises` is read where used: node:fs/promises (~0.9 ms) loads only in a process that needs it.
import { promises as fs } from "node:fs";
import { resolve } from "node:path";
import { ConfigError } from "../errors.js";

export interface InputSources {
  /** `--input`: JSON text. */
  input?: string;
  /** `--input-file`: path of a JSON file, relative to `cwd`. */
  inputFile?: string;
  /** The schedule's input, used when neither flag is given. */
  scheduleInput?: unknown;
}

/**
 * V8's reason without the excerpt of the text it quotes (`Unexpected token 'h', ..."n": hunter2"... is
 * not valid JSON`): the input may hold a credential, and the message goes to the log.
 */
function jsonProblem(error: unknown): string {
  return String((error as Error).message).replace(/, (\.\.\.)?".*"(\.\.\.)? is not valid JSON$/s, "");
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    // The cause is left out too: a logged error's cause would carry V8's message whole.
    throw new ConfigError(`${where}: not valid JSON: ${jsonProblem(error)}`);
  }
}

/**
 * The raw input of a run (not yet checked against the function's schema).
 *
 * @example
 * await resolveInput({ input: '{"olderThanHours": 1}' }, process.cwd()); // { olderThanHours: 1 }
 */
export async function resolveInput(sources: InputSources, cwd: string): Promise<unknown> {
  if (sources.input !== undefined) return parseJson(sources.input, "--input");
  if (sources.inputFile !== undefined) {
    let text: string;
    try {
      text = await fs.readFile(resolve(cwd, sources.inputFile), "utf8");
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new ConfigError(`--input-file ${sources.inputFile}: cannot read the file (${reason})`, { cause: error });
    }
    return parseJson(text, `--input-file ${sources.inputFile}`);
  }
  return sources.scheduleInput ?? {};
}
