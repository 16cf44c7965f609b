/**
 * @module scripts/build/runtime-plugins
 * The esbuild plugins of the runtime's bundle and what they act on: packages bundled from their
 * CommonJS builds (`COMMONJS_BUILDS`), packages left out (`LEFT_OUT`), exact edits of bundled
 * dependencies (`PATCHES`), and the bundle's own versions of `runtime/dynamic-import.ts` and
 * `runtime/zod-runtime.ts`.
 */
import { readFile } from "node:fs/promises";
import { dirname } from "node:path";

/**
 * Packages bundled from their CommonJS build whichever way they are imported. In one script, a
 * bundled CommonJS module is a single closure until first required, while an ES module's
 * functions and export tables are set up when the script starts, used or not (esbuild hoists
 * them): these are needed by some commands only (yaml for a kubeconfig, hono for requests off
 * the fast path), so every process would otherwise pay for them at start-up.
 */
export const COMMONJS_BUILDS = ["yaml", "hono", "@hono/node-server", "jose", "zod"];

/** An esbuild plugin resolving `COMMONJS_BUILDS` (and their subpaths) to their `require` exports. */
export function commonJsBuilds() {
  const names = new RegExp(`^(${COMMONJS_BUILDS.map((n) => n.replace(/[/.]/g, "\\$&")).join("|")})(/.*)?$`);
  return {
    name: "podfn-commonjs-builds",
    setup(b) {
      b.onResolve({ filter: names }, async (args) => {
        if (args.kind === "require-call" || args.pluginData === "podfn-commonjs-builds") return undefined;
        const resolved = await b.resolve(args.path, { kind: "require-call", resolveDir: args.resolveDir, importer: args.importer, pluginData: "podfn-commonjs-builds" });
        return resolved.errors.length > 0 ? { errors: resolved.errors } : { path: resolved.path };
      });
    },
  };
}

/**
 * Packages left out of the runtime's bundle, each replaced by a function that throws what it is
 * for: thread-stream, which pino requires at load only for `pino.transport()` (log transports
 * in a worker thread), which podfn never calls.
 */
export const LEFT_OUT = { "thread-stream": "pino transports (a worker thread) are not part of podfn's build" };

/**
 * Edits of bundled dependencies, each an exact text replacement the build checks was made (a new
 * release laid out differently fails the build rather than shipping unpatched): builtins that
 * cost ~1 ms each to load at start-up, required only for a rare case, are required when needed.
 * pino reads `isMainThread` only when it makes its own file-descriptor stream (worker_threads);
 * sonic-boom calls `assert` only on a misuse (assert).
 */
export const PATCHES = [
  {
    file: /[\\/]node_modules[\\/]pino[\\/]lib[\\/]tools\.js$/,
    edits: [
      ["const { isMainThread } = require('worker_threads')", "const isMainThread = () => require('worker_threads').isMainThread"],
      ["if (!opts.sync && isMainThread) {", "if (!opts.sync && isMainThread()) {"],
    ],
  },
  {
    file: /[\\/]node_modules[\\/]sonic-boom[\\/]index\.js$/,
    edits: [["const assert = require('assert')", "function assert (ok, message) { if (!ok) require('assert')(ok, message) }"]],
  },
];

/** An esbuild plugin applying `PATCHES`; the build fails when a patched file was not bundled. */
export function patchSources(applied) {
  return {
    name: "podfn-patch-sources",
    setup(b) {
      for (const patch of PATCHES) {
        b.onLoad({ filter: patch.file }, async (args) => {
          let contents = await readFile(args.path, "utf8");
          for (const [from, to] of patch.edits) {
            if (!contents.includes(from)) throw new Error(`scripts/build.js: ${args.path} no longer contains ${JSON.stringify(from)}: review PATCHES`);
            contents = contents.replace(from, to);
          }
          applied.add(patch);
          return { contents, loader: "js" };
        });
      }
    },
  };
}

/** An esbuild plugin replacing the `LEFT_OUT` packages. */
export function leaveOut() {
  return {
    name: "podfn-left-out",
    setup(b) {
      b.onResolve({ filter: new RegExp(`^(${Object.keys(LEFT_OUT).join("|")})$`) }, (args) => ({ path: args.path, namespace: "podfn-left-out" }));
      b.onLoad({ filter: /.*/, namespace: "podfn-left-out" }, (args) => ({
        contents: `module.exports = function leftOut() { throw new Error(${JSON.stringify(`${args.path}: ${LEFT_OUT[args.path]}`)}); };`,
        loader: "js",
      }));
    },
  };
}

/**
 * An esbuild plugin giving the bundle's `runtime/dynamic-import.ts` the loader's `import()`
 * (the wrapper's `__podfnImport` argument): a script compiled by `vm` has none of its own.
 */
export function loaderImport() {
  return {
    name: "podfn-loader-import",
    setup(b) {
      b.onLoad({ filter: /[\\/]runtime[\\/]dynamic-import\.ts$/ }, () => ({ contents: "export function importModule(specifier) { return __podfnImport(specifier); }\n", loader: "js" }));
    },
  };
}

/**
 * An esbuild plugin making the bundle's `runtime/zod-runtime.ts` initialise zod on first call
 * (a static import would initialise it with the module): a `require` of zod's CommonJS build,
 * the one file every `import "zod"` of the bundle resolves to (`COMMONJS_BUILDS`), so the
 * runtime and the functions share one zod.
 */
export function lazyZod() {
  return {
    name: "podfn-lazy-zod",
    setup(b) {
      b.onLoad({ filter: /[\\/]runtime[\\/]zod-runtime\.ts$/ }, (args) => ({
        contents: 'export function zod() { return require("zod").z; }\n',
        loader: "js",
        resolveDir: dirname(args.path),
      }));
    },
  };
}
