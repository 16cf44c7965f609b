/**
 * @module scripts/build/zod-locales
 * zod's locales but English are not in the runtime's bundle: each is a CommonJS file of its own
 * under `OUT/runtime/zod-locales/`, required when a function calls it (see `ZOD_LOCALES_INDEX`).
 * The bundle's plugin replacing zod's locales index (`lazyZodLocales`) and the build of those
 * files (`buildZodLocales`).
 */
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { build } from "esbuild";
import { LOCALES_DIR, ROOT } from "./layout.js";

/**
 * zod's locales index (`z.locales`): all 40-odd languages, half of zod's code (~290 KB), parsed by
 * every process that imports zod though only English (its default) is used unless a function
 * calls `z.config(z.locales.xx())`. The runtime's build keeps English and makes every other
 * locale a function that loads its own file (`LOCALES_DIR`, built from zod's module) on first
 * call: ~7 ms less start-up in every process.
 */
const ZOD_LOCALES_INDEX = /[\\/]node_modules[\\/]zod[\\/]v4[\\/]locales[\\/]index\.cjs$/;

/**
 * zod's locales (`name` as exported, `file` name without `.js`), read from its index, which
 * re-exports one default export per file.
 */
async function zodLocales(index) {
  const source = await readFile(index, "utf8");
  const locales = [...source.matchAll(/export \{ default as (\w+) \} from "\.\/([\w-]+)\.js";/g)].map(([, name, file]) => ({ name, file }));
  if (locales.length === 0 || !locales.some((l) => l.name === "en")) throw new Error(`scripts/build.js: unexpected layout of ${index}`);
  return locales;
}

/**
 * An esbuild plugin replacing zod's locales index (see `ZOD_LOCALES_INDEX`; zod is bundled from
 * its CommonJS build): English stays bundled; every other locale becomes a function that
 * `require`s its file from `LOCALES_DIR` (written by `buildZodLocales`) when called, and calls it
 * with the same arguments. The list of locales is read from zod's ES module index.
 */
export function lazyZodLocales() {
  return {
    name: "podfn-zod-locales",
    setup(b) {
      b.onLoad({ filter: ZOD_LOCALES_INDEX }, async (args) => {
        const others = (await zodLocales(join(dirname(args.path), "index.js"))).filter((l) => l.name !== "en");
        const contents = [
          '"use strict";',
          'Object.defineProperty(exports, "__esModule", { value: true });',
          'const { createRequire } = require("node:module");',
          // en.cjs ends `module.exports = exports.default`: its export is the function itself (zod's own index takes it through __importDefault).
          'const en = require("./en.cjs");',
          "exports.en = en && en.__esModule ? en.default : en;",
          // __filename, not import.meta: esbuild would take the file for an ES module. In the bundle it names the bundle.
          "const load = createRequire(__filename);",
          `function locale(file) { return function loadLocale(...args) { return load(\`./${LOCALES_DIR.split("/").pop()}/\${file}.cjs\`).default(...args); }; }`,
          ...others.map((l) => `exports.${l.name} = locale(${JSON.stringify(l.file)});`),
        ].join("\n");
        return { contents, loader: "js", resolveDir: dirname(args.path) };
      });
    },
  };
}

/** Build zod's locales but English into `OUT/LOCALES_DIR`, one CommonJS file each (loaded with `require`); resolves to the files written. */
export async function buildZodLocales(out) {
  const index = join(ROOT, "node_modules/zod/v4/locales/index.js");
  const others = (await zodLocales(index)).filter((l) => l.name !== "en");
  const locales = await build({
    absWorkingDir: ROOT,
    entryPoints: Object.fromEntries(others.map((l) => [`${LOCALES_DIR}/${l.file}`, join(dirname(index), `${l.file}.js`)])),
    outdir: out,
    outExtension: { ".js": ".cjs" },
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    minifyWhitespace: true,
    minifySyntax: true,
    metafile: true,
    logLevel: "warning",
  });
  return Object.keys(locales.metafile.outputs);
}
