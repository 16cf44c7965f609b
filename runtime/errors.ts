/**
 * @module errors
 * The base error of podfn. Every error the framework raises has a stable `code` that callers
 * match on (as undici's `UND_ERR_*`), a `name`, and an optional `cause`. Subclasses exist only
 * where callers branch on them.
 */

/** Base class of every podfn error. Match on `code`, not on the message. */
export class PodfnError extends Error {
  /**
   * Stable machine-readable code, e.g. `"config_invalid"`: each subclass narrows it to its own
   * (`PodfnErrorCode` lists them); an `HttpError`'s is its thrower's.
   */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Configuration (flags, environment, files) is invalid. The message names the option. */
export class ConfigError extends PodfnError {
  declare readonly code: "config_invalid";

  constructor(message: string, options?: { cause?: unknown }) {
    super("config_invalid", message, options);
  }
}

/**
 * A function module is invalid: the loader found it but cannot use it.
 * `file` is the module's path; `problems` lists every issue found, each with what to fix.
 */
export class DefinitionError extends PodfnError {
  declare readonly code: "definition_invalid";
  /** The module's path. */
  readonly file: string;
  /** Each problem, `field: what to fix`. */
  readonly problems: string[];

  constructor(file: string, problems: string[], options?: { cause?: unknown }) {
    super("definition_invalid", `${file}: ${problems.join("; ")}`, options);
    this.file = file;
    this.problems = problems;
  }
}

/**
 * Thrown by a handler to answer an HTTP call with its own status.
 * The `message` and `details` are sent to the caller, so put nothing secret in them.
 *
 * @example
 * throw new HttpError(409, "already_running", "a cleanup is already running");
 */
export class HttpError extends PodfnError {
  /** The HTTP status answered (a 4xx or 5xx). */
  readonly status: number;
  /** Sent as the error body's `details` when defined. */
  readonly details: unknown;

  constructor(status: number, code: string, message: string, options?: { details?: unknown; cause?: unknown }) {
    super(code, message, options);
    this.status = status;
    this.details = options?.details;
  }
}

/** Input failed the function's schema. `issues` name each field (`path`) and what is wrong. */
export class InputError extends PodfnError {
  declare readonly code: "invalid_input";
  /** One per problem: the field's path (`labels.app`, `items[2].name`; `""` for the input itself) and what is wrong. */
  readonly issues: { path: string; message: string }[];

  constructor(message: string, issues: { path: string; message: string }[]) {
    super("invalid_input", message);
    this.issues = issues;
  }
}

/** The function ran past its `timeoutMs`; its signal was aborted. */
export class TimeoutError extends PodfnError {
  declare readonly code: "timeout";

  constructor(message: string) {
    super("timeout", message);
  }
}

/**
 * The first error in `error`'s cause chain (itself, its `cause`s, and `AggregateError`
 * members, outermost first) that `predicate` accepts. Never throws: a link that cannot be read
 * (a `cause` getter or a proxy trap that throws) ends that branch.
 *
 * @example
 * const denied = findCause(error, (e) => e instanceof KubeForbiddenError);
 */
export function findCause<T>(error: unknown, predicate: (candidate: unknown) => candidate is T): T | undefined {
  const seen = new Set<unknown>();
  const queue = [error];
  while (queue.length > 0) {
    const current = queue.shift();
    if (current === undefined || current === null || seen.has(current)) continue;
    seen.add(current);
    try {
      if (predicate(current)) return current;
      if (current instanceof AggregateError) queue.push(...current.errors);
      if (current instanceof Error) queue.push(current.cause);
    } catch {
      // Unreadable: nothing more to find along this link.
    }
  }
  return undefined;
}
