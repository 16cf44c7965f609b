/**
 * @module bin/source-conditions
 * A module-resolution hook for running from a source checkout: adds the `source` export
 * condition so `import "podfn"` resolves to runtime/index.ts instead of the compiled dist/.
 */
export async function resolve(specifier, context, nextResolve) {
  const conditions = context.conditions.includes("source") ? context.conditions : [...context.conditions, "source"];
  return nextResolve(specifier, { ...context, conditions });
}
