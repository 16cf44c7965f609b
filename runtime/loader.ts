/**
 * @module loader
 * Finds function modules under a folder (nested folders allowed; names starting with `_`,
 * test files and declaration files skipped; a JSX module named as a problem), imports them
 * together, requires a default export made by `defineFunction`, validates each definition, and
 * rejects duplicate names and routes. Every problem of every file is reported at once, each with its path and the fix; a
 * module whose import never finishes (a top-level await nothing settles) is one of them.
 * `only` (podfn run) imports the module named like the function, and those writing its name;
 * `filesDefining` finds the modules defining a name the same way.
 */
import { readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, extname, basename, isAbsolute, sep } from "node:path";
import { closestName } from "./edit-distance.js";
import { pathToFileURL } from "node:url";
import { PodfnError } from "./errors.js";
import { isPodfnFunction, type LoadedFunction, type LoadedWatch } from "./function.js";
import { resolveDefinition } from "./definition-schema.js";
import { defaultExportHint } from "./default-export-hint.js";
import { finalizerKey, sharedFinalizerMessage } from "./watch/definition.js";
import { importModule } from "./dynamic-import.js";
import { importHint, importMessage, syntaxLocation } from "./import-problem.js";
import { forgetModules, requireModule, shareSourceSubpaths } from "./require-module.js";
import { reportedElsewhere, withoutReportedEchoes } from "./process-faults.js";
import { NEVER_SETTLED, settledBeforeDrain } from "./never-settles.js";

/** One or more modules are invalid; `problems` holds `file: field: what to fix` lines. */
export class LoadError extends PodfnError {
  declare readonly code: "load_failed";
  /** One line per problem, `file: field: what to fix`. */
  readonly problems: string[];
  /** The functions folder itself was not there (`podfn dev` then waits for it to come back). */
  readonly folderMissing: boolean;

  constructor(problems: string[], options: { folderMissing?: boolean } = {}) {
    super("load_failed", `cannot load functions:\n  - ${problems.join("\n  - ")}`);
    this.problems = problems;
    this.folderMissing = options.folderMissing ?? false;
  }
}

const MODULE_EXTENSIONS = new Set([".ts", ".mts", ".cts", ".js", ".mjs", ".cjs"]);

/** JSX modules: Node cannot import them, so one in the folder is named rather than passed over. */
const JSX_EXTENSIONS = new Set([".tsx", ".jsx"]);

/** Whether the file `name` is one the loader looks at: not a helper (`_`), hidden, declaration or test file. */
function isCandidate(name: string): boolean {
  if (name.startsWith("_") || name.startsWith(".")) return false;
  return !/\.d\.[mc]?ts$/.test(name) && !/\.(test|spec)\.[mc]?[jt]sx?$/.test(name);
}

/**
 * Paths of the function modules under `dir` (an absolute, resolved folder), sorted; `.tsx` and
 * `.jsx` modules that would have been function modules are added to `jsx`. The folder
 * is read synchronously: this runs before the process serves anything, and a handful of
 * `readdir` calls cost less than the thread-pool round trips of their promise versions.
 */
export function findFunctionFiles(dir: string, jsx: string[] = []): string[] {
  const out: string[] = [];
  function walk(folder: string): void {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      // An entry name joined to a resolved folder needs no normalising (path.join would).
      const path = folder.endsWith(sep) ? folder + entry.name : folder + sep + entry.name;
      if (entry.isDirectory()) {
        if (!entry.name.startsWith("_") && !entry.name.startsWith(".") && entry.name !== "node_modules") walk(path);
      } else if (isCandidate(entry.name)) {
        const ext = extname(entry.name);
        if (MODULE_EXTENSIONS.has(ext)) out.push(path);
        else if (JSX_EXTENSIONS.has(ext)) jsx.push(path);
      }
    }
  }
  walk(dir);
  return out.sort();
}

