/**
 * deploy/Dockerfile, replayed without a Docker engine: its build stage's COPY instructions are
 * carried out into an empty folder (only what they name, as the build context is filtered
 * there), its RUN build step runs there (`npm ci` is stood in for by this checkout's
 * node_modules) and gathers the image's packages (scripts/image-modules.js), and the runtime
 * stage's files, environment and entrypoint then run `podfn list`, with undici and nothing the
 * bundle already holds in node_modules. A file the build needs but the Dockerfile does not copy fails here, not in the
 * first `docker build` a user runs. The build context is the repository as Docker sends it
 * (filtered by deploy/Dockerfile.dockerignore), with a function that imports shared code from
 * outside the functions folder, which the build bundles into it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { loadFunctions } from "../../runtime/loader.js";

const REPO = fileURLToPath(new URL("../../", import.meta.url));

interface Instruction {
  keyword: string;
  args: string[];
  /** Flags such as `--from=build`, by name. */
  flags: Record<string, string>;
}

/** The Dockerfile's stages, each a list of instructions (continuation lines joined, comments dropped). */
function parseDockerfile(text: string): Instruction[][] {
  const stages: Instruction[][] = [];
  const logical = text.replace(/\\\n/g, " ").split("\n").map((line) => line.trim()).filter((line) => line && !line.startsWith("#"));
  for (const line of logical) {
    const [keyword = "", ...words] = line.split(/\s+/);
    const flags: Record<string, string> = {};
    const args: string[] = [];
    for (const word of words) {
      const flag = /^--([a-z-]+)=(.*)$/.exec(word);
      if (flag && args.length === 0) flags[flag[1]!] = flag[2]!;
      else args.push(word);
    }
    if (keyword.toUpperCase() === "FROM") stages.push([]);
    stages.at(-1)?.push({ keyword: keyword.toUpperCase(), args, flags });
  }
  return stages;
}

/**
 * Whether a .dockerignore's patterns (`text`) keep a path of the context (relative, with `/`) out,
 * by Docker's rules: `*` and `?` within a name, `**` across folders, a match on a folder keeps
 * out all it holds, `!` lets a path back in, and the last pattern matching wins.
 */
function dockerignored(text: string): (path: string) => boolean {
  const rules = text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"))
    .map((line) => {
      const include = line.startsWith("!");
      const pattern = (include ? line.slice(1) : line).replace(/^\/+|\/+$/g, "");
      const body = pattern
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*\*\//g, "\0")
        .replace(/\*\*/g, "\u0001")
        .replace(/\*/g, "[^/]*")
        .replace(/\?/g, "[^/]")
        .replace(/\0/g, "(?:.*/)?")
        .replace(/\u0001/g, ".*");
      return { include, match: new RegExp(`^${body}(?:/.*)?$`) };
    });
  return (path) => rules.reduce((ignored, rule) => (rule.match.test(path) ? !rule.include : ignored), false);
}

/** The build context as Docker sends it: the repository filtered by deploy/Dockerfile.dockerignore, into `to`. */
async function buildContext(to: string): Promise<void> {
  const ignored = dockerignored(await readFile(join(REPO, "deploy/Dockerfile.dockerignore"), "utf8"));
  await cp(REPO, to, { recursive: true, filter: (path) => path === REPO || !ignored(relative(REPO, path).split("\\").join("/")) });
}

/** Carries out `COPY src... dest` of the build context (`context`) into `root`, relative to `workdir`. */
async function copyFromContext(instruction: Instruction, context: string, root: string, workdir: string): Promise<void> {
  const sources = instruction.args.slice(0, -1);
  const dest = instruction.args.at(-1)!;
  const target = join(root, dest.startsWith("/") ? dest : join(workdir, dest));
  for (const source of sources) {
    // Docker: several sources, or a destination ending in "/", copy into that folder.
    const into = dest.endsWith("/") || sources.length > 1;
    const to = into ? join(target, source.split("/").at(-1)!) : target;
    await mkdir(dirname(to), { recursive: true });
    await cp(join(context, source), to, { recursive: true });
  }
}

