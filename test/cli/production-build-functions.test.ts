/**
 * The functions' pass of the production build (scripts/build/functions.js), each case a
 * functions folder built apart into a temporary package (this repository's package.json and
 * node_modules) and run from there by the built CLI: what has no CommonJS form makes the folder
 * ES modules, while its CommonJS modules (.cts, .cjs) stay CommonJS, or the build fails saying
 * why.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startCluster, type Cluster } from "../../runtime/testing/index.js";

const REPO = fileURLToPath(new URL("../../", import.meta.url));

let root: string;
let cluster: Cluster;
let kubeconfig: string;

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** `node <args>` in `cwd`; resolves whatever the exit code. */
function node(args: string[], cwd: string): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd, env: { PATH: process.env.PATH ?? "" }, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), "podfn-build-fns-"));
  await mkdir(join(root, "pkg"));
  await copyFile(join(REPO, "package.json"), join(root, "pkg/package.json"));
  await symlink(join(REPO, "node_modules"), join(root, "pkg/node_modules"));
  cluster = await startCluster();
  kubeconfig = join(root, "kubeconfig");
  await writeFile(kubeconfig, cluster.kubeconfig(), { mode: 0o600 });
});

after(async () => {
  await cluster?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

/**
 * Write `files` (path → text) under a fresh project folder `name` and build its functions folder
 * (`folder` in it, default the project folder itself) as functions folder `name` into
 * `pkg/dist-<name>`; resolves whatever the build's exit code.
 */
async function buildFolder(name: string, files: Record<string, string>, folder = "."): Promise<Outcome & { out: string; src: string }> {
  const project = join(root, name);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(project, path, ".."), { recursive: true });
    await writeFile(join(project, path), text);
  }
  const out = join(root, `pkg/dist-${name}`);
  const src = join(project, folder);
  return { ...(await node([join(REPO, "scripts/build.js"), "--out", out, "--functions", `${name}=${src}`], REPO)), out, src };
}

/** `buildFolder`, which must succeed. */
async function buildApart(name: string, files: Record<string, string>, folder?: string): Promise<{ out: string; src: string; stderr: string }> {
  const built = await buildFolder(name, files, folder);
  assert.equal(built.code, 0, built.stderr);
  return built;
}

/** `podfn run fn` by the CLI built into `out`, on the functions folder `name` built there. */
function runBuilt(out: string, name: string, fn: string): Promise<Outcome> {
  return node([join(out, "runtime/cli.js"), "run", fn, "--functions", join(out, name), "--cluster", "real", "--kubeconfig", kubeconfig], join(root, "pkg"));
}

/** `runBuilt`, which must succeed: its output. */
async function runOutput(out: string, name: string, fn: string): Promise<unknown> {
  const { code, stdout, stderr } = await runBuilt(out, name, fn);
  assert.equal(code, 0, stderr);
  return JSON.parse(stdout);
}

/** What has no CommonJS form makes the build compile the functions as ES modules, which then run. */
async function assertBuiltAsEsModules(name: string, out: string, stderr: string, reason: RegExp, fn: string, expected: unknown): Promise<void> {
  assert.match(stderr, reason);
  assert.doesNotMatch(stderr, /CommonJS modules \(\.cts, \.cjs\)/, "no CommonJS module to keep");
  assert.deepEqual(JSON.parse(await readFile(join(out, name, "package.json"), "utf8")), { type: "module" });
  assert.match(await readFile(join(out, name, `${fn}.js`), "utf8"), /^import /m);
  assert.deepEqual(await runOutput(out, name, fn), expected);
}

test("a functions folder using top-level await is built as ES modules, and runs", async () => {
  const { out, stderr } = await buildApart("tla", {
    "late.ts": `import { defineFunction } from "podfn";
const answer = await Promise.resolve(42);
export default defineFunction({ name: "late", schedule: { cron: "0 3 * * *" }, handler: () => ({ answer }) });
`,
  });
  await assertBuiltAsEsModules("tla", out, stderr, /top-level await/, "late", { answer: 42 });
});

test("a function using import.meta.resolve is built as an ES module, and runs", async () => {
  const { out, stderr } = await buildApart("meta", {
    "_helper.ts": "export const x = 1;\n",
    "resolver.ts": `import { defineFunction } from "podfn";
export default defineFunction({ name: "resolver", schedule: { cron: "0 3 * * *" }, handler: () => ({ ok: import.meta.resolve("./_helper.js").endsWith("/meta/_helper.js") }) });
`,
  });
  await assertBuiltAsEsModules("meta", out, stderr, /import\.meta/, "resolver", { ok: true });
});