export interface LoadOptions {
  /** Load just this function: tries `<name>.<ext>` first (with the modules writing the name as a string, to refuse a second definition), then every module. */
  only?: string;
  /** Paths in messages are relative to this. Default: the current directory. */
  cwd?: string;
  /** Import fresh copies of the modules (a query string on their URLs): `podfn dev` reloads. */
  fresh?: string;
}

function moduleUrl(file: string, fresh?: string): string {
  const url = pathToFileURL(file);
  if (fresh) url.searchParams.set("v", fresh);
  return url.href;
}

/** Whether Node loads `file` as an ES module: by extension, else the nearest package.json's `type`. */
function isEsModule(file: string, types: Map<string, boolean>): boolean {
  const ext = extname(file);
  if (ext === ".mjs" || ext === ".mts") return true;
  if (ext === ".cjs" || ext === ".cts") return false;
  const dir = dirname(file);
  let esm = types.get(dir);
  if (esm === undefined) {
    try {
      esm = (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { type?: unknown }).type === "module";
    } catch {
      esm = dir === dirname(dir) ? false : isEsModule(join(dirname(dir), basename(file)), types);
    }
    types.set(dir, esm);
  }
  return esm;
}

/**
 * Import every module through one generated module that imports them all: Node then links one
 * module graph instead of one per file (each walking the shared `podfn` and `zod` modules
 * again), which halves the cost of loading hundreds of functions. Undefined when any module
 * fails: the caller imports them one by one to report each failure.
 */
async function importTogether(files: string[], fresh?: string): Promise<Record<string, unknown>[] | undefined> {
  const source = files.map((file, i) => `import * as m${i} from ${JSON.stringify(moduleUrl(file, fresh))};`).join("\n") + `\nexport default [${files.map((_, i) => `m${i}`).join(", ")}];`;
  try {
    return ((await importModule(`data:text/javascript,${encodeURIComponent(source)}`)) as { default: Record<string, unknown>[] }).default;
  } catch (error) {
    reportedElsewhere(error);
    return undefined;
  }
}

/**
 * Import one module; a CommonJS one is `require`d (`requireModule`: for `podfn dev`'s fresh
 * copies the loader has made Node forget the folder's CommonJS modules first), from a source
 * checkout with `podfn/testing` shared with the ES modules first (`shareSourceSubpaths`).
 */
async function importOne(file: string, fresh: string | undefined, commonJs: boolean): Promise<{ mod?: Record<string, unknown>; problem?: string }> {
  try {
    if (!commonJs) return { mod: await importModule(moduleUrl(file, fresh)) };
    await shareSourceSubpaths();
    return { mod: requireModule(file) };
  } catch (error) {
    reportedElsewhere(error);
    return { problem: `the module failed to import: ${importMessage(error)}${await syntaxLocation(error, file)}${importHint(error)}` };
  }
}

/**
 * Whether `file`'s text holds `name` as a whole string literal (`"cleanup"`, `'cleanup'`,
 * `` `cleanup` ``), as a module defining a function of that name writes it, in source and
 * compiled alike. A name built at run time (`` `${prefix}-x` ``) is not found.
 */
function mentionsName(file: string, name: string): boolean {
  try {
    const text = readFileSync(file, "utf8");
    return ['"', "'", "`"].some((quote) => text.includes(`${quote}${name}${quote}`));
  } catch {
    // Unreadable (removed meanwhile, no permission): not a module the run could import either.
    return false;
  }
}

/**
 * The modules under `dir` (an absolute, resolved folder) that define a function named `name`:
 * those writing it as a string are imported (`podfn new` refuses a name taken). A module that
 * fails to import is not counted: list and serve report it.
 */
export function filesDefining(dir: string, name: string): Promise<string[]> {
  const candidates = findFunctionFiles(dir).filter((f) => mentionsName(f, name));
  const types = new Map<string, boolean>();
  return withoutReportedEchoes(async () => {
    const imported = await importEach(candidates, undefined, (f) => !isEsModule(f, types));
    // An invalid definition still takes its name: the user means it, and list says what to fix.
    return candidates.filter((_, i) => {
      const exported = imported[i]!.mod?.default;
      return isPodfnFunction(exported) && (exported as { name?: unknown }).name === name;
    });
  });
}

