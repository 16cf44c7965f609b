/**
 * `package.json`'s `engines` is the first Node 20 release podfn runs on: no lower than what its
 * dependencies declare (undici 7: 20.18.1, the emulator's CEL library: 20.19) nor than the APIs
 * podfn calls (the emulator's webhook TLS: `allowPartialTrustChain`, 20.18), and README's quick
 * start says the same version.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { engines: { node: string }; dependencies: Record<string, string> };

/** `>=20.19` → [20, 19, 0]. */
function floor(range: string): number[] {
  const m = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(range.trim());
  assert.ok(m, `engines range "${range}" is not a plain >=`);
  return [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
}
const atLeast = (a: number[], b: number[]) => a[0]! !== b[0]! ? a[0]! > b[0]! : a[1]! !== b[1]! ? a[1]! > b[1]! : a[2]! >= b[2]!;

test("engines is no lower than any dependency's own engines.node", () => {
  const ours = floor(pkg.engines.node);
  for (const name of Object.keys(pkg.dependencies)) {
    const theirs = (JSON.parse(readFileSync(new URL(`../../node_modules/${name}/package.json`, import.meta.url), "utf8")) as { engines?: { node?: string } }).engines?.node;
    if (!theirs || !/^>=/.test(theirs.trim())) continue;
    assert.ok(atLeast(ours, floor(theirs)), `${name} needs Node ${theirs}, engines says ${pkg.engines.node}`);
  }
});

test("engines covers allowPartialTrustChain (Node 20.18), which the emulator's webhook calls use", () => {
  assert.ok(atLeast(floor(pkg.engines.node), [20, 18, 0]));
});

test("README's quick start names the engines version", () => {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const [major, minor] = floor(pkg.engines.node);
  assert.match(readme, new RegExp(`With Node\\.js ${major}\\.${minor} or newer`));
});
