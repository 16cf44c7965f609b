/** Helpers of the schedule tests: inline functions resolved as the loader would, and a log capture. */
import { defineFunction, type FunctionDefinition, type LoadedFunction } from "../../runtime/function.js";
import { resolveDefinition } from "../../runtime/definition-schema.js";
import { createLogger, type Logger } from "../../runtime/log.js";

/** A LoadedFunction from an inline definition. */
export function loaded(definition: FunctionDefinition): LoadedFunction {
  const result = resolveDefinition(defineFunction(definition), "inline.ts");
  if (!result.ok) throw new Error(result.problems.join("; "));
  return result.fn;
}

/** A logger whose lines land, parsed, in `lines`. */
export function captureLogs(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ level: "debug", destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
  return { logger, lines };
}

export { until } from "../helpers/until.js";
