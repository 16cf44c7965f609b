/**
 * @module testing/project-scopes
 * The custom resources' scopes a deployed function's RBAC is computed with: those its whole
 * project declares (deploy/scopes: every function of the harness's functions folder, the
 * deployed one in place of its namesake or beside them), as `podfn manifests` reads them. So a
 * sibling function that watches a custom resource cluster-scoped puts this function's rule on it
 * in its ClusterRole in a test as in production, though the harness deploys it alone.
 *
 * A scope changes only a rule on a resource of a group that is not built in: the folder is
 * loaded (once) for a function with such a rule alone, so a test of another function does not
 * depend on every module of the folder loading. The default folder (`functions`) missing, the
 * project is the deployed function alone; a folder given and missing, or a module of it that
 * fails to load, fails the deploy (`LoadError`), as `podfn manifests` fails.
 */
import type { LoadedFunction } from "../function.js";
import { LoadError, loadFunctions } from "../loader.js";
import { declaredScopes } from "../deploy/scopes.js";
import { CLUSTER_SCOPE, isBuiltInGroup, type ResourceScopes } from "../deploy/rules.js";
import { servingPermissions } from "../requirements.js";

/** Whether some rule of `fn` (declared, or its watches') is one a declared scope can move: a custom group's (or `*`), in no namespace `*`. */
function scopeMatters(fn: LoadedFunction): boolean {
  return servingPermissions(fn).some((rule) => rule.namespace !== CLUSTER_SCOPE && rule.apiGroups.some((group) => !isBuiltInGroup(group)));
}

/** The scopes of one harness's project (its functions folder), read when first needed. */
export class ProjectScopes {
  readonly #dir: string;
  readonly #given: boolean;
  #project: Promise<LoadedFunction[]> | undefined;

  /** `dir`: the harness's functions folder; `given`: a test named it (else the default `functions`, which may be missing). */
  constructor(dir: string, given: boolean) {
    this.#dir = dir;
    this.#given = given;
  }

  /**
   * The scopes `fn`'s RBAC is computed with: its project's, `fn` counted in place of the
   * project's function of its name.
   *
   * @example
   * await grantCronJobPermissions(admin, ns, "gadget-report-cronjob", [fn], { scopes: await scopes.of(fn) });
   */
  async of(fn: LoadedFunction): Promise<ResourceScopes> {
    if (!scopeMatters(fn)) return declaredScopes([fn]);
    const project = await (this.#project ??= this.#load());
    return declaredScopes([...project.filter((other) => other.name !== fn.name), fn]);
  }

  async #load(): Promise<LoadedFunction[]> {
    try {
      return await loadFunctions(this.#dir);
    } catch (error) {
      if (!this.#given && error instanceof LoadError && error.folderMissing) return [];
      // A failed load is not kept: the next deploy tries again.
      this.#project = undefined;
      throw error;
    }
  }
}
