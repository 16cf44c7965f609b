/**
 * @module commands/new-templates
 * What `podfn new` writes: for each kind of function (an HTTP route, a CronJob, a watch, an
 * admission webhook) a small working module and its tests on the emulated cluster, which pass as
 * written, from the files in `new-templates/` (`<kind>.ts.template`, `<kind>.test.ts.template`;
 * `__NAME__` is the function's name, `__IMPORT__` the module as its test imports it). Each is a
 * starting point that shows the idioms (a strict input, least-privilege permissions, a dry run,
 * a watch that writes only on change), not a stub. The files are read from the checkout: the
 * production bundle carries none of them (`podfn new` writes into a project's sources).
 */
import { readFile } from "node:fs/promises";
import { ConfigError } from "../errors.js";

/** The kinds of function `podfn new` writes. */
export const FUNCTION_KINDS = ["http", "schedule", "watch", "admission"] as const;
export type FunctionKind = (typeof FUNCTION_KINDS)[number];

/** A function module and its test. */
export interface Scaffold {
  module: string;
  test: string;
}

/** The template `file` of new-templates/, filled in. */
async function filled(file: string, name: string, importPath: string): Promise<string> {
  const url = new URL(`new-templates/${file}`, import.meta.url);
  let text: string;
  try {
    text = await readFile(url, "utf8");
  } catch {
    throw new ConfigError(`podfn new writes from the templates in a checkout of podfn (runtime/commands/new-templates/), and ${file} is not there: run it from the repository, not from a build`);
  }
  return text.replaceAll("__NAME__", name).replaceAll("__IMPORT__", importPath);
}

/**
 * The module and test of a new function `name` of `kind`; `importPath` is the module as the
 * test imports it.
 *
 * @example
 * const { module, test } = await scaffold("http", "count-pods", "../../functions/count-pods.js");
 */
export async function scaffold(kind: FunctionKind, name: string, importPath: string): Promise<Scaffold> {
  const [module, test] = await Promise.all([filled(`${kind}.ts.template`, name, importPath), filled(`${kind}.test.ts.template`, name, importPath)]);
  return { module, test };
}
