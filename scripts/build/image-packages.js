/**
 * @module scripts/build/image-packages
 * What the container image must hold in node_modules: the packages the built code loads at run
 * time, written to `OUT/image-packages.json` for scripts/image-modules.js.
 */
import { writeFile } from "node:fs/promises";
import { isBuiltin } from "node:module";
import { join } from "node:path";
import { EXTERNAL } from "./runtime.js";

/**
 * Packages the runtime loads at run time by a call esbuild cannot follow (a `createRequire`, to
 * load them only when needed), so they are not in the bundle: cron-parser (the first in-process
 * schedule). test/deploy/image-modules.test.ts checks the runtime's sources name no other.
 */
export const LOADED_AT_RUN_TIME = ["cron-parser"];

/**
 * `OUT/image-packages.json`: the packages the built code loads from node_modules at run time,
 * `EXTERNAL`, `LOADED_AT_RUN_TIME` and what the functions import (`{ "packages": [...] }`), for
 * scripts/image-modules.js to copy into the image with their dependencies, and nothing else.
 */
export const IMAGE_PACKAGES = "image-packages.json";

/** The package an import specifier names (`@scope/name/sub` → `@scope/name`), or undefined for a builtin or a path. */
function packageOf(specifier) {
  if (specifier.startsWith(".") || specifier.startsWith("/") || isBuiltin(specifier)) return undefined;
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/** Write `OUT/IMAGE_PACKAGES` from the functions' build metafile (none: `EXTERNAL` only). */
export async function writeImagePackages(out, metafile, placeholder) {
  const packages = new Set([...EXTERNAL, ...LOADED_AT_RUN_TIME]);
  for (const output of Object.values(metafile?.outputs ?? {})) {
    for (const { path, external } of output.imports) {
      if (!external || path.startsWith(placeholder)) continue;
      const name = packageOf(path);
      if (name !== undefined) packages.add(name);
    }
  }
  await writeFile(join(out, IMAGE_PACKAGES), `${JSON.stringify({ packages: [...packages].sort() }, null, 2)}\n`);
  return IMAGE_PACKAGES;
}
