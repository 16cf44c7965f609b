/**
 * @module commands/define
 * What every command shares: `--help` (its text followed by its options, from the option
 * table), parsing its flags and environment with `loadConfig`, and turning a failure into a
 * message and an exit code (`reportFailure`). A command only writes what it does.
 */
import { loadConfig, optionsHelp, wantsHelp, type Config } from "../config.js";
import type { Command, CommandIO } from "./types.js";
import { reportFailure } from "./report.js";

export interface CommandSpec {
  name: string;
  summary: string;
  /** The help text above the options: usage line and what the command does. */
  help: string;
  /** Whether it takes arguments besides options (`podfn run NAME`); others refuse any. */
  takesArguments?: boolean;
  /** Runs with the parsed configuration; resolves to the exit code. Whatever it throws is reported. */
  run(config: Config, positionals: string[], io: CommandIO): Promise<number>;
}

/**
 * @example
 * export const listCommand = defineCommand({ name: "list", summary: "…", help: "Usage: podfn list\n", async run(config, _, io) { … return 0; } });
 */
export function defineCommand(spec: CommandSpec): Command {
  return {
    name: spec.name,
    summary: spec.summary,
    async run(io) {
      if (wantsHelp(io.argv)) {
        io.stdout(`${spec.help}\n${optionsHelp(spec.name)}\n`);
        return 0;
      }
      try {
        const { config, positionals } = loadConfig(spec.name, io.argv, io.env);
        if (!spec.takesArguments && positionals.length > 0) {
          io.stderr(`podfn ${spec.name}: unexpected argument ${JSON.stringify(positionals[0])}: options are written --name value (see podfn ${spec.name} --help)\n`);
          return 2;
        }
        return await spec.run(config, positionals, io);
      } catch (error) {
        return reportFailure(error, io);
      }
    },
  };
}
