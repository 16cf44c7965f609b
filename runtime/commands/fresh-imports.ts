/**
 * @module commands/fresh-imports
 * For `podfn dev`: a module-resolution hook that versions every module under the functions
 * folder (`?v=N`), so a reload imports fresh copies of the function modules and of the helper
 * modules they import, not the ones Node's module cache holds. The version lives in shared
 * memory so it is current in the hooks thread the moment `next()` bumps it.
 */
import { register } from "node:module";
import { pathToFileURL } from "node:url";

// The hook runs in Node's module-hooks thread; it is plain JavaScript so it loads the same from
// the TypeScript sources and from the compiled build.
const HOOK = `
let prefix = "";
let version = new Int32Array(1);
export function initialize(data) {
  prefix = data.prefix;
  version = new Int32Array(data.version);
}
export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  const v = Atomics.load(version, 0);
  if (v === 0 || !result.url.startsWith(prefix) || result.url.includes("/node_modules/")) return result;
  const url = new URL(result.url);
  url.searchParams.set("v", String(v));
  return { ...result, url: url.href };
}
`;

/** Versions imports of modules under `dir`; `next()` makes the following imports fresh. */
export function freshImports(dir: string): { next(): number } {
  const version = new Int32Array(new SharedArrayBuffer(4));
  register(`data:text/javascript,${encodeURIComponent(HOOK)}`, {
    data: { prefix: pathToFileURL(dir.endsWith("/") ? dir : `${dir}/`).href, version: version.buffer },
  });
  return {
    next() {
      return Atomics.add(version, 0, 1) + 1;
    },
  };
}
