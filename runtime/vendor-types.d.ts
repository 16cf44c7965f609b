/**
 * Types of the untyped packages the runtime imports.
 */
declare module "quick-format-unescaped" {
  /** pino's message formatter: `%s %d %i %f %j %o %O %%` filled from `args`. */
  function format(message: unknown, args: unknown[], options?: { stringify?: (value: unknown) => string }): unknown;
  export = format;
}
