/**
 * @module testing/caller-secrets
 * The secrets of a harness: those the test gave `startHarness({ secrets })` (caller-auth ones, and
 * those a function reads with `ctx.secret()`), and a
 * random value for any other caller-auth one a deployed function reads (a bearer token, an HMAC key), so a
 * function with caller auth deploys whether or not the test calls it over HTTP. Each name has one
 * value per harness (as one Kubernetes Secret of a namespace), written to the harness's secrets
 * folder, or, for a bearer token read from a variable that is unset, put in the environment the
 * HTTP adapter is given (never in `process.env`).
 */
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PodfnError } from "../errors.js";
import type { LoadedFunction } from "../function.js";
import { environmentSecrets, referencedSecrets } from "../requirements.js";
import { trimNewlines } from "../secrets.js";

/** `secret()` of a name the harness holds no value for, or of a function that reads none. */
export class UnknownSecretError extends PodfnError {
  constructor(message: string) {
    super("unknown_secret", message);
  }
}

/** `authHeaders()` of a function whose callers do not send its secret as a token (HMAC, ServiceAccount, none). */
export class NotBearerAuthError extends PodfnError {
  constructor(message: string) {
    super("not_bearer_auth", message);
  }
}

/** A made-up value in the form the function's auth takes: `whsec_<base64>` for the Stripe and Standard Webhooks schemes, else 64 hex digits. */
function madeUp(fn: LoadedFunction): string {
  const auth = fn.http?.auth;
  if (auth !== undefined && auth !== "none" && auth.type === "hmac" && auth.scheme !== undefined) return `whsec_${randomBytes(24).toString("base64")}`;
  return randomBytes(32).toString("hex");
}

/** The secret a function's callers are checked with, if its auth has one. */
export function secretNameOf(fn: LoadedFunction): string | undefined {
  const auth = fn.http?.auth;
  return auth === undefined || auth === "none" || auth.type === "serviceAccount" ? undefined : auth.secret;
}

/** One harness's caller-auth secrets, by name. */
export class CallerSecrets {
  readonly #values = new Map<string, string>();
  /** Variables set for bearer tokens read from the environment, over `process.env`. */
  readonly #variables: Record<string, string> = {};

  constructor(readonly dir: string) {}

  /**
   * Writes the secrets a test gave, as files; each value is held as the runtime reads its file
   * (`trimNewlines`: trailing newlines dropped), so `secret()`, `authHeaders()` and
   * `ctx.secret()` give what the served function checks and reads.
   */
  async give(secrets: Record<string, string>): Promise<void> {
    await Promise.all(Object.entries(secrets).map(([name, value]) => (this.#values.set(name, trimNewlines(value)), writeFile(join(this.dir, name), `${value}\n`))));
  }

  /** Makes sure every secret `fn` reads has a value: the given one, else a random one, written once. */
  async provide(fn: LoadedFunction): Promise<void> {
    for (const name of referencedSecrets([fn])) {
      if (this.#values.has(name)) continue;
      const value = madeUp(fn);
      this.#values.set(name, value);
      await writeFile(join(this.dir, name), `${value}\n`);
    }
    for (const { variable, secret } of environmentSecrets([fn])) {
      const set = process.env[variable];
      if (set !== undefined && set !== "") continue;
      if (!this.#values.has(secret)) this.#values.set(secret, madeUp(fn));
      this.#variables[variable] = this.#values.get(secret)!;
    }
  }

  /** The values held of `names` (those given or made up), by name. */
  valuesOf(names: readonly string[]): Record<string, string> {
    return Object.fromEntries(names.flatMap((name) => (this.#values.has(name) ? [[name, this.#values.get(name)!]] : [])));
  }

  /** The environment the HTTP adapter reads bearer tokens from: the process's, plus the variables set here. */
  env(): Readonly<Record<string, string | undefined>> {
    return { ...process.env, ...this.#variables };
  }

  /** The value of `name` (of `fn`'s own secret when no name is given); throws `UnknownSecretError`. */
  value(fn: LoadedFunction, name = secretNameOf(fn)): string {
    if (name === undefined) throw new UnknownSecretError(`${fn.name} reads no caller-auth secret (its auth: ${JSON.stringify(fn.http?.auth ?? "no http trigger")}): name one`);
    const variable = environmentSecrets([fn]).find((s) => s.secret === name)?.variable;
    const fromEnv = variable === undefined ? undefined : process.env[variable];
    if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
    const value = this.#values.get(name);
    if (value === undefined) throw new UnknownSecretError(`the harness holds no caller-auth secret named "${name}" (it holds: ${[...this.#values.keys()].map((n) => `"${n}"`).join(", ") || "none"})`);
    return value;
  }

  /** The headers that authenticate a call of `fn`: its bearer token where its auth reads it. Throws `NotBearerAuthError` for other auth. */
  headers(fn: LoadedFunction): Record<string, string> {
    const auth = fn.http?.auth;
    if (auth === undefined || auth === "none" || auth.type !== "bearer") {
      const what = auth === undefined ? "has no http trigger" : auth === "none" ? "authenticates no caller" : `authenticates callers by ${auth.type}`;
      const hint = auth !== undefined && auth !== "none" && auth.type === "hmac" ? ": sign the body with secret()" : "";
      throw new NotBearerAuthError(`${fn.name} ${what}, not by a bearer token${hint}`);
    }
    const token = this.value(fn);
    return auth.header !== undefined ? { [auth.header.toLowerCase()]: token } : { authorization: `Bearer ${token}` };
  }
}