test("a function importing an ES-module-only package is built as an ES module (no require() of ES modules, which Node 20 before 20.19 refuses)", async () => {
  const pkgJson = JSON.stringify({ name: "esm-only-dep", version: "1.0.0", type: "module", exports: { import: "./index.js" } });
  const { out, stderr } = await buildApart("esmdep", {
    "node_modules/esm-only-dep/package.json": pkgJson,
    "node_modules/esm-only-dep/index.js": "export const answer = 7;\n",
    "uses.ts": `import { defineFunction } from "podfn";
import { answer } from "esm-only-dep";
export default defineFunction({ name: "uses", schedule: { cron: "0 3 * * *" }, handler: () => ({ answer }) });
`,
  });
  // At run time the package is found from the built folder, as an installed dependency would be.
  await mkdir(join(out, "node_modules/esm-only-dep"), { recursive: true });
  await writeFile(join(out, "node_modules/esm-only-dep/package.json"), pkgJson);
  await writeFile(join(out, "node_modules/esm-only-dep/index.js"), "export const answer = 7;\n");
  await assertBuiltAsEsModules("esmdep", out, stderr, /ES-module-only packages \(esm-only-dep\)/, "uses", { answer: 7 });
});

test("in a folder built as ES modules, its CommonJS modules (.cts, .cjs) stay CommonJS: __dirname and require(\"podfn\") work", async () => {
  const { out, stderr } = await buildApart("mixed", {
    "_here.cts": `import { basename } from "node:path";\nexport const here = basename(__dirname);\n`,
    "tla.ts": `import { defineFunction } from "podfn";
const greeting = await Promise.resolve("hello");
export default defineFunction({ name: "tla", schedule: { cron: "0 3 * * *" }, handler: () => ({ greeting }) });
`,
    "where.ts": `import { defineFunction } from "podfn";
import { here } from "./_here.cjs";
export default defineFunction({ name: "where", schedule: { cron: "0 3 * * *" }, handler: () => ({ here }) });
`,
    "plain.cjs": `const { defineFunction, ConfigError } = require("podfn");
module.exports = defineFunction({ name: "plain", schedule: { cron: "0 3 * * *" }, handler: () => { throw new ConfigError("refused by a CommonJS function"); } });
`,
  });
  assert.match(stderr, /ES modules \(they use top-level await\), their CommonJS modules \(\.cts, \.cjs\) as CommonJS/);
  assert.deepEqual(JSON.parse(await readFile(join(out, "mixed/package.json"), "utf8")), { type: "module" });
  assert.match(await readFile(join(out, "mixed/_here.cjs"), "utf8"), /__dirname/);
  assert.deepEqual(await runOutput(out, "mixed", "tla"), { greeting: "hello" });
  assert.deepEqual(await runOutput(out, "mixed", "where"), { here: "mixed" });
  // The CLI's own ConfigError (one copy of the runtime): exit 2.
  const plain = await runBuilt(out, "mixed", "plain");
  assert.equal(plain.code, 2, plain.stderr);
  assert.match(plain.stderr, /refused by a CommonJS function/);
});

test("a CommonJS module that would have to require a module built as an ES module fails the build, naming both", async () => {
  const { code, stderr } = await buildFolder("mixedbad", {
    "_late.ts": "export const late = await Promise.resolve(1);\n",
    "uses.cts": `import { defineFunction } from "podfn";
import { late } from "./_late.js";
export default defineFunction({ name: "uses", schedule: { cron: "0 3 * * *" }, handler: () => ({ late }) });
`,
  });
  assert.notEqual(code, 0);
  assert.match(stderr, /uses\.cts:2:\d+: ERROR: .*a CommonJS module \(\.cts, \.cjs\) stays CommonJS, and cannot import "\.\/_late\.js": it is built as an ES module/);
});

