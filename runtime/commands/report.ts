/**
 * @module commands/report
 * How a command reports a failure it cannot recover from: configuration and loading problems,
 * and an address or port it cannot listen on, are the user's to fix (exit 2, said in terms of
 * the option to change: the port's own, `--port`, `--admin-port` or `--admission-port`);
 * anything else is a bug or an outage (exit 1, with the error's code).
 */
import { PodfnError } from "../errors.js";
import { OPTIONS } from "../config.js";
import type { ListenError } from "../listen.js";
import { INVALID_CODES } from "../cron/exit-codes.js";
import type { CommandIO } from "./types.js";
import { scrubString } from "../log-error.js";
import { censorSecrets } from "../secret-values.js";

/** The option a failure to listen names (`listen` tags it): `--port` when none is said. */
function portOption(errno: ListenError): string {
  return errno.option ?? `--${OPTIONS.port.flag} / ${OPTIONS.port.env}`;
}

/** What the user can fix in the command line, said in its terms; undefined for anything else. */
function userMessage(error: unknown): string | undefined {
  const errno = error as ListenError;
  switch (errno?.code) {
    case "EADDRINUSE":
      return `${errno.address}:${errno.port} is already in use: stop what listens there, or choose another with ${portOption(errno)}`;
    case "EACCES":
      if (errno.syscall === "listen") return `not allowed to listen on ${errno.address}:${errno.port}: choose a port above 1023 with ${portOption(errno)}`;
      break;
    case "EADDRNOTAVAIL":
      if (errno.syscall === "listen") return `${errno.address} is not an address of this machine: set --host / HOST to one (127.0.0.1, or 0.0.0.0 for all)`;
      break;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      if (errno.syscall === "getaddrinfo") return `--host / HOST ${errno.hostname ?? ""} could not be resolved to an address (${errno.code}): use an address of this machine (127.0.0.1, or 0.0.0.0 for all)`;
      break;
  }
  if (error instanceof PodfnError && INVALID_CODES.has(error.code)) return error.message;
  return undefined;
}

/** True for a failure the user fixes in the configuration (exit 2): logged without a stack trace. */
export function isUserError(error: unknown): boolean {
  return userMessage(error) !== undefined;
}

/**
 * Writes a command's failure to stderr, its credentials censored as the log censors them (a
 * module that failed to import may quote its configuration: `redis://user:password@...`).
 * Returns the exit code: 2 for what the user fixes, else 1.
 */
export function reportFailure(error: unknown, io: Pick<CommandIO, "stderr">): number {
  const write = (text: string) => io.stderr(censorSecrets(scrubString(text)));
  const message = userMessage(error);
  if (message !== undefined) {
    write(`podfn: ${message}\n`);
    return 2;
  }
  const code = error instanceof PodfnError ? ` [${error.code}]` : "";
  write(`podfn: ${error instanceof Error ? error.message : String(error)}${code}\n`);
  return 1;
}
