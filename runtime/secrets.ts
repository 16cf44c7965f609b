/**
 * @module secrets
 * Caller-auth secrets (bearer tokens, HMAC keys), referenced by name and read from one file per
 * secret in the secrets folder (`$PODFN_SECRETS_DIR/<name>`, a mounted Kubernetes Secret).
 * A file that cannot be read (its folder a file, no permission) is missing too, saying why.
 * A value is re-read when its file changes (checked by mtime, size and inode at most once per
 * `recheckMs`, so a rotated Secret is picked up without a restart), one trailing newline run is
 * trimmed, and an empty file counts as missing. Values never appear in errors or logs: errors
 * name the secret and its path only. A value that looks like a mistake (too short to censor, a
 * space at an end) is reported to `onDoubt`, once per value read.
 */
import { readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { PodfnError } from "./errors.js";
import { rememberSecret } from "./secret-values.js";

/** A secret cannot be read: its file (or environment variable) is missing or empty. */
export class SecretMissingError extends PodfnError {
  declare readonly code: "secret_missing";
  /** The secret's name, as the function references it. */
  readonly secret: string;
  /** The file (or `env:NAME`) it was looked for in. */
  readonly path: string;

  constructor(secret: string, path: string, why: string) {
    super("secret_missing", `secret "${secret}" ${why} (${path})`);
    this.secret = secret;
    this.path = path;
  }
}

export interface SecretStoreOptions {
  /** Folder holding one file per secret. Default: `/var/run/secrets/podfn`. */
  dir?: string;
  /** Environment for secrets read from variables. Default: `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** How long a value is trusted before its file is stat'ed again, in milliseconds. Default 1000. */
  recheckMs?: number;
  /** Told once per value read that looks like a mistake (see `secretDoubts`): serve logs a warning. */
  onDoubt?: (secret: Secret, why: string) => void;
}

/**
 * What makes a secret's value look like a mistake, never naming the value: shorter than 8
 * characters (too short to be censored from logs, and guessable), or, for a secret callers send
 * in a header (a bearer token, not an HMAC key), a space or tab at either end (HTTP trims
 * header values: it could never match).
 */
export function secretDoubts(value: string, sentInHeader = true): string[] {
  const out: string[] = [];
  if (value.length > 0 && value.length < 8) out.push("is shorter than 8 characters: too short to be censored from logs, and easily guessed (use e.g. openssl rand -hex 32)");
  if (sentInHeader && /^[ \t]|[ \t]$/.test(value)) out.push("begins or ends with a space or tab: HTTP trims header values, so a bearer token sent in one never matches it");
  return out;
}

type Doubt = ((secret: Secret, why: string) => void) | undefined;
const tell = (doubt: Doubt, secret: Secret & { sentInHeader?: boolean }, value: string) => {
  if (doubt) for (const why of secretDoubts(value, secret.sentInHeader !== false)) doubt(secret, why);
};

/** One secret: call `value()` each time it is needed (cheap; re-reads only after a change). */
export interface Secret {
  readonly name: string;
  /** Where it is read from: the file path, or `env:NAME`. */
  readonly path: string;
  /** The current value. Throws `SecretMissingError` when missing or empty. */
  value(): string;
}

/**
 * What `read` returns, or, when the file system refuses (the folder is a file, a mount the
 * process may not read), a `SecretMissingError` saying why: a value no one can read is missing.
 */
function readable<T>(secret: Secret, read: () => T): T {
  try {
    return read();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | null)?.code;
    if (code === "ENOTDIR") throw new SecretMissingError(secret.name, secret.path, `is missing: ${dirname(secret.path)} is not a folder`);
    if (code === "EACCES" || code === "EPERM") throw new SecretMissingError(secret.name, secret.path, "cannot be read: permission denied (the process's user may not read the file)");
    throw new SecretMissingError(secret.name, secret.path, `cannot be read (${typeof code === "string" ? code : String(error)})`);
  }
}