test("tsconfig `paths` and package.json `imports` (#...) aliases are bundled as relative imports are; only packages stay in node_modules", async () => {
  const { out } = await buildApart(
    "aliases",
    {
      "package.json": `${JSON.stringify({ name: "aliases", imports: { "#lib/*.js": "./lib/*.ts", "#fns/*.js": "./fns/*.ts" } })}\n`,
      "tsconfig.json": `${JSON.stringify({ compilerOptions: { paths: { "@lib/*": ["./lib/*"] } } })}\n`,
      "lib/shout.ts": 'export function shout(s: string): string { return s.toUpperCase() + "!"; }\n',
      "fns/_helper.ts": "export const helped = true;\n",
      "fns/paths.ts": `import { defineFunction } from "podfn";
import { shout } from "@lib/shout.js";
export default defineFunction({ name: "paths", schedule: { cron: "0 3 * * *" }, handler: () => ({ said: shout("hi") }) });
`,
      "fns/hash.ts": `import { defineFunction } from "podfn";
import { shout } from "#lib/shout.js";
import { helped } from "#fns/_helper.js";
export default defineFunction({ name: "hash", schedule: { cron: "0 3 * * *" }, handler: () => ({ said: shout("ho"), helped }) });
`,
    },
    "fns",
  );
  assert.deepEqual(await runOutput(out, "aliases", "paths"), { said: "HI!" });
  assert.deepEqual(await runOutput(out, "aliases", "hash"), { said: "HO!", helped: true });
  // The folder's own module, reached through an alias, stays one compiled file.
  assert.match(await readFile(join(out, "aliases/hash.js"), "utf8"), /require\("\.\/_helper\.js"\)/);
  const { packages } = JSON.parse(await readFile(join(out, "image-packages.json"), "utf8")) as { packages: string[] };
  assert.deepEqual(packages.filter((p) => /lib|fns/.test(p)), []);
});

test("the files of a functions folder that are not modules are copied beside the compiled ones, so import.meta.url finds them; tests and TypeScript's files are not", async () => {
  const { out } = await buildApart("assets", {
    "greet.ts": `import { readFileSync } from "node:fs";
import { defineFunction } from "podfn";
const template = readFileSync(new URL("./greeting.txt", import.meta.url), "utf8");
const { style } = JSON.parse(readFileSync(new URL("./_data/style.json", import.meta.url), "utf8"));
export default defineFunction({ name: "greet", schedule: { cron: "0 3 * * *" }, handler: () => ({ template: template.trim(), style }) });
`,
    "greeting.txt": "hi {name}\n",
    "_data/style.json": '{ "style": "warm" }\n',
    "greet.test.ts": "throw new Error('a test is not built');\n",
    "greet.test.ts.snap": "a snapshot\n",
    "tsconfig.json": "{}\n",
    "types.d.ts": "export type X = 1;\n",
    ".env": "SECRET=1\n",
  });
  assert.deepEqual(await runOutput(out, "assets", "greet"), { template: "hi {name}", style: "warm" });
  const files = (await readdir(join(out, "assets"), { recursive: true })).sort();
  assert.deepEqual(files, ["_data", "_data/style.json", "greet.js", "greet.js.map", "greeting.txt", "package.json"]);
});

test("an import() of a template literal naming modules of the folder by their .js names loads the compiled modules; one matching nothing fails the build", async () => {
  const plugins = {
    "_plugins/alpha.ts": 'export function greet(): string { return "hello from alpha"; }\n',
    "_plugins/nested/beta.ts": 'export function greet(): string { return "hello from beta"; }\n',
    "glob.ts": `import { defineFunction } from "podfn";
export default defineFunction({
  name: "glob",
  schedule: { cron: "0 3 * * *" },
  async handler() {
    const greetings = [];
    for (const name of ["alpha", "nested/beta"]) greetings.push(((await import(\`./_plugins/\${name}.js\`)) as { greet(): string }).greet());
    return { greetings };
  },
});
`,
  };
  const { out } = await buildApart("globs", plugins);
  assert.deepEqual(await runOutput(out, "globs", "glob"), { greetings: ["hello from alpha", "hello from beta"] });
  const failed = await buildFolder("globsbad", {
    ...plugins,
    "_data/readme.txt": "not a module\n",
    "data.ts": `import { defineFunction } from "podfn";
export default defineFunction({ name: "data", schedule: { cron: "0 3 * * *" }, handler: async () => import(\`./_data/\${Date.now()}.js\`) });
`,
  });
  assert.notEqual(failed.code, 0);
  assert.match(failed.stderr, /data\.ts:2:\d+: import\(`\.\/_data\/\$\{Date\.now\(\)\}\.js`\) matches no file/);
});
