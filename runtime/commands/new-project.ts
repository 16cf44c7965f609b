/**
 * @module commands/new-project
 * Whether a functions folder is inside a podfn project, as `podfn new` checks before writing:
 * its module imports "podfn", which Node resolves by the nearest package.json above the module
 * (podfn's own, naming itself) or through node_modules (a project depending on podfn). A
 * folder elsewhere would get a module failing only when loaded ("Cannot find module 'podfn'").
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** What a package.json says of podfn. */
interface PackageJson {
  name?: unknown;
  dependencies?: unknown;
  devDependencies?: unknown;
  optionalDependencies?: unknown;
  peerDependencies?: unknown;
}

/** The nearest package.json at or above `folder` (which may not exist yet), if any. */
function nearestPackageJson(folder: string): string | undefined {
  for (let dir = folder; ; dir = dirname(dir)) {
    const path = join(dir, "package.json");
    try {
      readFileSync(path);
      return path;
    } catch {
      // none here (or not a file): look further up
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** Whether `pkg` lists podfn among its dependencies of any kind. */
function dependsOnPodfn(pkg: PackageJson): boolean {
  return [pkg.dependencies, pkg.devDependencies, pkg.optionalDependencies, pkg.peerDependencies].some(
    (deps) => typeof deps === "object" && deps !== null && Object.hasOwn(deps, "podfn"),
  );
}

/** Why a folder is not inside a podfn project: `reason`, and the package.json found, if one was. */
export interface OutsideProject {
  reason: string;
  packageJson?: string;
}

/**
 * Why the absolute `folder` is not inside a podfn project (the nearest package.json above it
 * names podfn or depends on it), or undefined when it is.
 *
 * @example
 * outsideProject("/tmp/outside/fns"); // { reason: "no package.json above it" }
 */
export function outsideProject(folder: string): OutsideProject | undefined {
  const packageJson = nearestPackageJson(folder);
  if (packageJson === undefined) return { reason: "no package.json above it" };
  let pkg: PackageJson;
  try {
    pkg = JSON.parse(readFileSync(packageJson, "utf8")) as PackageJson;
  } catch {
    return { reason: `${packageJson} is not readable JSON`, packageJson };
  }
  if (typeof pkg !== "object" || pkg === null) return { reason: `${packageJson} is not a JSON object`, packageJson };
  if (pkg.name === "podfn" || dependsOnPodfn(pkg)) return undefined;
  const name = typeof pkg.name === "string" ? JSON.stringify(pkg.name) : "a package without a name";
  return { reason: `${packageJson} is ${name}, which does not depend on podfn`, packageJson };
}
