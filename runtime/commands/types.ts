/**
 * @module commands/types
 * The shape of a CLI command. `cli.ts` dispatches to these; a command never reads
 * `process.argv` or calls `process.exit`: it gets its arguments and environment in `io` and
 * returns its exit code.
 */
export interface CommandIO {
  /** Arguments after the command name. */
  argv: string[];
  env: Record<string, string | undefined>;
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Aborted on SIGTERM/SIGINT; `signal.reason` is `"SIGTERM"` or `"SIGINT"`. */
  signal: AbortSignal;
}

export interface Command {
  name: string;
  /** One line for `podfn --help`. */
  summary: string;
  /** Resolves to the process exit code. */
  run(io: CommandIO): Promise<number>;
}
