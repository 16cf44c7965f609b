/**
 * @module node-builtins
 * Node modules needed only once the client connects (`node:net`, `node:https`, and `node:crypto`
 * to check a client certificate against its key) or a CIDR option is checked (`node:net`),
 * loaded on first use: a process that never calls the API (a `podfn run` of a function that does
 * not) neither loads nor pays for them (~2 ms of start-up, ~1 MB).
 */
import { createRequire } from "node:module";

let net: typeof import("node:net") | undefined;
let https: typeof import("node:https") | undefined;
let crypto: typeof import("node:crypto") | undefined;

/** `node:net`, loaded by the first call. */
export function nodeNet(): typeof import("node:net") {
  return (net ??= createRequire(import.meta.url)("node:net") as typeof import("node:net"));
}

/** `node:https`, loaded by the first call. */
export function nodeHttps(): typeof import("node:https") {
  return (https ??= createRequire(import.meta.url)("node:https") as typeof import("node:https"));
}

/** `node:crypto`, loaded by the first call. */
export function nodeCrypto(): typeof import("node:crypto") {
  return (crypto ??= createRequire(import.meta.url)("node:crypto") as typeof import("node:crypto"));
}
