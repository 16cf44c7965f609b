/**
 * @module bin/source-conditions
 * A module-resolution hook for running from a source checkout: adds the `source` export
 * condition to `podfn` and `podfn/*` so they resolve to runtime/*.ts instead of the compiled
 * dist/. Other packages resolve as usual.
 */
export async function resolve(specifier, context, nextResolve) {
  if (specifier !== "podfn" && !specifier.startsWith("podfn/")) return nextResolve(specifier, context);
  const conditions = context.conditions.includes("source") ? context.conditions : [...context.conditions, "source"];
  return nextResolve(specifier, { ...context, conditions });
}
