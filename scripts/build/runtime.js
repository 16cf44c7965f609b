/**
 * @module scripts/build/runtime
 * The runtime's pass of the production build: its entry points (`runtime/cli.ts`, the `podfn`
 * entry `runtime/index.ts`, `podfn/testing` and zod's own module as the `zod` entry) bundled, zod and the
 * other dependencies included, into one CommonJS script, `OUT/runtime/podfn.cjs`, loaded by
 * `OUT/runtime/load.cjs` (`scripts/bundle-loader.cjs`) with a V8 code cache made here, in a fresh
 * process, after initialising what every command initialises (`podfn.cjs.cache`): Node 20
 * compiles ES modules anew in every process (~20 ms for the runtime and zod, more than half the
 * cost of a CronJob's `podfn run`), and a script compiled from a cache skips parsing and reuses
 * the bytecode made while training. What a command loads lazily (the HTTP server's hono side,
 * yaml, the manifests) is in the same script but initialised only when first used; the emulator
 * is a script of its own (scripts/build/cluster.js), required when a cluster is started.
 * Each entry is then a CommonJS module of a few lines (`OUT/runtime/cli.js`, `index.js`,
 * `testing/index.js`, `shared-zod.js`; `OUT/runtime/package.json` says `commonjs`) re-exporting
 * that entry of the one loaded script, so the CLI and the functions share one zod, one
 * `PodfnError` class, one registry, and `node dist/runtime/cli.js` never starts Node's ES module
 * loader. Packages a command may not need are bundled from their CommonJS builds
 * (`COMMONJS_BUILDS`): they cost nothing until first required.
 *
 * External packages (left to Node's resolution at run time, see `EXTERNAL`): undici, which the
 * kube transport imports part by part (runtime/kube/undici.ts); cron-parser is required lazily
 * (`LOADED_AT_RUN_TIME`, scripts/build/image-packages.js). Every other dependency is bundled.
 * zod's locales but English are not in the bundle (scripts/build/zod-locales.js).
 * thread-stream is left out (`LEFT_OUT`).
 */
import { copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { randomUUID } from "node:crypto";
import { build } from "esbuild";
import { BUNDLE, LOADER, ROOT, relativeUrl } from "./layout.js";
import { CLUSTER_ENTRY, bundleCluster, separateCluster } from "./cluster.js";
import { SCRIPT_OPTIONS } from "./script-options.js";
import { PATCHES, commonJsBuilds, lazyZod, leaveOut, loaderImport, patchSources } from "./runtime-plugins.js";
import { lazyZodLocales } from "./zod-locales.js";

/** Packages left to Node's resolution at run time (see the module comment). */
export const EXTERNAL = ["undici"];

/**
 * The runtime entry points: path under OUT to its source (a runtime module, or a package the
 * bundle holds), and its name in the bundle (`scripts/bundle-loader.cjs`). The `zod` entry
 * (`OUT/runtime/shared-zod.js`) is what built functions import in place of `zod`, so the
 * runtime and every function share one zod.
 */
export const ENTRIES = {
  "runtime/cli": { source: "runtime/cli.ts", name: "cli" },
  // zod's CommonJS build itself (`COMMONJS_BUILDS`): its module object is the entry, not a copy
  // of its ~260 exports re-exported through another module (~1 ms a process importing zod).
  "runtime/shared-zod": { source: "zod", name: "zod" },
  "runtime/index": { source: "runtime/index.ts", name: "index" },
  "runtime/testing/index": { source: "runtime/testing/index.ts", name: "testing" },
};

/**
 * The bundle's entry module: `entries` names them, `entry(name)` initialises one (`require` of an
 * ES module bundles it lazily).
 */
function bundleEntry() {
  const names = Object.values(ENTRIES).map(({ name }) => name);
  const cases = Object.values(ENTRIES).map(({ source, name }) => `case ${JSON.stringify(name)}: return require(${JSON.stringify(source.startsWith("runtime/") ? `./${source}` : source)});`);
  return [
    `export const entries = ${JSON.stringify(names)};`,
    `export function entry(name) { switch (name) { ${cases.join(" ")} default: throw new Error(\`podfn: no runtime entry "\${name}" (known: ${names.join(", ")})\`); } }`,
    "",
  ].join("\n");
}

/**
 * `import.meta.url` in CommonJS output: the file's own URL (the bundle's folder is where
 * `OUT/runtime` files are found). It opens with the strict-mode directive ES modules have, which
 * a banner would otherwise push out of first place.
 */
const URL_BANNER = '"use strict"; var __podfnModuleUrl = require("node:url").pathToFileURL(__filename).href;';

/**
 * Make the code cache (in a fresh Node process, as the CLI will run) and write each entry's
 * CommonJS module from the export names the loader reports. Resolves to the files written.
 */
async function writeEntries(out) {
  // A clean environment (no KUBECONFIG, NODE_OPTIONS...) but the temporary folder the training
  // run writes in; a training run that hangs stops the build after two minutes.
  const env = { PATH: process.env.PATH ?? "", ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}) };
  const names = JSON.parse(execFileSync(process.execPath, [join(out, LOADER), "--make-cache", join(ROOT, "scripts/build/cache-training.cjs")], { encoding: "utf8", env, timeout: 120_000 }));
  await writeFile(join(out, "runtime/package.json"), `${JSON.stringify({ type: "commonjs" })}\n`);
  const written = [`${BUNDLE}.cache`, "runtime/package.json"];
  for (const [path, { name }] of Object.entries(ENTRIES)) {
    const file = join(out, `${path}.js`);
    const loader = relativeUrl(dirname(file), join(out, LOADER));
    // CommonJS (OUT/runtime/package.json says so): `node dist/runtime/cli.js` and the built
    // functions never start Node's ES module loader (~5 ms). One `exports["name"] =` per export,
    // the form Node's CommonJS export detection reads, so ES modules can import them by name.
    const lines = [
      '"use strict";',
      `// podfn's "${name}" entry: the one runtime bundle's (see load.cjs).`,
      `const entry = require(${JSON.stringify(loader)}).entry(${JSON.stringify(name)});`,
      ...names[name].map((n) => `exports[${JSON.stringify(n)}] = entry[${JSON.stringify(n)}];`),
    ];
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, `${lines.join("\n")}\n`);
    written.push(`${path}.js`);
  }
  return written;
}

