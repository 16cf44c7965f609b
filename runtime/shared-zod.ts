/**
 * @module shared-zod
 * zod as the production build ships it: the runtime's own bundled copy, re-exported as one
 * entry (`dist/runtime/shared-zod.js`) that built functions import in place of `zod`, so the
 * runtime and every function share one zod without each function importing the runtime's
 * chunks one by one. Only the build (`scripts/build/functions.js`) refers to it; source checkouts never load it.
 */
export * from "zod";
export { default } from "zod";
