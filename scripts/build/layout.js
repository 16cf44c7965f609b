/**
 * @module scripts/build/layout
 * Where the build reads and writes: the repository root, the runtime's files under OUT (the
 * bundle, its loader, zod's other locales) and the relative URLs between output files.
 */
import { dirname, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (the build's working directory). */
export const ROOT = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, "");

/** The bundle and its loader, under OUT. */
export const BUNDLE = "runtime/podfn.cjs";
export const LOADER = "runtime/load.cjs";
/** The emulated API server, a script of its own (scripts/build/cluster.js) beside the bundle. */
export const CLUSTER_BUNDLE = "runtime/cluster.cjs";
/** Where zod's other locales are written (under OUT): beside the bundle, which loads them by this relative path. */
export const LOCALES_DIR = `${dirname(BUNDLE)}/zod-locales`;

/** The relative URL of `to` from folder `from` (`./x.js`, `../runtime/index.js`). */
export function relativeUrl(from, to) {
  const path = relative(from, to).split(sep).join("/");
  return path.startsWith(".") ? path : `./${path}`;
}
