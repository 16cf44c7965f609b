#!/usr/bin/env node
/**
 * @module scripts/build
 * The production build (`npm run build`, the container image, the benchmarks): ONE esbuild
 * build, ES modules with code splitting, whose entry points are the runtime's (`runtime/cli.ts`,
 * the `podfn` entry `runtime/index.ts` and `podfn/testing`) AND every function module of the
 * functions folders. A function's `import "podfn"` (and `"podfn/testing"`) is resolved to the
 * runtime's own sources and its `import "zod"` to the runtime's zod (`SHARED`), so the CLI and
 * the functions load the same chunks: one zod, one `PodfnError` class, one registry. What a
 * command imports lazily (the HTTP server, undici, the emulator) stays in its own chunk.
 * Fewer, bigger files start faster than hundreds of small ones: Node pays per module resolved,
 * read and compiled (zod as ~94 files from node_modules costs ~40 ms and ~13 MB more).
 *
 * External packages (left to Node's resolution at run time, see `EXTERNAL`): undici, a
 * CommonJS package the runtime imports lazily with `import()`: with code splitting, esbuild
 * gives such an `import()` only a `default` export (evanw/esbuild#3245), where Node gives the
 * named exports too. The build fails if another bundled CommonJS module is imported that way.
 * yaml, also imported lazily, is bundled from its ES module build (`ESM_BUILDS`), which loads
 * ~25 ms faster than its CommonJS files. Every other dependency is bundled (CommonJS ones get a
 * `require` made by `createRequire`).
 *
 * Functions keep their relative path: `functions/ops/x.ts` becomes `OUT/functions/ops/x.js`,
 * where `podfn serve --functions dist/functions` finds it; it imports the shared chunks under
 * `OUT/runtime/chunks/` by relative URL, so a built functions folder stays next to its `OUT`.
 * A function built apart (with its own zod) still works: the runtime recognises schemas by
 * zod's interface, not by class.
 *
 * Type checking is not done here: `npm run build` runs `tsc -p tsconfig.build.json` first.
 * Type declarations are not emitted: the package's `types` conditions point at the sources.
 *
 * Usage: node scripts/build.js [--out DIR] [--functions [NAME=]DIR ...]
 *   --out        output folder (default: dist); it is emptied first
 *   --functions  a folder of TypeScript functions built into OUT/NAME (NAME default: functions);
 *                repeat it for several folders, all built in the same build (default: functions)
 */
import { readdir, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import { extname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { build } from "esbuild";

const ROOT = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");

/** Packages left to Node's resolution at run time (see the module comment). */
export const EXTERNAL = ["undici"];

/**
 * Packages whose `node` export is CommonJS, bundled from their ES module build instead (the
 * same code, the package's `default` condition), so a lazy `import()` keeps its named exports.
 */
export const ESM_BUILDS = { yaml: "./node_modules/yaml/browser/index.js" };

/** The bundled runtime entry points, by output path under OUT. */
export const ENTRIES = {
  "runtime/cli": "runtime/cli.ts",
  "runtime/index": "runtime/index.ts",
  "runtime/testing/index": "runtime/testing/index.ts",
};

/** What a function's `import "podfn"` is built from: the runtime entries' own sources (one copy). */
export const SHARED = { podfn: "runtime/index.ts", "podfn/testing": "runtime/testing/index.ts" };

/** Bundled CommonJS dependencies call `require`: give every chunk one. */
const REQUIRE_BANNER = 'import { createRequire as __podfnCreateRequire } from "node:module"; const require = __podfnCreateRequire(import.meta.url);';

/** Bundled CommonJS modules reached by `import()`: their named exports would be lost (see above). */
function lazyCommonJs(metafile) {
  return Object.entries(metafile.inputs).flatMap(([from, input]) =>
    input.imports.filter((i) => i.kind === "dynamic-import" && metafile.inputs[i.path]?.format === "cjs").map((i) => `${from} imports ${i.original ?? i.path}`),
  );
}

/**
 * An esbuild plugin making functions share the runtime's modules wherever their folder is:
 * `podfn` and `podfn/testing` resolve to the runtime sources, `zod` (and its subpaths) to the
 * runtime's own copy.
 */
function shareRuntime() {
  return {
    name: "podfn-share-runtime",
    setup(b) {
      b.onResolve({ filter: /^podfn(\/testing)?$/ }, (args) => ({ path: join(ROOT, SHARED[args.path]) }));
      b.onResolve({ filter: /^zod(\/.*)?$/ }, (args) => (args.pluginData === SHARED ? undefined : b.resolve(args.path, { kind: args.kind, resolveDir: ROOT, pluginData: SHARED })));
    },
  };
}

/** Function modules under `dir`, as the loader finds them (no `_` or `.` names, tests, declarations). */
async function listModules(dir, out = []) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith("_") || entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules") await listModules(path, out);
    } else if (/\.(m?ts|m?js)$/.test(entry.name) && !/\.d\.m?ts$/.test(entry.name) && !/\.(test|spec)\.m?[jt]s$/.test(entry.name)) {
      out.push(path);
    }
  }
  return out;
}

/** Entry points of the functions folders: `NAME/<relative path without extension>` to source. */
async function functionEntries(folders) {
  const entries = {};
  for (const [name, dir] of Object.entries(folders)) {
    if (!existsSync(dir)) continue;
    for (const file of await listModules(dir)) {
      const rel = relative(dir, file);
      entries[join(name, rel.slice(0, -extname(rel).length))] = file;
    }
  }
  return entries;
}

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
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { ...ENTRIES, ...(await functionEntries(folders)) },
    outdir: out,
    chunkNames: "runtime/chunks/[name]-[hash]",
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    external: EXTERNAL,
    alias: ESM_BUILDS,
    plugins: [shareRuntime()],
    banner: { js: REQUIRE_BANNER },
    // Whitespace and syntax only: names stay readable in stack traces and logs.
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: "linked",
    legalComments: "linked",
    metafile: true,
    logLevel: "warning",
  });
  const lazy = lazyCommonJs(result.metafile);
  if (lazy.length > 0) throw new Error(`scripts/build.js: CommonJS packages imported with import() must be EXTERNAL: ${lazy.join("; ")}`);
  return Object.keys(result.metafile.outputs);
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
  process.stdout.write(`podfn: built ${files.filter((f) => f.endsWith(".js")).length} modules into ${values.out ?? "dist"}\n`);
}
