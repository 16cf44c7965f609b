/**
 * Helpers of the `podfn dev` tests: where their functions live, the `hello` function they edit,
 * and waiting for a reload to be served.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import type { PodfnProcess } from "../e2e/helpers/processes.js";

/** The functions live inside the package (git-ignored) so `import "podfn"` resolves as in a user's project. */
export const DEV_TMP = fileURLToPath(new URL("../.tmp/", import.meta.url));

/** The module of a GET /hello answering `{version}` (`version` as source: a number, or an expression). */
export const helloModule = (version: string | number): string => `import { defineFunction } from "podfn";
export default defineFunction({ name: "hello", http: { method: "GET", auth: "none" }, handler: () => ({ version: ${version} }) });
`;

/** Polls `GET <url>/hello` until it answers `{version}`, for at most 20 s; fails with dev's output. */
export async function untilHelloVersion(url: string, dev: PodfnProcess, version: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  let last: unknown;
  while (Date.now() < deadline) {
    last = await fetch(`${url}/hello`).then((r) => r.json(), (e: unknown) => String(e));
    if ((last as { version?: number }).version === version) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`/hello never answered version ${version}; last answer ${JSON.stringify(last)}\n${dev.output()}`);
}
