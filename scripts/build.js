#!/usr/bin/env node
/**
 * @module scripts/build
 * The production build (`npm run build`, the container image, the benchmarks), in esbuild
 * passes, each in a module of its own under scripts/build/:
 *
 * - the runtime (scripts/build/runtime.js): its entry points bundled, zod and the other
 *   dependencies included, into one CommonJS script loaded with a V8 code cache, each entry a
 *   CommonJS module of a few lines re-exporting that entry of the one script. Its esbuild plugins
 *   are in scripts/build/runtime-plugins.js, zod's locales (each a file of its own) in
 *   scripts/build/zod-locales.js; the emulated API server, required only when a cluster is
 *   started, into a script of its own (scripts/build/cluster.js);
 * - then the functions (scripts/build/functions.js): each module of a functions folder compiled
 *   to its own file, whose imports of `podfn`, `podfn/testing` and `zod` become the runtime's
 *   entries (what each import becomes: scripts/build/function-imports.js; template-literal
 *   `import()`s: scripts/build/glob-imports.js), and the folder's other files copied beside
 *   them (scripts/build/function-files.js);
 * - and last the list of packages the image needs in node_modules
 *   (scripts/build/image-packages.js).
 *
 * Type checking is not done here: `npm run build` runs `tsc -p tsconfig.build.json` first.
 * Type declarations are not emitted: the package's `types` conditions point at the sources.
 *
 * Usage: node scripts/build.js [--out DIR] [--functions [NAME=]DIR ...]
 *   --out        output folder (default: dist); it is emptied first
 *   --functions  a folder of TypeScript functions built into OUT/NAME (NAME default: functions);
 *                repeat it for several folders, all built in the same build (default: functions)
 */
import { rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { ROOT } from "./build/layout.js";
import { bundleRuntime } from "./build/runtime.js";
import { buildZodLocales } from "./build/zod-locales.js";
import { compileFunctionFolders } from "./build/functions.js";
import { writeImagePackages } from "./build/image-packages.js";

export { EXTERNAL, ENTRIES } from "./build/runtime.js";
export { COMMONJS_BUILDS, LEFT_OUT, PATCHES } from "./build/runtime-plugins.js";
export { SHARED } from "./build/functions.js";
export { IMAGE_PACKAGES, LOADED_AT_RUN_TIME } from "./build/image-packages.js";

/**
 * Build into `out`: the runtime entries and the functions of `functions` (output folder name
 * under `out` to source folder; a string means `{ functions: dir }`). Resolves to the list of
 * files written.
 *
 * @example
 * await buildPodfn({ out: "/tmp/ws/dist", functions: { "fns-a": "/tmp/ws/a", "fns-b": "/tmp/ws/b" } });
 */
export async function buildPodfn({ out = join(ROOT, "dist"), functions = { functions: join(ROOT, "functions") } } = {}) {
  const folders = typeof functions === "string" ? { functions } : functions;
  await rm(out, { recursive: true, force: true });
  const written = [...(await bundleRuntime(out)), ...(await buildZodLocales(out))];
  const functionsBuilt = await compileFunctionFolders(out, folders);
  if (functionsBuilt === undefined) return [...written, await writeImagePackages(out)];
  return [...written, ...functionsBuilt.files, await writeImagePackages(out, functionsBuilt.metafile, functionsBuilt.placeholder)];
}

/** `--functions [NAME=]DIR` values to `{ NAME: absolute DIR }`. */
function parseFolders(values) {
  return Object.fromEntries(
    values.map((v) => {
      const at = v.indexOf("=");
      return at > 0 ? [v.slice(0, at), resolve(v.slice(at + 1))] : ["functions", resolve(v)];
    }),
  );
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(ROOT, "scripts/build.js")) {
  const { values } = parseArgs({ options: { out: { type: "string" }, functions: { type: "string", multiple: true } } });
  const files = await buildPodfn({
    ...(values.out ? { out: resolve(values.out) } : {}),
    ...(values.functions ? { functions: parseFolders(values.functions) } : {}),
  });
  process.stdout.write(`podfn: built ${files.filter((f) => /\.c?js$/.test(f)).length} modules into ${values.out ?? "dist"}\n`);
}