/** A module whose top-level await was still pending when the process had nothing left to do. */
const NEVER_IMPORTED = "the module never finished importing: its top-level await waits on a promise nothing settles (the process had nothing left to do)";

/**
 * `importOne` of each file; one whose import never ends (a top-level await nothing settles) is
 * that problem, where the process would otherwise end with exit 0 having done nothing.
 */
async function importEach(files: string[], fresh: string | undefined, commonJs: (file: string) => boolean): Promise<{ mod?: Record<string, unknown>; problem?: string }[]> {
  const imported = await settledBeforeDrain(files.map((f) => importOne(f, fresh, commonJs(f))));
  return imported.map((result) => (result === NEVER_SETTLED ? { problem: NEVER_IMPORTED } : result));
}

/** Check an imported module's default export and resolve it into a `LoadedFunction`. `shown` names the file in problems (only made when there is one). */
function checkModule(mod: Record<string, unknown>, file: string, shown: () => string): { fn?: LoadedFunction; problems: string[] } {
  if (!isPodfnFunction(mod.default)) return { problems: [`${shown()}: needs a default export made by defineFunction(...)${defaultExportHint(mod, file)}`] };
  const result = resolveDefinition(mod.default, file);
  return result.ok ? { fn: result.fn, problems: [] } : { problems: result.problems.map((p) => `${shown()}: ${p}`) };
}

