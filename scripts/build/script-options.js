/**
 * @module scripts/build/script-options
 * The esbuild output options the build's CommonJS scripts share (the runtime's bundle, the
 * emulator's): whitespace and syntax minified only, so names stay readable in stack traces and
 * logs; a linked source map and legal comments file; a metafile for the build's own checks.
 */
export const SCRIPT_OPTIONS = {
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: "linked",
  legalComments: "linked",
  metafile: true,
  logLevel: "warning",
};
