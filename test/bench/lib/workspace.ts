/**
 * @module bench/workspace
 * The throw-away folder a run works in (under the OS temp dir, removed at the end):
 *
 * - `pkg/`: a package named `podfn` holding the production build (`pkg/dist`, made by
 *   `scripts/build.js` as `npm run build` makes it, with its output redirected, so the
 *   checkout's own `dist/` is never touched) and the benchmark's child scripts transpiled to plain JS
 *   (`pkg/bench`, by esbuild), so servers and workers start like production code, without
 *   tsx. `pkg/node_modules` links to the checkout's, and `import "podfn"` resolves to the
 *   build by self-reference.
 * - function folders: TypeScript in `src/` (examples plus a trivial route, and the same plus
 *   200 generated functions) and their builds in `pkg/dist/fns-*`, made by the same build as
 *   the runtime (functions compiled against the bundled runtime: the shipped shape),
 *   with the run-once and HTTP suites' folders (`test/bench/functions/{run,http}`).
 * - `secrets/`: the caller-auth secrets the functions name (the bench's own, and those of
 *   whatever functions/ holds: the examples, or a project's own).
 * - `admission/`: a certificate for the admission webhooks of functions/ (served as in a pod,
 *   where a missing one stops serve).
 */
import { cp, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { childEnv, runToExit } from "./children.js";
import { loadFunctions } from "../../../runtime/loader.js";
import { secretNameOf } from "../../../runtime/testing/caller-secrets.js";
import { createCertificates } from "../../../runtime/testing/cluster/auth/certs.js";
import { progress } from "./progress.js";

/** The checkout's root. */
export const REPO = fileURLToPath(new URL("../../../", import.meta.url));

/** The bearer token of the `hello-bearer` function (secret `bench-token`). */
export const BENCH_TOKEN = "bench-token-0123456789abcdef";

/** Paths of a prepared workspace. */
export interface Workspace {
  root: string;
  /** Compiled child scripts: `bench(path)` maps `peers/hono.ts` to its JS. */
  bench: (path: string) => string;
  /** The production CLI: `pkg/dist/runtime/cli.js`, or undefined when the build did not produce it. */
  cli?: string;
  /** The source-mode entry: the checkout's bin/podfn.js. */
  bin: string;
  /** Function folders: compiled (`dist`) and TypeScript (`src`). */
  functions: {
    http: string;
    run: { dist: string; src: string };
    examples: { dist: string; src: string };
    many: { dist: string; src: string };
  };
  secretsDir: string;
  /** The admission webhooks' certificate and key (PEM files). */
  admission: { certFile: string; keyFile: string };
  /** How many generated functions `functions.many` holds on top of the examples. */
  generated: number;
  remove(): Promise<void>;
}

function generatedFunction(i: number): string {
  const id = String(i).padStart(3, "0");
  return `import { z } from "zod";
import { defineFunction } from "podfn";

export default defineFunction({
  name: "gen-${id}",
  description: "generated function ${i}",
  http: { method: "POST", path: "/gen/${id}", auth: "none" },
  permissions: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get"] }],
  input: z.object({ n: z.number().int().default(${i}), tag: z.string().max(40).optional() }),
  handler: ({ input }) => ({ n: input.n, tag: input.tag ?? null }),
});
`;
}

/**
 * Build podfn and the function folders (`{ name: source folder }`, each built into
 * `pkg/dist/<name>`) in one run of scripts/build.js, as `npm run build` builds `functions/`.
 */
async function buildPodfn(pkg: string, folders: Record<string, string>): Promise<string | undefined> {
  progress("workspace: building podfn and the functions (scripts/build.js, as `npm run build` does, output in the workspace)");
  const args = [join(REPO, "scripts/build.js"), "--out", join(pkg, "dist"), ...Object.entries(folders).flatMap(([name, dir]) => ["--functions", `${name}=${dir}`])];
  try {
    await runToExit({ command: process.execPath, args, cwd: REPO, env: childEnv() }, 300_000);
  } catch (error) {
    progress(`workspace: the build failed (${(error as Error).message.split("\n")[0]?.slice(0, 200)})`);
  }
  const cli = join(pkg, "dist/runtime/cli.js");
  return existsSync(cli) ? cli : undefined;
}

async function listTs(dir: string, out: string[] = []): Promise<string[]> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "results") await listTs(path, out);
    } else if (entry.name.endsWith(".ts")) out.push(path);
  }
  return out;
}

