/**
 * @module import-problem
 * What the loader says of a function module that failed to import: the gist of the error
 * (`importMessage`), where a TypeScript syntax error is (`syntaxLocation`), and what to do about
 * the usual causes (`importHint`).
 */
import { readFileSync } from "node:fs";
import { importModule } from "./dynamic-import.js";

/** What to do about the usual reasons a function module fails to import. */
export function importHint(error: unknown): string {
  // A module may throw anything, null and undefined included.
  const code = (error as { code?: unknown } | null | undefined)?.code;
  const message = error instanceof Error ? error.message : "";
  if (code === "ERR_UNKNOWN_FILE_EXTENSION") {
    return " (TypeScript needs the source mode: `npx podfn` or `npm start`; or compile with `npm run build` and use --functions dist/functions)";
  }
  if (/require\(\) ES Module|Cannot use import statement outside a module/.test(message)) {
    return ' (the module was loaded as CommonJS: add "type": "module" to the package.json above the functions folder)';
  }
  if (/Cannot find (module|package) 'podfn(\/testing)?'/.test(message)) {
    return " (functions import podfn from the project they live in: keep the folder inside it, with no package.json of its own between them)";
  }
  return "";
}

/**
 * The gist of an import error: its first line, and when that only announces what follows (a
 * transform's "Transform failed with 1 error:"), the lines that say where and what (at most 4);
 * `it threw null` (or undefined) for a module that threw no value.
 */
export function importMessage(error: unknown): string {
  if (error === null || error === undefined) return `it threw ${String(error)}`;
  if (!(error instanceof Error)) return String(error);
  const lines = error.message.split("\n").map((l) => l.trim());
  const first = lines[0] ?? "";
  if (!first.endsWith(":")) return first;
  const rest = lines.slice(1).filter((l) => l !== "").slice(0, 4);
  return [first, ...rest].join(" ");
}

/**
 * Where a TypeScript module's syntax error is (`, at line 2, column 96: Expected "}" but found
 * ";"`): tsx can hand such a module to Node untransformed, whose SyntaxError then names no
 * place. esbuild (tsx's own) parses the file again to say where; without it, nothing is added.
 */
export async function syntaxLocation(error: unknown, file: string): Promise<string> {
  if (!(error instanceof SyntaxError) || !/\.[cm]?tsx?$/.test(file)) return "";
  try {
    const esbuild = (await importModule("esbuild")) as unknown as { transform(code: string, options: object): Promise<unknown> };
    await esbuild.transform(readFileSync(file, "utf8"), { loader: file.endsWith("x") ? "tsx" : "ts", sourcefile: file });
  } catch (parsed) {
    const first = (parsed as { errors?: { text: string; location?: { line: number; column: number } | null }[] }).errors?.[0];
    if (first?.location) return `, at line ${first.location.line}, column ${first.location.column + 1}: ${first.text}`;
  }
  return "";
}
