/**
 * @module commands/report
 * How a command reports a failure it cannot recover from: configuration and loading problems
 * are the user's to fix (exit 2, the message as is); anything else is a bug or an outage
 * (exit 1, with the error's code).
 */
import { PodfnError } from "../errors.js";
import type { CommandIO } from "./types.js";

const USER_ERRORS = new Set(["config_invalid", "load_failed", "definition_invalid", "kube_no_credentials"]);

export function reportFailure(error: unknown, io: Pick<CommandIO, "stderr">): number {
  const errno = error as NodeJS.ErrnoException & { port?: number; address?: string };
  if (errno?.code === "EADDRINUSE") {
    io.stderr(`podfn: ${errno.address}:${errno.port} is already in use: stop what listens there, or choose another with --port / PORT\n`);
    return 2;
  }
  if (error instanceof PodfnError && USER_ERRORS.has(error.code)) {
    io.stderr(`podfn: ${error.message}\n`);
    return 2;
  }
  const code = error instanceof PodfnError ? ` [${error.code}]` : "";
  io.stderr(`podfn: ${error instanceof Error ? error.message : String(error)}${code}\n`);
  return 1;
}
