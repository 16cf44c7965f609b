/**
 * A `podfn dev` reload that fails keeps the running version and says why, whatever failed: a
 * module that throws null at import (named like any load problem), or a step after loading (the
 * new version's local secrets could not be made: the secrets folder is a file), which ended the
 * process before. The next good change is taken in.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startPodfn, type PodfnProcess } from "../e2e/helpers/processes.js";
import { DEV_TMP, helloModule, untilHelloVersion } from "./dev-helpers.js";

const TMP = DEV_TMP;
const hello = (version: number) => helloModule(version);
const guarded = `import { defineFunction } from "podfn";
export default defineFunction({ name: "guarded", http: { method: "GET", auth: { type: "bearer", secret: "tok-new" } }, handler: () => ({ ok: true }) });
`;

let dir: string;
let home: string;
let dev: PodfnProcess;
let url: string;

before(async () => {
  await mkdir(TMP, { recursive: true });
  dir = await mkdtemp(join(TMP, "dev-failures-"));
  home = await mkdtemp(join(tmpdir(), "podfn-home-"));
  await writeFile(join(dir, "hello.ts"), hello(1));
  dev = startPodfn(["dev", "--port", "0", "--functions", dir], { HOME: home }, { cwd: home });
  url = (await dev.waitFor(/url=(http:\/\/127\.0\.0\.1:\d+)/))[1]!;
});

after(async () => {
  await dev.stop();
  await rm(dir, { recursive: true, force: true });
  await rm(home, { recursive: true, force: true });
});

/** Polls `GET /hello` until it answers `version`, for at most 20 s. */
const untilVersion = (version: number): Promise<void> => untilHelloVersion(url, dev, version);

const kept = () => dev.output().split("keeping the previous version until the next change").length - 1;

/** Waits for the next "keeping the previous version" line after `seen` of them. */
async function untilKept(seen: number): Promise<void> {
  await dev.waitFor(new RegExp(`(keeping the previous version until the next change[^]*){${seen + 1}}`));
}

test("a module that throws null at import is named, and the running version kept", async () => {
  await untilVersion(1);
  const seen = kept();
  await writeFile(join(dir, "nothing.ts"), `throw null;\n`);
  await untilKept(seen);
  assert.match(dev.output(), /cannot load functions: .*nothing\.ts: the module failed to import: it threw null/);
  assert.deepEqual(await (await fetch(`${url}/hello`)).json(), { version: 1 });
  await rm(join(dir, "nothing.ts"));
  await writeFile(join(dir, "hello.ts"), hello(2));
  await untilVersion(2);
});

test("a reload whose local secrets cannot be made is refused, the running version kept, and the process goes on", async () => {
  const secrets = join(home, ".podfn/secrets");
  await rm(secrets, { recursive: true, force: true });
  await writeFile(secrets, "not a folder\n");
  const seen = kept();
  await writeFile(join(dir, "guarded.ts"), guarded);
  await untilKept(seen);
  assert.match(dev.output(), /cannot reload: .*\.podfn\/secrets/);
  assert.deepEqual(await (await fetch(`${url}/hello`)).json(), { version: 2 });
  await rm(secrets);
  await writeFile(join(dir, "hello.ts"), hello(3));
  await untilVersion(3);
  assert.equal((await fetch(`${url}/guarded`)).status, 401);
});
