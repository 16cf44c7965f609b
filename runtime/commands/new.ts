/**
 * @module commands/new
 * `podfn new NAME [http|schedule|watch|admission]`: write a new function, `<functions>/NAME.ts`,
 * and its tests, `test/functions/NAME.test.ts`, from commands/new-templates: a working module of
 * that kind (an HTTP route by default) whose tests pass on the emulated cluster as written. It
 * never overwrites a file nor takes a name another module defines, nor writes outside a podfn
 * project (commands/new-project), and says what to run next.
 */
import { constants, statSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { folderFailure, makeDirectory } from "../make-directory.js";
import { filesDefining } from "../loader.js";
import { DNS_LABEL, MAX_NAME_LENGTH, RESERVED_NAMES } from "../definition-accept.js";
import { ConfigError } from "../errors.js";
import { closestName } from "../edit-distance.js";
import { defineCommand } from "./define.js";
import { FUNCTION_KINDS, scaffold, type FunctionKind } from "./new-templates.js";
import { outsideProject } from "./new-project.js";

const HELP = `Usage: podfn new NAME [http|schedule|watch|admission]

Writes a new function and its tests, to change as you need:
  <functions>/NAME.ts             a working function of that kind:
                                    http       a POST route with a bearer token and a strict input (default)
                                    schedule   a CronJob that deletes old succeeded pods (with a dry run)
                                    watch      a watch that annotates labelled ConfigMaps with a checksum
                                    admission  a validating webhook that refuses Deployments without an owner
  test/functions/NAME.test.ts     its tests on the emulated cluster, which pass as written
NAME is a DNS label (lower case letters, digits and '-', at most ${MAX_NAME_LENGTH} characters). Never overwrites a file,
nor takes a name another module defines, nor writes outside a podfn project (<functions> must be
under a package.json named podfn or depending on it: the module imports podfn).
`;

/** Why `name` cannot name a function, if it cannot. */
function nameProblem(name: string): string | undefined {
  if (!DNS_LABEL.test(name)) return "must be a DNS label: lower case letters, digits and '-', starting and ending with a letter or digit";
  if (name.length > MAX_NAME_LENGTH) return `must be at most ${MAX_NAME_LENGTH} characters (room for CronJob suffixes)`;
  if (RESERVED_NAMES.includes(name)) return `is reserved ("${name}" names the HTTP workload's objects)`;
  return undefined;
}

/** Whether `path` is a folder (not there, a file in the way: writeNew says why it cannot be made). */
function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** `to` as an ES module import from the file `from` (relative, `/`-separated, `.js`). */
function importPath(from: string, to: string): string {
  const path = relative(dirname(from), to).split(sep).join("/").replace(/\.ts$/, ".js");
  return path.startsWith(".") ? path : `./${path}`;
}

/**
 * Writes `text` to `path` unless a file is there; true when written. A folder that cannot be
 * made or written is a `ConfigError` saying why, after `where` (the option that chose it).
 */
async function writeNew(path: string, text: string, shown: string, where: string): Promise<boolean> {
  try {
    await makeDirectory(dirname(path));
    await writeFile(path, text, { flag: constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST" && (error as NodeJS.ErrnoException).path === path) return false;
    throw new ConfigError(`${where}cannot write ${shown} there (${folderFailure(error)})`, { cause: error });
  }
}

/** `word` as a POSIX shell reads it back: bare when plain, else single-quoted. */
function shellWord(word: string): string {
  return /^[\w./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

/** What other tools call a kind podfn names otherwise: a CronJob is a `schedule`, a webhook receiver `http`, a validating or mutating webhook `admission`, a controller a `watch`. */
const KIND_SYNONYMS: Readonly<Record<string, FunctionKind>> = {
  cron: "schedule", cronjob: "schedule", job: "schedule", timer: "schedule",
  route: "http", endpoint: "http", webhook: "http", api: "http",
  validating: "admission", mutating: "admission", "admission-webhook": "admission",
  controller: "watch", operator: "watch", informer: "watch", trigger: "watch",
};

/** The kind `given` most likely means: a synonym, or a near spelling of one of FUNCTION_KINDS. */
function meantKind(given: string): FunctionKind | undefined {
  const key = given.toLowerCase();
  return (Object.hasOwn(KIND_SYNONYMS, key) ? KIND_SYNONYMS[key] : undefined) ?? (closestName(given, FUNCTION_KINDS) as FunctionKind | undefined);
}

export const newCommand = defineCommand({
  name: "new",
  summary: "Write a new function and its tests.",
  help: HELP,
  takesArguments: true,
  async run(config, positionals, io) {
    const [name, kind = "http", extra] = positionals;
    if (name === undefined) throw new ConfigError(`name the function: podfn new NAME [${FUNCTION_KINDS.join("|")}]`);
    if (extra !== undefined) throw new ConfigError(`unexpected argument ${JSON.stringify(extra)}: podfn new NAME [${FUNCTION_KINDS.join("|")}]`);
    const problem = nameProblem(name);
    if (problem) throw new ConfigError(`the name ${JSON.stringify(name)} ${problem}`);
    if (!(FUNCTION_KINDS as readonly string[]).includes(kind)) {
      const meant = meantKind(kind);
      throw new ConfigError(`the kind ${JSON.stringify(kind)} is not one of ${FUNCTION_KINDS.join(", ")}${meant ? `: did you mean "${meant}"?` : ""}`);
    }
    const modulePath = resolve(io.cwd, config.functions, `${name}.ts`);
    const testPath = resolve(io.cwd, "test", "functions", `${name}.test.ts`);
    // A module under another file name may define the name already: two would be refused by
    // list and serve, after the new one's tests had been written against it.
    const functionsDir = resolve(io.cwd, config.functions);
    const outside = outsideProject(functionsDir);
    if (outside) {
      throw new ConfigError(
        `--functions ${config.functions}: not inside a podfn project (${outside.reason}): its module imports "podfn", which Node finds only under a package.json named podfn or depending on it; give a folder inside the project (functions/ by default)` +
          (outside.packageJson ? `, or add podfn to that package.json's dependencies` : ""),
      );
    }
    const definers = isFolder(functionsDir) ? (await filesDefining(functionsDir, name)).filter((f) => f !== modulePath) : [];
    if (definers.length > 0) throw new ConfigError(`the name ${JSON.stringify(name)} is already used by ${relative(io.cwd, definers[0]!) || definers[0]}: choose another name`);
    const files = await scaffold(kind as FunctionKind, name, importPath(testPath, modulePath));
    const shown = (path: string) => relative(io.cwd, path) || path;
    // The module first: a test without its module would not compile.
    if (!(await writeNew(modulePath, files.module, shown(modulePath), `--functions ${config.functions}: `))) throw new ConfigError(`${shown(modulePath)} exists: choose another name, or delete it first`);
    const wroteTest = await writeNew(testPath, files.test, shown(testPath), "");
    io.stdout(`wrote ${shown(modulePath)}${wroteTest ? ` and ${shown(testPath)}` : ""}\n`);
    if (!wroteTest) io.stderr(`podfn new: ${shown(testPath)} exists: left as it is (its tests are not the new function's)\n`);
    // npm start and npm run manifests read the default folder: another one is named to each command.
    const elsewhere = functionsDir === resolve(io.cwd, "functions") ? undefined : ` --functions ${shellWord(config.functions)}`;
    const serve = elsewhere ? `  npx podfn serve${elsewhere}` : "  npm start          ";
    io.stdout(
      [
        "next:",
        `  node --conditions=source --import tsx --test ${join("test", "functions", `${name}.test.ts`)}   its tests`,
        elsewhere
          ? `  npx podfn manifests${elsewhere} --out out/manifests   write its manifests`
          : "  npm run manifests   rewrite deploy/manifests (npm test compares them with the functions)",
        kind === "http" ? `${serve} serve it; the token is in .podfn/secrets/${name}-token` : kind === "schedule" ? `  npx podfn run ${name}${elsewhere ?? ""} --dry-run   run it once` : `${serve} serve it`,
      ].join("\n") + "\n",
    );
    return 0;
  },
});
