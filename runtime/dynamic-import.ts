/**
 * @module dynamic-import
 * The runtime's one `import()` of a specifier known only at run time (function modules, the
 * loader's generated module, undici's files). In the production build the runtime is one
 * script compiled with a V8 code cache (`scripts/bundle-loader.cjs`), where Node gives
 * `import()` no loader; the build swaps this module for one calling the loader's own
 * `import()`, so every dynamic import goes through Node's ES module loader either way.
 */

/**
 * Import a module by URL or bare specifier.
 *
 * @example
 * const mod = await importModule(pathToFileURL(file).href);
 */
export function importModule(specifier: string): Promise<Record<string, unknown>> {
  return import(specifier) as Promise<Record<string, unknown>>;
}

