import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rename, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startPodfn, type PodfnProcess } from "../e2e/helpers/processes.js";
import { DEV_TMP, helloModule, untilHelloVersion } from "./dev-helpers.js";

const TMP = DEV_TMP;
const hello = (version: string) => helloModule(version);

let dir: string;
let home: string;
let dev: PodfnProcess;
let url: string;

before(async () => {
  await mkdir(TMP, { recursive: true });
  dir = await mkdtemp(join(TMP, "dev-"));
  home = await mkdtemp(join(tmpdir(), "podfn-home-"));
  await writeFile(join(dir, "hello.ts"), hello("1"));
  // Served through a symlink to the folder (edits go to the real one): Node caches and resolves
  // modules by real path, which the reloads must follow for helpers to be read again.
  await symlink(dir, `${dir}-link`);
  dev = startPodfn(["dev", "--port", "0", "--functions", `${dir}-link`], { HOME: home }, { cwd: home });
  url = (await dev.waitFor(/url=(http:\/\/127\.0\.0\.1:\d+)/))[1]!;
});

after(async () => {
  await dev.stop();
  await rm(dir, { recursive: true, force: true });
  await rm(`${dir}-link`, { force: true });
  await rm(home, { recursive: true, force: true });
});

/** Polls `GET /hello` until it answers `version`, for at most 20 s. */
const untilVersion = (version: number): Promise<void> => untilHelloVersion(url, dev, version);

test("podfn dev prints readable logs, not JSON", () => {
  assert.match(dev.output(), /^\d\d:\d\d:\d\d INFO  listening  url=/m);
});

test("podfn dev reloads a function when its file changes, and keeps the last good version when an edit breaks it", async () => {
  await untilVersion(1);
  await writeFile(join(dir, "hello.ts"), hello("2"));
  await untilVersion(2);
  await writeFile(join(dir, "hello.ts"), `export default { broken: true };\n`);
  await dev.waitFor(/keeping the previous version until the next change/);
  assert.deepEqual(await (await fetch(`${url}/hello`)).json(), { version: 2 });
  await writeFile(join(dir, "hello.ts"), hello("3"));
  await untilVersion(3);
});

test("podfn dev creates, and says it created, the local secret of a function added with bearer auth", async () => {
  await writeFile(
    join(dir, "guarded.ts"),
    `import { defineFunction } from "podfn";
export default defineFunction({ name: "guarded", http: { method: "GET", auth: { type: "bearer", secret: "tok-b" } }, handler: () => ({ ok: true }) });
`,
  );
  const deadline = Date.now() + 20_000;
  for (;;) {
    const token = await readFile(join(home, ".podfn/secrets/tok-b"), "utf8").catch(() => undefined);
    const status = token ? await fetch(`${url}/guarded`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status, () => 0) : 0;
    if (status === 200) break;
    if (Date.now() > deadline) assert.fail(`GET /guarded never answered 200 with the local secret\n${dev.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  // Said, as at start: a misspelt secret name otherwise gets a random value nobody knows, every caller a 403.
  await dev.waitFor(/INFO  created a local caller-auth secret for local runs: tok-b .*secretsDir=/, 5_000);
});

test("podfn dev reloads the helper modules a function imports, too", async () => {
  await writeFile(join(dir, "_greeting.ts"), `export const greeting = "hello";\n`);
  await writeFile(
    join(dir, "greet.ts"),
    `import { defineFunction } from "podfn";
import { greeting } from "./_greeting.js";
export default defineFunction({ name: "greet", http: { method: "GET", auth: "none" }, handler: () => ({ greeting }) });
`,
  );
  const answer = async () => fetch(`${url}/greet`).then((r) => (r.ok ? r.json() : r.status), (e: unknown) => String(e));
  const until = async (expected: unknown) => {
    const deadline = Date.now() + 20_000;
    let last: unknown;
    while (Date.now() < deadline) {
      last = await answer();
      if (JSON.stringify(last) === JSON.stringify(expected)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.fail(`GET /greet never answered ${JSON.stringify(expected)}; last ${JSON.stringify(last)}\n${dev.output()}`);
  };
  await until({ greeting: "hello" });
  await writeFile(join(dir, "_greeting.ts"), `export const greeting = "bonjour";\n`);
  await until({ greeting: "bonjour" });
});

test("podfn dev takes in an edit saved while a reload is draining a call in flight (the old watcher was closed then)", async () => {
  const started = join(home, "slow-started");
  await writeFile(
    join(dir, "slow.ts"),
    `import { defineFunction } from "podfn";
import { writeFileSync } from "node:fs";
export default defineFunction({ name: "slow", http: { method: "GET", auth: "none" }, handler: async () => {
  writeFileSync(${JSON.stringify(started)}, "1");
  await new Promise((r) => setTimeout(r, 1500));
  return { slow: true };
} });
`,
  );
  const deadline = Date.now() + 20_000;
  // Loaded once its route answers a POST with 405 (a GET route), without running it.
  while ((await fetch(`${url}/slow`, { method: "POST" }).then((r) => r.status, () => 0)) !== 405 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const inflight = fetch(`${url}/slow`).then((r) => r.status, () => 0);
  while (!(await readFile(started, "utf8").catch(() => "")) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const reloads = () => dev.output().split("change detected: reloading").length;
  const before = reloads();
  await writeFile(join(dir, "hello.ts"), hello("4"));
  // The reload has begun (it now drains the slow call): save again meanwhile.
  while (reloads() === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await writeFile(join(dir, "hello.ts"), hello("5"));
  await inflight;
  await untilVersion(5);
});

test("podfn dev reloads a CommonJS helper an ES-module function imports (Node kept its require cache copy)", async () => {
  await writeFile(join(dir, "_word.cjs"), `exports.word = "one";\n`);
  await writeFile(
    join(dir, "word.ts"),
    `import { defineFunction } from "podfn";
import helper from "./_word.cjs";
export default defineFunction({ name: "word", http: { method: "GET", auth: "none" }, handler: () => ({ word: helper.word }) });
`,
  );
  const until = async (word: string) => {
    const deadline = Date.now() + 20_000;
    let last: unknown;
    while (Date.now() < deadline) {
      last = await fetch(`${url}/word`).then((r) => (r.ok ? r.json() : r.status), (e: unknown) => String(e));
      if ((last as { word?: string }).word === word) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.fail(`GET /word never answered ${word}; last ${JSON.stringify(last)}\n${dev.output()}`);
  };
  await until("one");
  await writeFile(join(dir, "_word.cjs"), `exports.word = "two";\n`);
  await until("two");
});

test("podfn dev keeps seeing a file saved by renaming a copy over it (editors' safe write, sed -i), and its later edits", async () => {
  await writeFile(join(dir, "hello.ts.tmp"), hello("40"));
  await rename(join(dir, "hello.ts.tmp"), join(dir, "hello.ts"));
  await untilVersion(40);
  await writeFile(join(dir, "hello.ts"), hello("41"));
  await untilVersion(41);
});

test("podfn dev keeps watching a functions folder that is removed and made again (Linux's watcher goes silent)", async () => {
  await rm(dir, { recursive: true, force: true });
  await dev.waitFor(/the functions folder does not exist/);
  await mkdir(dir);
  await writeFile(join(dir, "hello.ts"), hello("6"));
  await untilVersion(6);
  assert.doesNotMatch(dev.output(), /cannot watch the functions folder any more/, "a folder gone for a while is no watcher failure");
});
