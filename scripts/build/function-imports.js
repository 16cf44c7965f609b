/**
 * @module scripts/build/function-imports
 * What each import of a function module becomes in the functions' pass of the production build
 * (the esbuild plugin `perFileFunctions`): a runtime entry, another compiled module of a
 * functions folder, code bundled in, or a package left to Node.
 */
import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, join } from "node:path";

/**
 * What a function's `import "podfn"`, `"podfn/testing"` and `"zod"` become: the runtime entry
 * each is served by (output path under OUT, without `.js`). Written as a placeholder specifier
 * during the functions' build and replaced by the relative URL from each output file.
 */
export const SHARED = { podfn: "runtime/index", "podfn/testing": "runtime/testing/index", zod: "runtime/shared-zod" };

/**
 * An esbuild plugin compiling each module of the functions folders to its own file. Imports it
 * leaves to Node are written as `PLACEHOLDER<output path under OUT>` (`placeholder` is unique
 * to the build, so no string of the user's can look like one) and made relative URLs from each
 * output file afterwards: `podfn`, `podfn/testing` and `zod` become the runtime's entries
 * (`SHARED`); a module of a functions folder (`sources`: source path to output path), whoever
 * imports it, stays one compiled file; code outside the folders is bundled into its importer,
 * and packages are left to Node's resolution (`isPackage`: an alias of the project's own code,
 * though a bare specifier, is resolved as a relative import is). `esmOnly` (a Set) collects the imported packages
 * with no CommonJS form. `commonJs` (for the pass building a folder's CommonJS modules apart,
 * the rest being ES modules because of `commonJs.reason`): importing an ES module there (a
 * module of the folder or a package) fails the build, since Node 20 before 20.19 cannot
 * `require()` one.
 */
export function perFileFunctions({ sources, placeholder, esmOnly, commonJs }) {
  return {
    name: "podfn-functions",
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind === "entry-point" || args.pluginData === placeholder) return undefined;
        if (Object.hasOwn(SHARED, args.path)) return { path: `${placeholder}${SHARED[args.path]}.js`, external: true };
        const bare = !args.path.startsWith(".") && !args.path.startsWith("/");
        const resolved = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: placeholder });
        if (bare && isPackage(args.path, resolved)) {
          if ((esmOnly || commonJs) && !(await requirable(b, args, placeholder))) {
            if (commonJs) return { errors: [{ text: notRequirable(args.path, "is an ES-module-only package", commonJs) }] };
            esmOnly.add(args.path);
          }
          return { external: true };
        }
        if (resolved.errors.length > 0) return { errors: resolved.errors };
        const target = sources.get(resolved.path);
        if (target === undefined) return resolved;
        if (commonJs && !target.endsWith(".cjs")) return { errors: [{ text: notRequirable(args.path, `is built as an ES module (${target})`, commonJs) }] };
        return { path: `${placeholder}${target}`, external: true };
      });
    },
  };
}

/**
 * Whether a bare specifier names a package, left to Node's resolution: a builtin, `podfn` itself,
 * anything resolving into a node_modules folder, and what does not resolve at build time. Other
 * bare specifiers are aliases of the project's own code (tsconfig `paths`, package.json
 * `imports`), which Node would not resolve in the built output: compiled as relative imports are.
 */
function isPackage(specifier, resolved) {
  if (specifier === "podfn" || specifier.startsWith("podfn/")) return true;
  return resolved.errors.length > 0 || resolved.external || NODE_MODULES.test(resolved.path);
}

const NODE_MODULES = /[\\/]node_modules[\\/]/;

/** Why a CommonJS module cannot import `specifier` in a folder built as ES modules. */
function notRequirable(specifier, what, { reason }) {
  return `a CommonJS module (.cts, .cjs) stays CommonJS, and cannot import "${specifier}": it ${what}, which Node 20 before 20.19 cannot require() (the folder is built as ES modules: it uses ${reason}); make the importer an ES module (.ts, .mts)`;
}

/**
 * Whether a package a function imports can be `require`d by a CommonJS build of it on every Node
 * podfn supports (a builtin, or a package whose `require` entry is CommonJS): `require()` of an
 * ES module needs Node 20.19 and warns there.
 */
async function requirable(b, args, placeholder) {
  const resolved = await b.resolve(args.path, { kind: "require-call", resolveDir: args.resolveDir, importer: args.importer, pluginData: placeholder });
  if (resolved.errors.length > 0) return false;
  if (resolved.external || !isAbsolute(resolved.path)) return true;
  return !(await isEsModuleFile(resolved.path));
}

/** Whether Node loads `file` as an ES module: `.mjs`, or `.js` under a package.json saying `module`. */
async function isEsModuleFile(file) {
  if (file.endsWith(".mjs")) return true;
  if (file.endsWith(".cjs") || !file.endsWith(".js")) return false;
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    try {
      return JSON.parse(await readFile(join(dir, "package.json"), "utf8")).type === "module";
    } catch {
      if (dirname(dir) === dir) return false;
    }
  }
}