/**
 * Bundle the runtime into `OUT/BUNDLE` (see the module comment), check the bundle, copy its
 * loader beside it and write the entries (`writeEntries`). Resolves to the files written.
 */
export async function bundleRuntime(out) {
  const patched = new Set();
  const runtime = await build({
    absWorkingDir: ROOT,
    stdin: { contents: bundleEntry(), resolveDir: ROOT, sourcefile: "podfn-entries.js", loader: "js" },
    outfile: join(out, BUNDLE),
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    // Every import() the bundle keeps becomes a require (a vm script has no import()); those
    // of runtime-known specifiers go through the loader's (`loaderImport`).
    supported: { "dynamic-import": false },
    external: EXTERNAL,
    plugins: [lazyZodLocales(), leaveOut(), loaderImport(), lazyZod(), commonJsBuilds(), patchSources(patched), separateCluster()],
    banner: { js: URL_BANNER },
    define: { "import.meta.url": "__podfnModuleUrl" },
    ...SCRIPT_OPTIONS,
  });
  if (patched.size !== PATCHES.length) throw new Error(`scripts/build.js: a patched dependency was not bundled: review PATCHES`);
  // The emulator has a script of its own: one of its modules imported other than through its entry would be copied into this one, which every pod compiles and keeps.
  const emulator = Object.keys(runtime.metafile.inputs).filter((file) => file.startsWith(`${dirname(CLUSTER_ENTRY)}/`));
  if (emulator.length > 0) throw new Error(`scripts/build.js: ${BUNDLE} holds ${emulator.length} modules of the emulator (${emulator.slice(0, 3).join(", ")}, ...): import what runtime/testing needs of it from ${CLUSTER_ENTRY}`);
  // The build's id ends the bundle; the code cache starts with it (see scripts/bundle-loader.cjs).
  await writeFile(join(out, BUNDLE), `\n//# podfn-build ${randomUUID()}\n`, { flag: "a" });
  const bundled = await readFile(join(out, BUNDLE), "utf8");
  if (/(?<![\w$.])import\s*\(/.test(bundled)) throw new Error(`scripts/build.js: ${BUNDLE} still calls import() (a vm script has none): use runtime/dynamic-import.ts`);
  // The loader reads the bundle as latin1: it must be ASCII (esbuild's default charset escapes the rest).
  if (/[^\x00-\x7f]/.test(bundled)) throw new Error(`scripts/build.js: ${BUNDLE} is not ASCII (keep esbuild's charset: "ascii")`);
  await copyFile(join(ROOT, "scripts/bundle-loader.cjs"), join(out, LOADER));
  // Before the entries: listing the testing entry's exports loads the emulator's script.
  const cluster = await bundleCluster(out);
  return [...Object.keys(runtime.metafile.outputs), ...cluster, LOADER, ...(await writeEntries(out))];
}