function run(command: string, args: string[], cwd: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env: { PATH: process.env.PATH ?? "", ...env }, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

test("the Dockerfile's build stage builds from exactly what it copies, and its runtime stage runs the built functions", { timeout: 180_000 }, async () => {
  const stages = parseDockerfile(await readFile(join(REPO, "deploy/Dockerfile"), "utf8"));
  assert.equal(stages.length, 2, "a build stage and a runtime stage");
  const [build, runtime] = stages as [Instruction[], Instruction[]];
  const root = await mkdtemp(join(tmpdir(), "podfn-image-"));
  try {
    const context = join(root, "context");
    await buildContext(context);
    // Code a function imports from outside the functions folder: the build bundles it in.
    await mkdir(join(context, "lib"), { recursive: true });
    await writeFile(join(context, "lib/shout.ts"), 'export function shout(s: string): string { return s.toUpperCase() + "!"; }\n');
    await writeFile(
      join(context, "functions/shouty.ts"),
      `import { defineFunction } from "podfn";
import { shout } from "../lib/shout.js";
export default defineFunction({ name: "shouty", http: { method: "GET", auth: "none" }, handler: () => ({ said: shout("hi") }) });
`,
    );
    const buildRoot = join(root, "build");
    let workdir = "/";
    for (const instruction of build) {
      if (instruction.keyword === "WORKDIR") workdir = instruction.args[0]!;
      else if (instruction.keyword === "COPY") await copyFromContext(instruction, context, buildRoot, workdir);
      else if (instruction.keyword === "RUN") {
        const command = instruction.args.join(" ");
        if (command.startsWith("npm ci")) {
          // The registry is not for tests: this checkout's dependencies stand in for `npm ci`.
          await symlink(join(REPO, "node_modules"), join(buildRoot, workdir, "node_modules"));
          continue;
        }
        // `npm run build && npm prune --omit=dev && node scripts/image-modules.js`: the build runs;
        // pruning is npm's own (and would touch the shared node_modules); the image's packages are gathered.
        assert.match(command, /^npm run build\b/, `unexpected RUN in the build stage: ${command}`);
        const built = await run(process.execPath, [join(REPO, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"], join(buildRoot, workdir), {});
        assert.equal(built.code, 0, `tsc -p tsconfig.build.json in the image's build stage:\n${built.stdout}${built.stderr}`);
        const bundled = await run(process.execPath, ["scripts/build.js"], join(buildRoot, workdir), {});
        assert.equal(bundled.code, 0, `scripts/build.js in the image's build stage (a file it needs is not COPY'd?):\n${bundled.stdout}${bundled.stderr}`);
        const gather = /node (scripts\/image-modules\.js)\s*$/.exec(command);
        assert.ok(gather, `the build stage gathers the image's packages: ${command}`);
        const gathered = await run(process.execPath, [gather[1]!], join(buildRoot, workdir), {});
        assert.equal(gathered.code, 0, `scripts/image-modules.js in the image's build stage:\n${gathered.stdout}${gathered.stderr}`);
      }
    }

    // The runtime stage: what it copies from the build stage, its ENV and its ENTRYPOINT.
    const image = join(root, "image");
    const env: Record<string, string> = {};
    let entrypoint: string[] = [];
    let runWorkdir = "/";
    for (const instruction of runtime) {
      if (instruction.keyword === "WORKDIR") runWorkdir = instruction.args[0]!;
      else if (instruction.keyword === "ENV") for (const pair of instruction.args) env[pair.split("=")[0]!] = pair.slice(pair.indexOf("=") + 1);
      else if (instruction.keyword === "ENTRYPOINT") entrypoint = JSON.parse(instruction.args.join(" ")) as string[];
      else if (instruction.keyword === "COPY") {
        assert.equal(instruction.flags.from, "build", "the runtime stage copies from the build stage only");
        const [source, dest] = instruction.args as [string, string];
        const to = join(image, dest.startsWith("/") ? dest : join(runWorkdir, dest));
        await mkdir(dirname(to), { recursive: true });
        await cp(join(buildRoot, source), to, { recursive: true });
      }
    }
    assert.deepEqual(entrypoint.slice(0, 2), ["node", "dist/runtime/cli.js"]);
    // Two malloc arenas, not one per thread: an idle serve's RSS creeps less (bench README, Findings).
    assert.equal(env.MALLOC_ARENA_MAX, "2");
    const listed = await run(process.execPath, [entrypoint[1]!, "list"], join(image, runWorkdir), { ...env, HOME: join(root, "nohome") });
    assert.equal(listed.code, 0, listed.stderr);
    // Every function of functions/ (the examples, or whichever a project keeps), as the sources load them.
    for (const { name } of await loadFunctions(join(REPO, "functions"))) assert.match(listed.stdout, new RegExp(`^${name}\\s`, "m"));
    assert.match(listed.stdout, /^shouty\s/m);
    const shouted = await run(process.execPath, [entrypoint[1]!, "run", "shouty"], join(image, runWorkdir), { ...env, HOME: join(root, "nohome") });
    assert.equal(shouted.code, 0, shouted.stderr);
    assert.deepEqual(JSON.parse(shouted.stdout), { said: "HI!" });
    // The packages the built code loads at run time are there (undici, on the first API call), and nothing the bundle holds.
    const loads = await run(process.execPath, ["-e", "require.resolve('undici'); require('cron-parser').CronExpressionParser.parse('*/5 * * * *'); for (const p of ['tsx', 'esbuild', 'zod', 'hono']) { try { require.resolve(p); throw new Error(p + ' is in the image') } catch (e) { if (e.code !== 'MODULE_NOT_FOUND') throw e } }"], join(image, runWorkdir), {});
    assert.equal(loads.code, 0, loads.stderr);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
