/**
 * @module scripts/build/cluster
 * The emulated API server's pass of the production build: `runtime/testing/cluster` (the
 * emulator, ~0.5 MB of the runtime's JavaScript) bundled into a CommonJS script of its own,
 * `OUT/runtime/cluster.cjs`, which the runtime's bundle `require`s the first time something
 * starts an emulated cluster (`podfn serve` finding no cluster, `podfn/testing`). A pod never
 * does: in the runtime's bundle the emulator's ~0.5 MB of source would stay in every process's
 * heap for its lifetime (V8 keeps a script's source for lazy compilation), read and never run.
 * So what `podfn/testing`'s own helpers use of it is imported from its entry (re-exported there),
 * never from another of its modules; the runtime's build fails if one is (scripts/build/runtime.js).
 *
 * The emulator meets the rest of podfn over HTTPS and through a handful of plain values (its
 * `Cluster` handle, records, tokens), so the few runtime modules it imports (`SHARED_WITH_RUNTIME`) are
 * bundled in it again without two copies of anything compared by identity. It is loaded by Node's CommonJS loader, so its `import()` (of
 * `@marcbachmann/cel-js`, a CRD's CEL rules) is Node's own; no code cache: a local run compiles
 * it lazily, once.
 */
import { join } from "node:path";
import { build } from "esbuild";
import { CLUSTER_BUNDLE, ROOT } from "./layout.js";
import { SCRIPT_OPTIONS } from "./script-options.js";

/** The emulator's entry module: what the runtime's bundle `require`s in its place. */
export const CLUSTER_ENTRY = "runtime/testing/cluster/index.ts";

/**
 * The runtime modules the emulator imports, bundled in both scripts: stateless, and nothing of
 * theirs that crosses the boundary is compared by identity (`PodfnError` is the base of the
 * emulator's `ReviewRequestError`, caught inside it and answered as a Status). Any other import
 * fails the build.
 */
export const SHARED_WITH_RUNTIME = ["runtime/schedule/zone-names.ts", "runtime/schedule/go-space.ts", "runtime/make-directory.ts", "runtime/dynamic-import.ts", "runtime/errors.ts"];

/**
 * An esbuild plugin for the runtime's bundle: imports of the emulator's entry become a `require`
 * of `OUT/runtime/cluster.cjs`, left to run time (the bundle is run with a `require` resolving
 * from its own folder, see scripts/bundle-loader.cjs).
 */
export function separateCluster() {
  const bundled = `./${CLUSTER_BUNDLE.split("/").pop()}`;
  return {
    name: "podfn-separate-cluster",
    setup(b) {
      b.onResolve({ filter: /[\\/]cluster[\\/]index\.js$/ }, async (args) => {
        if (args.pluginData === "podfn-separate-cluster") return undefined;
        const resolved = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: "podfn-separate-cluster" });
        if (resolved.errors.length > 0 || resolved.path !== join(ROOT, CLUSTER_ENTRY)) return resolved.errors.length > 0 ? { errors: resolved.errors } : { path: resolved.path };
        return { path: bundled, external: true };
      });
    },
  };
}

/** Bundle the emulator into `OUT/runtime/cluster.cjs` (see the module comment). Resolves to the files written. */
export async function bundleCluster(out) {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [CLUSTER_ENTRY],
    outfile: join(out, CLUSTER_BUNDLE),
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    // Loaded at run time by Node, not bundled: a CRD's CEL rules (an ES module package).
    external: ["@marcbachmann/cel-js"],
    ...SCRIPT_OPTIONS,
  });
  const twice = Object.keys(result.metafile.inputs).filter((file) => file.startsWith("runtime/") && !file.startsWith("runtime/testing/cluster/") && !SHARED_WITH_RUNTIME.includes(file));
  if (twice.length > 0) throw new Error(`scripts/build.js: the emulator imports ${twice.join(", ")}, which the runtime's bundle holds too: review SHARED_WITH_RUNTIME (a second copy of a module with classes or state is a bug)`);
  return Object.keys(result.metafile.outputs);
}