/** A secret file with its last read value. */
class FileSecret implements Secret {
  #value = "";
  #stamp = "";
  #checkedAt = -Infinity;
  /** Callers send it in a header (a bearer token) — false while only an HMAC key uses it. */
  sentInHeader = true;

  constructor(
    readonly name: string,
    readonly path: string,
    readonly recheckMs: number,
    readonly onDoubt?: Doubt,
  ) {}

  value(): string {
    const now = Date.now();
    if (this.#value && now - this.#checkedAt < this.recheckMs) return this.#value;
    const stat = readable(this, () => statSync(this.path, { throwIfNoEntry: false }));
    if (!stat?.isFile()) {
      this.#value = "";
      this.#stamp = "";
      throw new SecretMissingError(this.name, this.path, "is missing: no such file");
    }
    const stamp = `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
    if (stamp !== this.#stamp) {
      this.#value = trimNewlines(readable(this, () => readFileSync(this.path, "utf8")));
      rememberSecret(this.#value, this);
      tell(this.onDoubt, this, this.#value);
      this.#stamp = stamp;
    }
    if (!this.#value) throw new SecretMissingError(this.name, this.path, "is empty");
    this.#checkedAt = now;
    return this.#value;
  }
}

/** A secret from an environment variable (read once: the environment does not change). */
class EnvSecret implements Secret {
  readonly path: string;
  readonly #value: string;

  constructor(
    readonly name: string,
    variable: string,
    env: Readonly<Record<string, string | undefined>>,
    onDoubt?: Doubt,
  ) {
    this.path = `env:${variable}`;
    this.#value = trimNewlines(env[variable] ?? "");
    rememberSecret(this.#value, this);
    tell(onDoubt, this, this.#value);
  }

  value(): string {
    if (!this.#value) throw new SecretMissingError(this.name, this.path, "is missing: the variable is unset or empty");
    return this.#value;
  }
}

/** A secret's value as read from its file or variable: every trailing `\n` and `\r` dropped (what `kubectl create secret --from-file` or an editor leaves). */
export function trimNewlines(text: string): string {
  let end = text.length;
  while (end > 0 && (text[end - 1] === "\n" || text[end - 1] === "\r")) end--;
  return end === text.length ? text : text.slice(0, end);
}

const SECRET_NAME = /^[A-Za-z0-9._-]+$/;

/**
 * Hands out `Secret`s by name; one instance per process.
 *
 * @example
 * const secrets = new SecretStore({ dir: "/var/run/secrets/podfn" });
 * const token = secrets.secret("deploy-token");
 * token.value(); // re-read after the file changes
 */
export class SecretStore {
  readonly dir: string;
  readonly #env: Readonly<Record<string, string | undefined>>;
  readonly #recheckMs: number;
  readonly #onDoubt: Doubt;
  readonly #files = new Map<string, FileSecret>();

  constructor(options: SecretStoreOptions = {}) {
    this.dir = options.dir ?? "/var/run/secrets/podfn";
    this.#env = options.env ?? process.env;
    this.#recheckMs = options.recheckMs ?? 1000;
    this.#onDoubt = options.onDoubt;
  }

  /**
   * The secret `name`: the file `<dir>/<name>`, or the environment variable `env` when given.
   * `use` says what it is to callers: a token they send in a header (default), or a `key`
   * they never send (an HMAC key, where spaces at its ends are no mistake). Throws
   * `SecretMissingError` for a name that is not a plain file name.
   */
  secret(name: string, env?: string, use: "header" | "key" = "header"): Secret {
    if (env) return new EnvSecret(name, env, this.#env, this.#onDoubt);
    if (!SECRET_NAME.test(name) || name === "." || name === "..") {
      throw new SecretMissingError(name, this.dir, "is not a valid secret name (letters, digits, '.', '_', '-')");
    }
    let secret = this.#files.get(name);
    if (!secret) {
      secret = new FileSecret(name, join(this.dir, name), this.#recheckMs, this.#onDoubt);
      secret.sentInHeader = use === "header";
      this.#files.set(name, secret);
    } else if (use === "header") secret.sentInHeader = true;
    return secret;
  }
}
