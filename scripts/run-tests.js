#!/usr/bin/env node
/**
 * @module scripts/run-tests
 * Runs every `*.test.ts` under test/ (benchmarks excluded) with Node's own test runner,
 * TypeScript loaded through tsx. Node 20's `--test` takes no globs, so this finds the files.
 * Extra arguments are passed through (e.g. `npm test -- --test-name-pattern=watch`);
 * a path argument (`npm test -- test/http`) narrows the run to that folder or file.
 */
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { spawn } from "node:child_process";

const root = new URL("..", import.meta.url).pathname;
const args = process.argv.slice(2);
const roots = args.filter((a) => !a.startsWith("-"));
const flags = args.filter((a) => a.startsWith("-"));

function find(dir, out) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name === "node_modules" || name === "bench" || name === "fixtures") continue;
      find(path, out);
    } else if (name.endsWith(".test.ts")) {
      out.push(relative(root, path));
    }
  }
  return out;
}

const files = [];
for (const r of roots.length ? roots : ["test"]) {
  const abs = join(root, r);
  if (statSync(abs).isDirectory()) find(abs, files);
  else files.push(r);
}
files.sort();
const child = spawn(
  process.execPath,
  ["--conditions=source", "--import", "tsx", "--test", "--test-concurrency=2", ...flags, ...files],
  { cwd: root, stdio: "inherit", env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? "silent" } },
);
child.on("exit", (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
