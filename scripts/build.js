#!/usr/bin/env node
/**
 * @module scripts/build
 * The production build (`npm run build`, the container image, the benchmarks): esbuild bundles
 * the runtime's entry points (`runtime/cli.ts`, the `podfn` entry `runtime/index.ts` and
 * `podfn/testing`) as ES modules with code splitting, so the CLI and a function's
 * `import "podfn"` share one copy of every module (one `PodfnError` class, one registry), and
 * what a command imports lazily (the HTTP server, undici, the emulator) stays in its own chunk.
 * Fewer, bigger files start faster than hundreds of small ones: Node pays per module resolved,
 * read and compiled.
 *
 * External packages (left to Node's resolution at run time, see `EXTERNAL`): `zod`, because
 * functions make their schemas with the application's zod and the runtime must see that same
 * instance; and undici, a CommonJS package the runtime imports lazily with `import()`: with
 * code splitting, esbuild gives such an `import()` only a `default` export
 * (evanw/esbuild#3245), where Node gives the named exports too. The build fails if another
 * bundled CommonJS module is imported that way. yaml, also imported lazily, is bundled from
 * its ES module build (`ESM_BUILDS`), which loads ~25 ms faster than its CommonJS files.
 * Every other dependency is bundled (CommonJS ones get a `require` made by `createRequire`). The functions under `functions/` are compiled one file
 * each to `dist/functions/`, where `podfn serve --functions dist/functions` finds them.
 *
 * Type checking is not done here: `npm run build` runs `tsc -p tsconfig.build.json` first.
 * Type declarations are not emitted: the package's `types` conditions point at the sources.
 *
 * Usage: node scripts/build.js [--out DIR] [--functions DIR]
 *   --out        output folder (default: dist); it is emptied first
 *   --functions  TypeScript functions to compile into OUT/functions (default: functions)
 */
import { readdir, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { build } from "esbuild";

const ROOT = new URL("..", import.meta.url).pathname;

/** Packages left to Node's resolution at run time (see the module comment). */
export const EXTERNAL = ["zod", "undici"];

/**
 * Packages whose `node` export is CommonJS, bundled from their ES module build instead (the
 * same code, the package's `default` condition), so a lazy `import()` keeps its named exports.
 */
export const ESM_BUILDS = { yaml: "./node_modules/yaml/browser/index.js" };

/** The bundled entry points, by output path under OUT. */
export const ENTRIES = {
  "runtime/cli": "runtime/cli.ts",
  "runtime/index": "runtime/index.ts",
  "runtime/testing/index": "runtime/testing/index.ts",
};

/** Bundled CommonJS dependencies call `require`: give every chunk one. */
const REQUIRE_BANNER = 'import { createRequire as __podfnCreateRequire } from "node:module"; const require = __podfnCreateRequire(import.meta.url);';

/** Bundled CommonJS modules reached by `import()`: their named exports would be lost (see above). */
function lazyCommonJs(metafile) {
  return Object.entries(metafile.inputs).flatMap(([from, input]) =>
    input.imports.filter((i) => i.kind === "dynamic-import" && metafile.inputs[i.path]?.format === "cjs").map((i) => `${from} imports ${i.original ?? i.path}`),
  );
}

async function listModules(dir, out = []) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules") await listModules(path, out);
    } else if (/\.(m?ts)$/.test(entry.name) && !/\.d\.m?ts$/.test(entry.name) && !/\.(test|spec)\.m?ts$/.test(entry.name)) {
      out.push(path);
    }
  }
  return out;
}

/**
 * Build into `out`. Resolves to the list of files written.
 *
 * @example
 * await buildPodfn({ out: "/tmp/ws/dist" });
 */
export async function buildPodfn({ out = join(ROOT, "dist"), functions = join(ROOT, "functions") } = {}) {
  await rm(out, { recursive: true, force: true });
  const runtime = await build({
    absWorkingDir: ROOT,
    entryPoints: ENTRIES,
    outdir: out,
    chunkNames: "runtime/chunks/[name]-[hash]",
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    external: EXTERNAL,
    alias: ESM_BUILDS,
    banner: { js: REQUIRE_BANNER },
    // Whitespace and syntax only: names stay readable in stack traces and logs.
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: "linked",
    legalComments: "linked",
    metafile: true,
    logLevel: "warning",
  });
  const lazy = lazyCommonJs(runtime.metafile);
  if (lazy.length > 0) throw new Error(`scripts/build.js: CommonJS packages imported with import() must be EXTERNAL: ${lazy.join("; ")}`);
  const files = Object.keys(runtime.metafile.outputs);
  if (existsSync(functions)) {
    const compiled = await build({
      entryPoints: await listModules(functions),
      outdir: join(out, "functions"),
      outbase: functions,
      bundle: false,
      format: "esm",
      platform: "node",
      target: "node20",
      sourcemap: "linked",
      metafile: true,
      logLevel: "warning",
    });
    files.push(...Object.keys(compiled.metafile.outputs));
  }
  return files;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(ROOT, "scripts/build.js")) {
  const { values } = parseArgs({ options: { out: { type: "string" }, functions: { type: "string" } } });
  const files = await buildPodfn({
    ...(values.out ? { out: resolve(values.out) } : {}),
    ...(values.functions ? { functions: resolve(values.functions) } : {}),
  });
  process.stdout.write(`podfn: built ${files.filter((f) => f.endsWith(".js")).length} modules into ${values.out ?? "dist"}\n`);
}
