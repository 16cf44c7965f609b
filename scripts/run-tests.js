#!/usr/bin/env node
/**
 * @module scripts/run-tests
 * Runs every `*.test.ts` under test/ (benchmarks excluded) with Node's own test runner,
 * TypeScript loaded through tsx. Node 20's `--test` takes no globs, so this finds the files.
 *
 * Files run in groups: each group is one process that imports its files, each inside a suite
 * named by its path (so a file's `before`/`after` hooks stay its own and its results are shown
 * under its name), and runs their tests one file after another; groups run side by side. A
 * process per file, Node's default, spent more time starting Node, tsx and the runtime (~1.2 s
 * of CPU a file, 300 files) than the tests took. A group's files are all loaded when it starts,
 * so a file that changes its process for good runs alone: one that sets an environment variable
 * at its top level (a function reads it once when it loads, as in a pod), found here by a line
 * starting `process.env`, `Object.assign(process.env` or `delete process.env`, and one that says
 * so with a line starting `// own process:` (it measures the process's timers or memory, or
 * counts its stray rejections).
 *
 * Usage: node scripts/run-tests.js [PATH ...] [--isolate] [--groups N] [node --test flags]
 *   PATH        a folder or file under the repository to run instead of test/ (`npm test -- test/http`)
 *   --isolate   a process per file, as Node's runner does by default: to tell whether a
 *               failure comes from another file of its group; also what `--test-name-pattern`
 *               and `--test-only` get (a group's suites are named by path, which a pattern
 *               would match, and carry no `only`)
 *   --groups N  how many groups (default: 3 per concurrent process)
 * Other flags go to `node --test` (`npm test -- --test-name-pattern=watch`); its
 * `--test-concurrency` (default: two per CPU) is how many groups or files run at once, its
 * `--test-timeout` (default: 15 minutes) how long a test, a file or a group may run; a group's
 * process exits 10 s after its tests are done, so nothing a failed test left running holds it.
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { spawn } from "node:child_process";

const root = new URL("..", import.meta.url).pathname;
/** A file that runs alone: it says so, or it changes the environment at its top level. */
const OWN_PROCESS = /^(\/\/ own process:|process\.env\b|Object\.assign\(process\.env\b|delete process\.env\b)/m;

/** Node's `--test` flags that take a value, which may come as the next argument. */
const NODE_VALUE_FLAGS = new Set(["--test-reporter", "--test-reporter-destination", "--test-name-pattern", "--test-skip-pattern", "--test-timeout", "--test-shard"]);

/** The arguments, `--name=value` and `--name value` alike. */
function parseArgs(argv) {
  const out = { isolate: false, groups: undefined, concurrency: undefined, roots: [], flags: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [name, inline] = arg.startsWith("--") ? [arg.split("=")[0], arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : undefined] : [arg, undefined];
    const value = () => inline ?? argv[++i];
    if (name === "--isolate") out.isolate = true;
    else if (name === "--groups") out.groups = wholeNumber("--groups", value());
    else if (name === "--test-concurrency") out.concurrency = wholeNumber("--test-concurrency", value());
    else if (NODE_VALUE_FLAGS.has(name)) out.flags.push(`${name}=${value()}`);
    else if (arg.startsWith("-")) out.flags.push(arg);
    else out.roots.push(arg);
  }
  return out;
}

function wholeNumber(option, text) {
  const n = Number(text);
  if (Number.isInteger(n) && n > 0) return n;
  console.error(`run-tests: ${option} takes a positive whole number, not ${JSON.stringify(text ?? "")}`);
  process.exit(2);
}

const args = parseArgs(process.argv.slice(2));
const narrowing = args.flags.some((f) => f.startsWith("--test-name-pattern") || f === "--test-only");
const isolate = args.isolate || narrowing;
const concurrency = args.concurrency ?? 2 * availableParallelism();

function find(dir, out) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name === "node_modules" || name === "bench" || name === "fixtures" || name === ".tmp") continue;
      find(path, out);
    } else if (name.endsWith(".test.ts")) {
      out.push(relative(root, path));
    }
  }
  return out;
}

const files = [];
for (const r of args.roots.length ? args.roots : ["test"]) {
  const abs = join(root, r);
  if (statSync(abs).isDirectory()) find(abs, files);
  else files.push(relative(root, abs));
}
files.sort();

/**
 * The end of a group entry: once its files are done, its process exits within 10 s, whatever a
 * failed test left running (a leader renewing its Lease, a server), as a process of its own
 * would never have.
 */
const EXIT_WHEN_DONE = `after(() => { setTimeout(() => process.exit(), 10_000).unref(); });\n`;
/** This run's group entries (a run of its own: two runs in one checkout keep theirs apart). */
const groupsDir = join(root, "test/.tmp", `groups-${process.pid}`);

/** The files, and a group entry module for each group of the files that may share a process. */
function plan() {
  if (isolate) return files;
  const alone = files.filter((file) => OWN_PROCESS.test(readFileSync(join(root, file), "utf8")));
  const shared = files.filter((file) => !alone.includes(file));
  const count = Math.min(shared.length, args.groups ?? 3 * concurrency);
  mkdirSync(groupsDir, { recursive: true });
  const entries = [];
  for (let g = 0; g < count; g++) {
    // Every count-th file: each group gets a share of every folder (the slow CLI tests spread out).
    const members = shared.filter((_, i) => i % count === g);
    const entry = join(groupsDir, `group-${g + 1}-of-${count}.test.mjs`);
    const suites = members.map((file) => `describe(${JSON.stringify(file)}, async () => { await import(${JSON.stringify(pathToFileURL(join(root, file)).href)}); });`);
    writeFileSync(entry, `// Generated by scripts/run-tests.js: these test files, one after another, in one process.\nimport { after, describe } from "node:test";\n${suites.join("\n")}\n${EXIT_WHEN_DONE}`);
    entries.push(relative(root, entry));
  }
  return [...entries, ...alone];
}

/** Guards against a hang (CI would wait out its 90 minutes): a test, a file or a group running 15 minutes fails. */
const guards = [`--test-concurrency=${concurrency}`, ...(args.flags.some((f) => f.startsWith("--test-timeout")) ? [] : ["--test-timeout=900000"])];
const child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", "--test", ...guards, ...args.flags, ...plan()], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? "silent" },
});
child.on("exit", (code, signal) => {
  rmSync(groupsDir, { recursive: true, force: true });
  process.exit(signal ? 1 : (code ?? 1));
});
