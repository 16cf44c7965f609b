/**
 * @module function-secrets
 * The Secrets a function declares (`secrets`) and its handler reads with `ctx.secret(name)`: read
 * from one folder per process (`--secrets-dir`, where `podfn manifests` mounts each declared
 * Secret's `value`; `.podfn/secrets` locally), each file read again after it changes and its
 * value censored from logs (secrets.ts) and, once read, from answers (secret-values.ts); or the
 * values a test harness gave the deployed function.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Logger } from "pino";
import { DEFAULTS } from "./config-accept.js";
import { OPTIONS, type Config } from "./config.js";
import type { ClusterConnection } from "./cluster-connection.js";
import type { LoadedFunction } from "./function.js";
import { SecretMissingError, SecretStore } from "./secrets.js";
import { rememberSecret, secretHandedToHandler } from "./secret-values.js";

/** Where local runs on the emulated cluster keep secrets (the caller-auth ones generated there). */
export const LOCAL_SECRETS_DIR = ".podfn/secrets";

let store: SecretStore | undefined;
const given = new WeakMap<LoadedFunction, Readonly<Record<string, string>>>();

/** Read the functions' secrets from `dir` (the default is the pod's mount, `/var/run/secrets/podfn`). */
export function readFunctionSecretsFrom(dir: string): void {
  if (store?.dir !== dir) store = new SecretStore({ dir });
}

/** Give `fn` these values instead of files (`podfn/testing`: what `startHarness({ secrets })` holds of its `secrets`). */
export function giveSecrets(fn: LoadedFunction, values: Readonly<Record<string, string>>): void {
  for (const value of Object.values(values)) rememberSecret(value);
  given.set(fn, { ...values });
}

/** The value of `fn`'s declared Secret `name`; throws `SecretMissingError` (undeclared, missing, empty). */
export function functionSecret(fn: LoadedFunction, name: string): string {
  if (!fn.secrets.includes(name)) {
    throw new SecretMissingError(name, `function ${fn.name}`, `is not one the function declares: add it to its secrets (secrets: [${JSON.stringify(name)}]) so that its pods mount it`);
  }
  const values = given.get(fn);
  let value: string | undefined;
  if (values !== undefined) {
    value = values[name];
    if (value === undefined) throw new SecretMissingError(name, "the test harness", `was not given: startHarness({ secrets: { ${JSON.stringify(name)}: "..." } })`);
    // As an empty file fails the read in a pod.
    if (value === "") throw new SecretMissingError(name, "the test harness", "is empty");
  } else value = (store ??= new SecretStore()).secret(name, undefined, "key").value();
  // The handler may put it in what it answers: answers are censored from now on.
  secretHandedToHandler();
  return value;
}

/**
 * The secrets folder of a process: `--secrets-dir` as configured, except locally (`local`: the
 * emulated cluster) with the default (the pod's mount, not there outside one): `.podfn/secrets`
 * under `cwd`.
 * `variable` is the `PODFN_SECRETS_DIR` the environment sets, if any.
 */
export function secretsFolder(configured: string, variable: string | undefined, local: boolean, cwd: string): string {
  return local && !variable && configured === DEFAULTS.secretsDir ? resolve(cwd, LOCAL_SECRETS_DIR) : configured;
}

/**
 * The secrets folder of a process connected through `connection` (serve, dev and run alike):
 * `--secrets-dir` (or `PODFN_SECRETS_DIR`) as given; by default the pod's mount, except locally,
 * on the embedded emulated cluster or in a run without a client in its place
 * (`connection.localRun`), where it is `.podfn/secrets` under `cwd`.
 *
 * @example
 * readFunctionSecretsFrom(connectionSecretsFolder(config, connection, cwd));
 */
export function connectionSecretsFolder(config: Pick<Config, "secretsDir" | "env">, connection: Pick<ClusterConnection, "emulated" | "localRun">, cwd: string): string {
  // An empty variable is unset, as loadConfig reads it.
  return secretsFolder(config.secretsDir, config.env[OPTIONS.secretsDir.env] || undefined, connection.emulated || connection.localRun === true, cwd);
}

/** Warn of each declared Secret not in `dir`: the calls that read it fail until it is there. */
export function warnOfMissingSecrets(functions: readonly LoadedFunction[], dir: string, logger: Logger): void {
  for (const fn of functions) {
    for (const name of fn.secrets) {
      const path = join(dir, name);
      if (existsSync(path)) continue;
      logger.warn({ fn: fn.name, secret: name, path }, `${fn.name} reads the secret "${name}", which is not in ${dir}: its calls that read it fail until it is (write its value to ${path}; in a cluster, kubectl create secret generic ${name} --from-literal=value=...)`);
    }
  }
}