function checkDuplicates(loaded: LoadedFunction[], shown: (f: LoadedFunction) => string): string[] {
  const problems: string[] = [];
  const byName = new Map<string, LoadedFunction>();
  const byRoute = new Map<string, LoadedFunction>();
  const byFinalizer = new Map<string, [LoadedFunction, LoadedWatch]>();
  for (const fn of loaded) {
    const other = byName.get(fn.name);
    if (other) problems.push(`${shown(fn)}: the name "${fn.name}" is already used by ${shown(other)}: rename one`);
    else byName.set(fn.name, fn);
    if (fn.http) {
      const route = `${fn.http.method} ${fn.http.path}`;
      const taken = byRoute.get(route);
      if (taken) problems.push(`${shown(fn)}: the route ${route} is already served by ${shown(taken)}: set a different http.path`);
      else byRoute.set(route, fn);
    }
    // Two entries of one function were judged with its definition.
    for (const w of fn.watches) {
      if (w.finalizer === undefined) continue;
      const key = finalizerKey(w.type, w.finalizer);
      const taken = byFinalizer.get(key);
      if (!taken) byFinalizer.set(key, [fn, w]);
      else if (taken[0] !== fn) problems.push(`${shown(fn)}: watch "${w.name}": ${sharedFinalizerMessage(w.finalizer, w.type, `${shown(taken[0])}'s watch "${taken[1].name}"`)}`);
    }
  }
  return problems;
}

/**
 * Load every function under `dir`.
 *
 * @example
 * const functions = await loadFunctions("functions");
 * @throws LoadError listing every problem found.
 */
export function loadFunctions(dir: string, options: LoadOptions = {}): Promise<LoadedFunction[]> {
  // A module failing inside an ES module graph also rejects a promise nothing handles (Node 20):
  // reported here, it must neither end the process nor be logged as a function's fault.
  return withoutReportedEchoes(() => loadFolder(dir, options));
}

async function loadFolder(dir: string, options: LoadOptions): Promise<LoadedFunction[]> {
  const cwd = options.cwd ?? process.cwd();
  const root = resolve(cwd, dir);
  // Relative to the working directory when inside it; a path outside it is shown as it is (not `../../x`).
  const shownPath = (file: string) => {
    const rel = relative(cwd, file);
    return rel === "" ? file : rel.startsWith("..") || isAbsolute(rel) ? file : rel;
  };
  try {
    if (!statSync(root).isDirectory()) throw new LoadError([`${shownPath(root)}: is not a folder`]);
  } catch (error) {
    if (error instanceof LoadError) throw error;
    throw new LoadError([`${shownPath(root)}: the functions folder does not exist (set --functions or PODFN_FUNCTIONS)`], { folderMissing: true });
  }
  const jsx: string[] = [];
  const files = findFunctionFiles(root, jsx);
  const check = (file: string, imported: { mod?: Record<string, unknown>; problem?: string }) =>
    imported.mod ? checkModule(imported.mod, file, () => shownPath(file)) : { problems: [`${shownPath(file)}: ${imported.problem}`] };
  const types = new Map<string, boolean>();
  const commonJs = (file: string) => !isEsModule(file, types);
  // A reload: CommonJS modules (function files, and the helpers any module requires or imports)
  // are read again, as the versioned URLs of `fresh` make ES modules be.
  // By real path: Node caches modules under it, a symlinked folder's too.
  if (options.fresh) forgetModules(realpathSync(root));
  const only = options.only;
  if (only !== undefined) {
    const guess = files.find((f) => basename(f, extname(f)) === only);
    const one = guess ? check(guess, (await importEach([guess], options.fresh, commonJs))[0]!).fn : undefined;
    if (one?.name === only) {
      // Another module that may define the same name (it writes it as a string) is imported
      // and checked with it: a copy left under another file name is refused, as list and serve
      // refuse it, without importing the neighbours that do not name it.
      const rivals = files.filter((f) => f !== guess && mentionsName(f, only));
      if (rivals.length === 0) return [one];
      const checked = (await importEach(rivals, options.fresh, commonJs)).map((imported, i) => check(rivals[i]!, imported));
      const named = checked.flatMap((r) => (r.fn?.name === only ? [r.fn] : []));
      const twice = checkDuplicates([one, ...named], (f) => shownPath(f.file)).filter((p) => p.includes(`the name "${only}"`));
      const problems = [...checked.flatMap((r) => r.problems), ...twice];
      if (problems.length > 0) throw new LoadError(problems);
      return [one];
    }
  }
  // Only ES modules: a CommonJS module failing inside the generated module's graph also raises
  // an unhandled rejection on Node 20, which would end the process instead of naming the file.
  // One of them never finishing: imported one by one, the others are checked and it is named.
  const [together] = files.length > 1 && !files.some(commonJs) ? await settledBeforeDrain([importTogether(files, options.fresh)]) : [undefined];
  const imported = together && together !== NEVER_SETTLED ? together.map((mod) => ({ mod })) : await importEach(files, options.fresh, commonJs);
  const results = files.map((file, i) => check(file, imported[i]!));
  const loaded = results.flatMap((r) => (r.fn ? [r.fn] : []));
  const problems = [
    ...jsx.sort().map((file) => `${shownPath(file)}: a JSX module is not loaded (Node imports no JSX): write the function as ${extname(file) === ".tsx" ? ".ts" : ".js"}, or start the file's name with _ if it is a helper`),
    ...results.flatMap((r) => r.problems),
    ...checkDuplicates(loaded, (f) => shownPath(f.file)),
  ];
  if (problems.length > 0) throw new LoadError(problems);
  if (only !== undefined) {
    const found = loaded.find((f) => f.name === only);
    if (!found) {
      // `podfn run functions/tidy.ts`: the function that file defines.
      const byFile = loaded.find((f) => f.file === resolve(cwd, only) || (only.includes(".") && basename(f.file) === basename(only)));
      const meant = byFile?.name ?? closestName(only, loaded.map((f) => f.name));
      const why = byFile ? " (give the function's name, not its file)" : "";
      throw new LoadError([`no function named "${only}" in ${shownPath(root)}${meant ? `: did you mean "${meant}"?${why}` : ""} (known: ${loaded.map((f) => f.name).join(", ") || "none"})`]);
    }
    return [found];
  }
  // Names are DNS labels: code-unit order is their order, and it leaves Node's collation data
  // (localeCompare's first call: ~5 ms and ~3 MB) unloaded.
  return loaded.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