/** Fill a TypeScript functions folder: the examples (whatever functions/ holds, nested folders too), the trivial `hello`, and `generated` more. */
async function functionsFolder(dir: string, examples: string, hello: string, generated: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  await cp(examples, dir, { recursive: true });
  await cp(hello, join(dir, "hello.ts"));
  for (let i = 1; i <= generated; i++) await writeFile(join(dir, `gen-${String(i).padStart(3, "0")}.ts`), generatedFunction(i));
}

/**
 * Make the workspace: build podfn, transpile the benchmark's scripts, write the function
 * folders and secrets. `withBuild: false` skips the (slow) podfn build.
 */
export async function prepareWorkspace(options: { withBuild: boolean; generated: number }): Promise<Workspace> {
  const root = await mkdtemp(join(tmpdir(), "podfn-bench-"));
  const pkg = join(root, "pkg");
  const src = join(root, "src");
  await mkdir(pkg, { recursive: true });
  await mkdir(join(src, "node_modules"), { recursive: true });
  await writeFile(
    join(pkg, "package.json"),
    JSON.stringify({ name: "podfn", private: true, type: "module", exports: { ".": "./dist/runtime/index.js", "./testing": "./dist/runtime/testing/index.js" } }),
  );
  await writeFile(join(src, "package.json"), JSON.stringify({ name: "podfn-bench-src", private: true, type: "module" }));
  await symlink(join(REPO, "node_modules"), join(pkg, "node_modules"));
  // Source-mode functions resolve `podfn` to the checkout (its `source` condition) and zod from it.
  await symlink(REPO, join(src, "node_modules/podfn"));
  await symlink(join(REPO, "node_modules/zod"), join(src, "node_modules/zod"));

  const benchDir = join(REPO, "test/bench");
  const generated = options.generated;
  const dist = (name: string) => join(pkg, "dist", name);
  const functions: Workspace["functions"] = {
    http: dist("fns-http"),
    run: { dist: dist("fns-run"), src: join(benchDir, "functions/run") },
    examples: { dist: dist("fns-examples"), src: join(src, "fns-examples") },
    many: { dist: dist("fns-many"), src: join(src, "fns-many") },
  };
  await functionsFolder(functions.examples.src, join(REPO, "functions"), join(benchDir, "functions/http/hello.ts"), 0);
  await functionsFolder(functions.many.src, join(REPO, "functions"), join(benchDir, "functions/http/hello.ts"), generated);

  const cli = options.withBuild
    ? await buildPodfn(pkg, { "fns-http": join(benchDir, "functions/http"), "fns-run": functions.run.src, "fns-examples": functions.examples.src, "fns-many": functions.many.src })
    : undefined;

  progress("workspace: transpiling the benchmark's child scripts (esbuild)");
  await build({ entryPoints: await listTs(benchDir), outdir: join(pkg, "bench"), outbase: benchDir, format: "esm", platform: "node", target: "node20", bundle: false, logLevel: "warning" });
  const bench = (path: string) => join(pkg, "bench", path.replace(/\.ts$/, ".js"));

  const secretsDir = join(root, "secrets");
  await mkdir(secretsDir, { recursive: true });
  // serve refuses to start while a caller-auth secret is missing: the bench's own and every one functions/ names.
  const named = (await loadFunctions(join(REPO, "functions"))).map(secretNameOf).filter((name): name is string => name !== undefined);
  for (const name of new Set(["bench-token", ...named])) await writeFile(join(secretsDir, name), name === "bench-token" ? BENCH_TOKEN : `${name}-value-for-benchmarks`, { mode: 0o600 });
  const certificate = await createCertificates();
  const admission = { certFile: join(root, "admission/tls.crt"), keyFile: join(root, "admission/tls.key") };
  await mkdir(join(root, "admission"));
  await writeFile(admission.certFile, certificate.certPem);
  await writeFile(admission.keyFile, certificate.keyPem, { mode: 0o600 });

  return {
    root,
    bench,
    ...(cli ? { cli } : {}),
    bin: join(REPO, "bin/podfn.js"),
    functions,
    secretsDir,
    admission,
    generated,
    remove: () => rm(root, { recursive: true, force: true }),
  };
}
