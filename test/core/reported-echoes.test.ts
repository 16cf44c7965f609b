/**
 * While functions load, the unhandled echo of an import failure the loader reported is dropped;
 * any other unhandled rejection meets Node's default for the process's --unhandled-rejections
 * mode (a listener of podfn's own would otherwise disable it), and loads at once share one listener.
 * A primitive reason (`throw "boom"` in a CommonJS helper) is marked only while a load runs.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const FAULTS = fileURLToPath(new URL("../../runtime/process-faults.ts", import.meta.url));
const LOADER = fileURLToPath(new URL("../../runtime/loader.ts", import.meta.url));

function run(body: string, flags: string[] = []): { status: number | null; stderr: string } {
  const script = `import { withoutReportedEchoes, reportedElsewhere } from ${JSON.stringify(FAULTS)};\n${body}`;
  const child = spawnSync(process.execPath, [...flags, "--conditions=source", "--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8" });
  return { status: child.status, stderr: child.stderr };
}

test("a reported echo is dropped; an unrelated rejection still ends the process as Node's default does", () => {
  const echo = run(`const e = new Error("reported"); reportedElsewhere(e);\nawait withoutReportedEchoes(async () => { Promise.reject(e); await new Promise((r) => setTimeout(r, 20)); });\nconsole.error("went on");`);
  assert.equal(echo.status, 0, echo.stderr);
  assert.match(echo.stderr, /went on/);
  const other = run(`await withoutReportedEchoes(async () => { Promise.reject("plain string"); await new Promise((r) => setTimeout(r, 20)); });\nconsole.error("went on");`);
  assert.equal(other.status, 1);
  assert.match(other.stderr, /ERR_UNHANDLED_REJECTION|The promise rejected with the reason "'plain string'"/);
  assert.doesNotMatch(other.stderr, /went on/);
});

test("--unhandled-rejections=warn is respected, and two loads at once still let an unrelated rejection through", () => {
  const warned = run(`await withoutReportedEchoes(async () => { Promise.reject(new Error("other")); await new Promise((r) => setTimeout(r, 20)); });\nconsole.error("went on");`, ["--unhandled-rejections=warn"]);
  assert.equal(warned.status, 0, warned.stderr);
  assert.match(warned.stderr, /went on/);
  assert.equal(warned.stderr.match(/UnhandledPromiseRejectionWarning: Error: other|UnhandledPromiseRejectionWarning: other/g)?.length, 1, `warned once (Node does): ${warned.stderr}`);
  const overridden = spawnSync(process.execPath, ["--unhandled-rejections=throw", "--conditions=source", "--import", "tsx", "--input-type=module", "-e", `import { withoutReportedEchoes } from ${JSON.stringify(FAULTS)};\nawait withoutReportedEchoes(async () => { Promise.reject(new Error("other")); await new Promise((r) => setTimeout(r, 20)); });`], { encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "--unhandled-rejections=warn" } });
  assert.equal(overridden.status, 1, "the command line wins over NODE_OPTIONS");
  const both = run(`const slow = () => new Promise((r) => setTimeout(r, 30));\nawait Promise.all([withoutReportedEchoes(async () => { Promise.reject(new Error("other")); await slow(); }), withoutReportedEchoes(slow)]);\nconsole.error("went on");`);
  assert.equal(both.status, 1, both.stderr);
});

test("a primitive reason reported during a load is dropped too; reported after the loads, it is not", () => {
  const echo = run(`await withoutReportedEchoes(async () => { reportedElsewhere("boom"); Promise.reject("boom"); await new Promise((r) => setTimeout(r, 20)); });\nconsole.error("went on");`);
  assert.equal(echo.status, 0, echo.stderr);
  assert.match(echo.stderr, /went on/);
  const later = run(`await withoutReportedEchoes(async () => { reportedElsewhere("boom"); });\nawait new Promise((r) => setTimeout(r, 20));\nawait withoutReportedEchoes(async () => { Promise.reject("boom"); await new Promise((r) => setTimeout(r, 20)); });\nconsole.error("went on");`);
  assert.equal(later.status, 1, "a value's mark lasts only while its load's window is open");
  assert.doesNotMatch(later.stderr, /went on/);
});

test("an ES module function importing a CommonJS helper that throws a string is named by the loader; the process goes on", async () => {
  const dir = await mkdtemp(join(tmpdir(), "podfn-echo-"));
  try {
    await writeFile(join(dir, "_helper.cjs"), `throw "boom from a helper";\n`);
    await writeFile(join(dir, "bad.mjs"), `import "./_helper.cjs";\nexport default { name: "bad", schedule: { cron: "0 3 * * *" }, handler: () => 1, [Symbol.for("podfn.function")]: true };\n`);
    const child = spawnSync(process.execPath, ["--conditions=source", "--import", "tsx", "--input-type=module", "-e", `import { loadFunctions } from ${JSON.stringify(LOADER)};\ntry { await loadFunctions(${JSON.stringify(dir)}); } catch (e) { console.error(e.message); }\nawait new Promise((r) => setTimeout(r, 20));\nconsole.error("went on");`], { encoding: "utf8" });
    assert.equal(child.status, 0, child.stderr);
    assert.match(child.stderr, /bad\.mjs: the module failed to import: boom from a helper/);
    assert.match(child.stderr, /went on/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
