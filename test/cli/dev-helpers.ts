/**
 * Helpers of the `podfn dev` tests: waiting for a reload to be served.
 */
import assert from "node:assert/strict";
import type { PodfnProcess } from "../e2e/helpers/processes.js";

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
