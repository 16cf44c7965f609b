/**
 * `pinLlhttpToLiftoff` (kube/llhttp-liftoff.ts) compiles undici's parser once, from undici's own
 * files, before the client connects; a process whose own flags choose how V8 tiers WebAssembly
 * is left alone. (What it is for, the memory peak of a long listing, is measured by the
 * benchmark's memory suite, not here.)
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

const MODULE = fileURLToPath(new URL("../../runtime/kube/llhttp-liftoff.ts", import.meta.url));

/** Run the pin in a fresh process (flags are per process); resolves to what it printed. */
function probe(env: Record<string, string>, execArgv: string[] = []): Promise<{ before: boolean; after: boolean; again: boolean }> {
  const script = `import { pinLlhttpToLiftoff, llhttpPinned } from ${JSON.stringify(MODULE)};
const before = llhttpPinned();
pinLlhttpToLiftoff();
const after = llhttpPinned();
pinLlhttpToLiftoff();
console.log(JSON.stringify({ before, after, again: llhttpPinned() }));`;
  return new Promise((resolve, reject) =>
    execFile(process.execPath, [...execArgv, "--import", "tsx", "--input-type=module", "-e", script], { env: { PATH: process.env.PATH ?? "", ...env } }, (error, stdout, stderr) =>
      error ? reject(new Error(stderr)) : resolve(JSON.parse(stdout) as { before: boolean; after: boolean; again: boolean }),
    ),
  );
}

test("undici's parser is compiled once, before the client needs it", async () => {
  assert.deepEqual(await probe({}), { before: false, after: true, again: true });
  assert.deepEqual(await probe({ UNDICI_NO_WASM_SIMD: "1" }), { before: false, after: true, again: true });
});

test("a process started with its own WebAssembly tiering flags is left alone", async () => {
  assert.deepEqual(await probe({}, ["--no-wasm-tier-up"]), { before: false, after: false, again: false });
  assert.deepEqual(await probe({}, ["--liftoff-only"]), { before: false, after: false, again: false });
});
