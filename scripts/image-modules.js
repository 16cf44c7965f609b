/**
 * Copies into `OUT/node_modules` exactly the packages the built code loads at run time
 * (`DIST/image-packages.json`, written by scripts/build.js: undici and what the functions
 * import) and their dependencies, located as package-lock.json says and Node resolves them, from
 * `./node_modules`. Everything else the runtime uses is in its bundle, so the image holds ~7 MB
 * of packages (undici 2.2 MB, cron-parser and luxon, whose five builds of itself are 4.5 MB)
 * instead of every production dependency (~40 MB: tsx and esbuild's native binary among them). A package the lock file does not have, or has only as a devDependency (which a
 * production install lacks), stops it with an error naming the package.
 *
 * Usage: node scripts/image-modules.js [--dist DIR] [--out DIR]   (defaults: dist, image-modules)
 */
import { cpSync, existsSync, readFileSync, rmSync } from "node:fs";
import { join, resolve, sep } from "node:path";
import { parseArgs } from "node:util";

/** Where `name` resolves from the package at `from` (a lock key such as `node_modules/a`), as Node walks up. */
function locate(packages, from, name) {
  for (let at = from; ; ) {
    const candidate = `${at === "" ? "" : `${at}/`}node_modules/${name}`;
    if (packages[candidate] !== undefined) return candidate;
    if (at === "") return undefined;
    const cut = at.lastIndexOf("/node_modules/");
    at = cut === -1 ? "" : at.slice(0, cut);
  }
}

/**
 * The lock keys of `roots` and everything they depend on (dependencies, optional and peer
 * dependencies that are installed).
 */
export function closure(lock, roots) {
  const packages = lock.packages ?? {};
  const found = new Set();
  const queue = roots.map((name) => {
    const at = locate(packages, "", name);
    if (at === undefined) throw new Error(`image-modules: the built code loads "${name}", which package-lock.json does not have: add it to dependencies`);
    if (packages[at].dev === true) throw new Error(`image-modules: the built code loads "${name}", a devDependency the image does not install: move it to dependencies`);
    return at;
  });
  while (queue.length > 0) {
    const at = queue.pop();
    if (found.has(at)) continue;
    found.add(at);
    const entry = packages[at];
    const optional = new Set([...Object.keys(entry.optionalDependencies ?? {}), ...Object.keys(entry.peerDependenciesMeta ?? {}).filter((n) => entry.peerDependenciesMeta[n]?.optional)]);
    for (const name of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies, ...entry.peerDependencies })) {
      const dep = locate(packages, at, name);
      if (dep === undefined) {
        if (optional.has(name)) continue;
        throw new Error(`image-modules: ${at} needs "${name}", which package-lock.json does not locate`);
      }
      queue.push(dep);
    }
  }
  return [...found].sort();
}

/** Copy the packages of `dist`'s image-packages.json with their dependencies from `cwd`/node_modules to `out`/node_modules. */
export function copyImageModules({ cwd = process.cwd(), dist = "dist", out = "image-modules" } = {}) {
  const { packages } = JSON.parse(readFileSync(resolve(cwd, dist, "image-packages.json"), "utf8"));
  const lock = JSON.parse(readFileSync(resolve(cwd, "package-lock.json"), "utf8"));
  const keys = closure(lock, packages);
  const target = resolve(cwd, out);
  rmSync(target, { recursive: true, force: true });
  for (const key of keys) {
    const from = resolve(cwd, key);
    if (!existsSync(from)) throw new Error(`image-modules: ${key} is in package-lock.json but not installed: run npm ci first`);
    // Its own files only: packages nested in it are copied as the lock file locates them.
    cpSync(from, join(target, key), { recursive: true, dereference: true, filter: (path) => !path.slice(from.length).split(sep).includes("node_modules") });
  }
  return keys;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const { values } = parseArgs({ options: { dist: { type: "string" }, out: { type: "string" } } });
  const keys = copyImageModules({ ...(values.dist ? { dist: values.dist } : {}), ...(values.out ? { out: values.out } : {}) });
  process.stdout.write(`podfn: ${keys.length} packages for the image in ${values.out ?? "image-modules"}: ${keys.map((k) => k.replace(/^.*node_modules\//, "")).join(", ")}\n`);
}
