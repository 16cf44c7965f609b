/**
 * @module scripts/build/cache-training
 * What the build runs in the process that makes the runtime's V8 code cache
 * (`node OUT/runtime/load.cjs --make-cache <this file>`, see scripts/bundle-loader.cjs), before the
 * cache is written: one `podfn run` of a small CronJob function, as a CronJob pod runs it
 * (in-cluster credentials from a ServiceAccount folder). V8 writes into a cache the functions
 * compiled so far; without this run only the modules' top-level code is in it, and every CronJob
 * compiles the run path (configuration, the loader, logging, the client's set-up) anew.
 *
 * Nothing is sent anywhere: the function makes no API call, so the client never connects (the
 * service address is a closed port all the same). The folder, its token and its CA certificate
 * (a placeholder: only its PEM framing is read before a connection) are made in a temporary
 * folder and removed. The run must succeed: a build whose training fails stops with its output.
 */
"use strict";
const { mkdtempSync, mkdirSync, rmSync, writeFileSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");

/** The function trained on: an input schema with defaults, a schedule, a log line, a result. */
function trainingFunction(loader) {
  return [
    '"use strict";',
    `const { defineFunction } = require(${JSON.stringify(loader)}).entry("index");`,
    `const { z } = require(${JSON.stringify(loader)}).entry("zod");`,
    // As the build compiles a function module: an ES module's default export, in CommonJS.
    'Object.defineProperty(exports, "__esModule", { value: true });',
    "exports.default = defineFunction({",
    '  name: "cache-training",',
    '  description: "the code cache\'s training run",',
    '  schedule: { cron: "0 3 * * *", input: { olderThanHours: 24 } },',
    "  input: z.object({ olderThanHours: z.number().int().positive().default(48), dryRun: z.boolean().default(false) }),",
    "  handler: ({ input, log }) => {",
    '    log.info({ olderThanHours: input.olderThanHours }, "training run");',
    "    return { ok: true, olderThanHours: input.olderThanHours };",
    "  },",
    "});",
    "",
  ].join("\n");
}

/**
 * Run `podfn run cache-training` through `cli.main` (the `cli` entry of the loaded bundle, whose
 * loader is `loader`). Resolves to its output; rejects when the run does not exit 0.
 */
async function train(cli, loader) {
  const dir = mkdtempSync(join(tmpdir(), "podfn-cache-training-"));
  try {
    const functions = join(dir, "functions");
    const serviceAccount = join(dir, "serviceaccount");
    mkdirSync(functions);
    mkdirSync(serviceAccount);
    writeFileSync(join(functions, "package.json"), '{"type":"commonjs"}\n');
    writeFileSync(join(functions, "cache-training.js"), trainingFunction(loader));
    writeFileSync(join(serviceAccount, "token"), "cache-training-token");
    writeFileSync(join(serviceAccount, "namespace"), "default");
    writeFileSync(join(serviceAccount, "ca.crt"), "-----BEGIN CERTIFICATE-----\nY2FjaGUtdHJhaW5pbmc=\n-----END CERTIFICATE-----\n");
    const output = [];
    const code = await cli.main(["run", "cache-training", "--functions", functions, "--serviceaccount-dir", serviceAccount, "--cluster", "real"], {
      env: { KUBERNETES_SERVICE_HOST: "127.0.0.1", KUBERNETES_SERVICE_PORT: "1" },
      cwd: dir,
      stdout: (text) => output.push(text),
      stderr: (text) => output.push(text),
      signal: new AbortController().signal,
    });
    if (code !== 0) throw new Error(`podfn: the code cache's training run exited ${code}:\n${output.join("")}`);
    return output.join("");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

module.exports = { train };
