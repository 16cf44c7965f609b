/**
 * @module scripts/build/glob-imports
 * Dynamic imports whose path is a template literal (import(`./plugins/${name}.js`)) in the
 * functions' pass of the production build. esbuild bundles into the importer the files such a
 * pattern matches (`./plugins/**\/*.js`), as they are on disk: in a TypeScript functions folder
 * the pattern names the compiled `.js` files, which are not there, so it matches nothing, warns
 * (`empty-glob`), and the built import fails at run time ("Module not found in bundle").
 * `leftToNode` picks those that import modules of the importer's own functions folder, which are
 * compiled to the same relative paths: the build leaves them to Node (`leaveToNode`). Any other
 * pattern matching nothing fails the build.
 */
import { readFile } from "node:fs/promises";
import { realpathSync } from "node:fs";
import { dirname, resolve, sep } from "node:path";
import { ROOT, relativeUrl } from "./layout.js";

const EMPTY_GLOB = /^The glob pattern (import|require)\("([^"]+)"\) did not match any files/;

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A glob pattern of esbuild's (`*` within a folder, `**\/` any folders) as a regular expression. */
function patternRegExp(pattern) {
  return new RegExp(`^${pattern.split("**/").map((part) => part.split("*").map(escapeRegExp).join("[^/]*")).join("(?:[^/]+/)*")}$`);
}

/**
 * From a build's warnings, add to `found` (real path of a module → locations, in bytes as esbuild
 * gives them, of the template literals to leave to Node) each `empty-glob` import of a module of
 * a functions folder (`folders`: output folder name to source folder; `sources`: real path →
 * output path of each module) whose pattern, in `.js`, names modules of that folder (`.ts` or
 * `.js` sources, compiled to `.js` at the same relative path). Throws for any other `empty-glob`.
 * Returns whether it added any.
 */
export function leftToNode(warnings, folders, sources, found) {
  let added = false;
  for (const warning of warnings) {
    const [, kind, pattern] = EMPTY_GLOB.exec(warning.text) ?? [];
    if (pattern === undefined || !warning.location) continue;
    const { file, line, column, length, lineText } = warning.location;
    const importer = realpathSync(resolve(ROOT, file));
    const at = { line, column, length };
    const literal = Buffer.from(lineText).subarray(column, column + length).toString();
    if ((found.get(importer) ?? []).some((l) => l.line === line && l.column === column)) continue;
    const folder = Object.values(folders).map((dir) => realpathSync(dir)).find((dir) => importer.startsWith(dir + sep));
    const from = dirname(importer);
    const staticPart = pattern.slice(0, pattern.indexOf("*"));
    const inFolder = folder !== undefined && sources.has(importer) && resolve(from, staticPart).startsWith(folder + sep);
    const matches = patternRegExp(pattern);
    const named = inFolder && kind === "import" && pattern.endsWith(".js") && [...sources.keys()].some((source) => source.startsWith(folder + sep) && /\.[jt]s$/.test(source) && matches.test(relativeUrl(from, source.replace(/\.[jt]s$/, ".js"))));
    if (!named) {
      throw new Error(
        `scripts/build.js: ${file}:${line}:${column}: ${kind}(${literal}) matches no file: esbuild bundles what the pattern of such a ${kind}() matches (${pattern}) as the files are on disk, and nothing does; only an import() of modules of the importer's own functions folder (a .ts module named by its .js name) is left to Node, to load the compiled modules; import each module by its name instead`,
      );
    }
    found.set(importer, [...(found.get(importer) ?? []), at]);
    added = true;
  }
  return added;
}

/**
 * An esbuild plugin loading the modules of `found` (from `leftToNode`) with each of those template
 * literals wrapped in `String()`: esbuild then leaves the `import()` as written, and Node
 * resolves it at run time, from the compiled module, to the compiled modules beside it.
 */
export function leaveToNode(found) {
  return {
    name: "podfn-glob-imports",
    setup(b) {
      if (found.size === 0) return;
      const files = new RegExp(`^(${[...found.keys()].map(escapeRegExp).join("|")})$`);
      b.onLoad({ filter: files }, async (args) => {
        const spans = found.get(args.path);
        if (spans === undefined) return undefined;
        const lines = (await readFile(args.path, "utf8")).split("\n");
        // Right to left within a line, so that the byte columns before each still hold.
        for (const { line, column, length } of [...spans].sort((a, b) => b.line - a.line || b.column - a.column)) {
          const bytes = Buffer.from(lines[line - 1]);
          const literal = bytes.subarray(column, column + length).toString();
          lines[line - 1] = `${bytes.subarray(0, column).toString()}String(${literal})${bytes.subarray(column + length).toString()}`;
        }
        return { contents: lines.join("\n"), loader: /\.[mc]?ts$/.test(args.path) ? "ts" : "js", resolveDir: dirname(args.path) };
      });
    },
  };
}
