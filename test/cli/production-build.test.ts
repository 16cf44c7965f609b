/**
 * The production build (`scripts/build.js`, what `npm run build` and the image ship) runs as
 * the sources do: built into a temporary package with this repository's package.json (its
 * `exports` and `bin`), `podfn list` lists every function of functions/ (whichever a project
 * keeps) from `dist/`, `podfn run` works from it, functions built with
 * the runtime load from their folder through the runtime's entries and share the CLI's module
 * instances (one zod, bundled once; one `podfn`), a function built apart (its own zod) works
 * too, the lazily loaded dependencies (yaml for a kubeconfig, undici for API calls) work
 * from the bundle, and so do zod's locales, which are files of their own; pino's worker-thread
 * transports are left out.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startCluster, type Cluster } from "../../runtime/testing/index.js";
import { createCertificates } from "../../runtime/testing/cluster/auth/certs.js";
import { loadFunctions } from "../../runtime/loader.js";

const REPO = fileURLToPath(new URL("../../", import.meta.url));

let root: string;
let cluster: Cluster;
let kubeconfig: string;

/** `node <args>` in the temporary package; resolves whatever the exit code. */
function node(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: join(root, "pkg"), env: { PATH: process.env.PATH ?? "", ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const cli = (args: string[]) => node([join(root, "pkg/dist/runtime/cli.js"), ...args]);

before(async () => {
  root = await mkdtemp(join(tmpdir(), "podfn-build-"));
  const pkg = join(root, "pkg");
  await mkdir(join(pkg, "own"), { recursive: true });
  await copyFile(join(REPO, "package.json"), join(pkg, "package.json"));
  await symlink(join(REPO, "node_modules"), join(pkg, "node_modules"));
  // Functions built with the runtime (a second folder next to the examples), outside the checkout.
  const shared = join(root, "shared");
  await mkdir(join(shared, "nested"), { recursive: true });
  await mkdir(join(root, "common"), { recursive: true });
  // A helper inside the folder (compiled to its own file) and shared code outside it (bundled in).
  await writeFile(join(shared, "nested/_min.ts"), "export const MIN_REPLICAS = 1;\n");
  await writeFile(join(shared, "_state.ts"), "export const state = { n: 0 };\n");
  // Outside code importing back into the folder: the folder's module must stay one instance.
  await writeFile(
    join(root, "common/refusal.ts"),
    `import { state } from "../shared/_state.js";
export const REFUSAL = "refused by a built function";
export function bump() { return ++state.n; }
`,
  );
  await writeFile(
    join(shared, "nested/strict.ts"),
    `import { z } from "zod";
import { defineFunction, ConfigError } from "podfn";
import { MIN_REPLICAS } from "./_min.js";
import { REFUSAL, bump } from "../../common/refusal.js";
import { state } from "../../shared/_state.js";
// A string that looks like a build placeholder is the user's own: it must ship as written.
const MARKER = "podfn-shared:index";
export default defineFunction({
  name: "strict",
  schedule: { cron: "0 3 * * *", input: { replicas: 2 } },
  input: z.object({ replicas: z.number().int().min(MIN_REPLICAS), refuse: z.boolean().default(false) }),
  handler: ({ input }) => { if (input.refuse) throw new ConfigError(REFUSAL); return { replicas: input.replicas, oneState: bump() === state.n, marker: MARKER }; },
});
`,
  );
  // zod's other languages are not in the bundle: loaded from their own file when asked for.
  await writeFile(
    join(shared, "german.ts"),
    `import { z } from "zod";
import { defineFunction } from "podfn";
export default defineFunction({
  name: "german",
  schedule: { cron: "0 3 * * *" },
  handler: () => {
    // English, zod's default, set explicitly as a project may: bundled, not a file of its own.
    z.config(z.locales.en());
    const english = z.string().safeParse(1).error?.issues[0]?.message;
    z.config(z.locales.de());
    return { english, message: z.string().safeParse(1).error?.issues[0]?.message, languages: Object.keys(z.locales).length };
  },
});
`,
  );
  // A function calling the API, with the permission it needs.
  await writeFile(
    join(shared, "pods.ts"),
    `import { defineFunction } from "podfn";
export default defineFunction({
  name: "pods",
  schedule: { cron: "0 3 * * *" },
  permissions: [{ apiGroups: [""], resources: ["pods"], verbs: ["list"] }],
  handler: async ({ kube }) => ({ pods: (await kube.pods.listPage()).items.length }),
});
`,
  );
  // import.meta keeps its meaning in a function compiled to CommonJS.
  await writeFile(
    join(shared, "where.ts"),
    `import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { defineFunction } from "podfn";
export default defineFunction({
  name: "where",
  schedule: { cron: "0 3 * * *" },
  handler: () => ({ url: import.meta.url.endsWith("/shared/where.js"), dirname: import.meta.dirname === dirname(fileURLToPath(import.meta.url)), filename: import.meta.filename === fileURLToPath(import.meta.url) }),
});
`,
  );
  const built = await new Promise<{ error: Error | null; stderr: string }>((resolve) =>
    execFile(
      process.execPath,
      [join(REPO, "scripts/build.js"), "--out", join(pkg, "dist"), "--functions", join(REPO, "functions"), "--functions", `shared=${shared}`],
      { cwd: REPO, timeout: 120_000 },
      (error, _stdout, stderr) => resolve({ error, stderr }),
    ),
  );
  assert.equal(built.error, null, built.stderr);
  // A function throwing the `podfn` entry's ConfigError: exit 2 only if the CLI sees the same class.
  await writeFile(
    join(pkg, "own/refuse.js"),
    `import { defineFunction, ConfigError } from "podfn";
export default defineFunction({ name: "refuse", schedule: { cron: "0 3 * * *" }, handler: () => { throw new ConfigError("refused on purpose"); } });
`,
  );
  // Built apart, with its own zod (zod 3's API, a distinct copy): recognised by its interface.
  await writeFile(
    join(pkg, "own/apart.js"),
    `import { z } from "zod/v3";
import { defineFunction } from "podfn";
export default defineFunction({ name: "apart", schedule: { cron: "0 3 * * *", input: { count: 1 } }, input: z.object({ count: z.number() }), handler: ({ input }) => ({ count: input.count }) });
`,
  );
  cluster = await startCluster();
  kubeconfig = join(root, "kubeconfig");
  await writeFile(kubeconfig, cluster.kubeconfig(), { mode: 0o600 });
});

after(async () => {
  await cluster?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

test("podfn list runs from the build and lists every function of functions/, compiled", async () => {
  const names = (await loadFunctions(join(REPO, "functions"))).map((fn) => fn.name);
  const { code, stdout, stderr } = await cli(["list", "--functions", "dist/functions"]);
  assert.equal(code, 0, stderr);
  const built = (await cli(["list", "--json", "--functions", "dist/functions"])).stdout;
  assert.deepEqual((JSON.parse(built) as { name: string }[]).map((fn) => fn.name).sort(), names.sort(), built);
  assert.match(stdout, /^NAME +ROUTE/);
  for (const name of names) assert.match(stdout, new RegExp(`^${name} `, "m"));
});

test("the package's bin entry runs the build where the sources are absent", async () => {
  await mkdir(join(root, "pkg/bin"), { recursive: true });
  await copyFile(join(REPO, "bin/podfn.js"), join(root, "pkg/bin/podfn.js"));
  const { code, stdout } = await node(["bin/podfn.js", "--version"]);
  assert.equal(code, 0);
  assert.match(stdout, /^\d+\.\d+\.\d+/);
});

test("podfn run calls the API from the build, with credentials from a kubeconfig", async () => {
  const { code, stdout, stderr } = await cli(["run", "pods", "--functions", "dist/shared", "--cluster", "real", "--kubeconfig", kubeconfig, "--namespace", "default"]);
  assert.equal(code, 0, stderr);
  assert.equal(typeof (JSON.parse(stdout) as { pods: unknown }).pods, "number", stdout);
  assert.match(stderr, /"msg":"using Kubernetes \(credentials found; no request made yet\)"/);
});

/** What a `node <args>` process loaded, written when it exits: Node's own modules and the files required. */
type Loaded = { builtins: string[]; files: string[]; cacheRejected: boolean | undefined };

/** Runs the built CLI with `args` and `env`, and reads back what the process loaded. */
async function loadedByRun(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string; loaded: Loaded }> {
  // With writeSync: reading process.stderr would load the stream modules it is looking for.
  const probe = join(root, "probe.cjs");
  await writeFile(
    probe,
    `process.on("exit", () => { const load = Object.keys(require.cache).find((f) => f.endsWith("/dist/runtime/load.cjs")); require("node:fs").writeSync(2, "PROBE " + JSON.stringify({ builtins: process.moduleLoadList.filter((m) => m.startsWith("NativeModule ")), files: Object.keys(require.cache), cacheRejected: load && require(load).cacheRejected() }) + "\\n"); });\n`,
  );
  const { code, stdout, stderr } = await node(["--require", probe, join(root, "pkg/dist/runtime/cli.js"), ...args], env);
  const line = stderr.split("\n").find((l) => l.startsWith("PROBE "));
  assert.ok(line, stderr);
  return { code, stdout, stderr, loaded: JSON.parse(line.slice("PROBE ".length)) as Loaded };
}

test("a CronJob's podfn run of a function making no API call loads no HTTP client, no performance timeline, and compiles from the cache", async () => {
  const { dir } = await cluster.serviceAccount("default", "production-build-run");
  const url = new URL(cluster.url);
  const { code, stdout, stderr, loaded } = await loadedByRun(["run", "where", "--functions", "dist/shared", "--cluster", "real", "--serviceaccount-dir", dir], {
    KUBERNETES_SERVICE_HOST: url.hostname,
    KUBERNETES_SERVICE_PORT: url.port,
  });
  assert.equal(code, 0, stderr);
  assert.deepEqual(JSON.parse(stdout), { url: true, dirname: true, filename: true });
  assert.equal(loaded.cacheRejected, false, "the build's code cache is used");
  // perf_hooks: the first performance.now() of a process loads the timeline (~0.7 ms).
  for (const name of ["perf_hooks", "net", "http", "https", "http2", "worker_threads", "crypto"]) assert.ok(!loaded.builtins.includes(`NativeModule ${name}`), `${name} is loaded: ${loaded.builtins.join(", ")}`);
  assert.deepEqual(loaded.files.filter((f) => f.includes("/node_modules/")), [], "no package is required from node_modules");
});

test("a run making no API call with a kubeconfig's client certificate loads no node:crypto: the certificate and key are checked to belong together at the first request", async () => {
  const { certPem, keyPem } = await createCertificates();
  const b64 = (pem: string) => Buffer.from(pem).toString("base64");
  const path = join(root, "client-certificate.kubeconfig");
  const clusterEntry = { server: cluster.url, "certificate-authority-data": b64(cluster.caPem) };
  await writeFile(path, JSON.stringify({ apiVersion: "v1", kind: "Config", "current-context": "c", contexts: [{ name: "c", context: { cluster: "c", user: "u" } }], clusters: [{ name: "c", cluster: clusterEntry }], users: [{ name: "u", user: { "client-certificate-data": b64(certPem), "client-key-data": b64(keyPem) } }] }));
  const { code, stderr, loaded } = await loadedByRun(["run", "where", "--functions", "dist/shared", "--cluster", "real", "--kubeconfig", path]);
  assert.equal(code, 0, stderr);
  assert.ok(!loaded.builtins.includes("NativeModule crypto"), loaded.builtins.join(", "));
});

test("an error class from `import \"podfn\"` is the CLI's own (one copy of each module)", async () => {
  const { code, stderr } = await cli(["run", "refuse", "--functions", "own", "--cluster", "real", "--kubeconfig", kubeconfig]);
  assert.equal(code, 2, stderr);
  assert.match(stderr, /refused on purpose/);
});

/** Every .js and .cjs file under `dir` (the runtime bundle is `runtime/podfn.cjs`) but zod's separate locales. */
async function jsFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && /\.c?js$/.test(e.name) && !e.parentPath.endsWith("zod-locales")).map((e) => join(e.parentPath, e.name));
}

test("zod is bundled once, and built functions import it and podfn through the runtime's two entries", async () => {
  const sources = await Promise.all((await jsFiles(join(root, "pkg/dist"))).map((f) => readFile(f, "utf8")));
  // zod's base schema class is defined in exactly one place, and nothing imports zod from node_modules.
  assert.equal(sources.reduce((n, s) => n + (s.match(/\$constructor\("\$ZodType",/g)?.length ?? 0), 0), 1);
  assert.equal(sources.filter((s) => /from\s*"zod(\/[^"]*)?"|(import|require)\s*\(\s*"zod/.test(s)).length, 0);
  const fn = await readFile(join(root, "pkg/dist/shared/nested/strict.js"), "utf8");
  // The runtime's two entries (not one import per runtime chunk) and the folder's own helper
  // (compiled beside it); the module from outside the folder is bundled in.
  // Compiled to CommonJS (the folder's package.json says so): `require`s, builtins aside.
  assert.deepEqual([...new Set([...fn.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]).filter((m) => !m!.startsWith("node:")))].sort(), ["../../runtime/index.js", "../../runtime/shared-zod.js", "../_state.js", "./_min.js"]);
  assert.deepEqual(JSON.parse(await readFile(join(root, "pkg/dist/shared/package.json"), "utf8")), { type: "commonjs" });
  assert.ok(existsSync(join(root, "pkg/dist/shared/nested/_min.js")));
  assert.match(fn, /refused by a built function/);
});

test("a function built with the runtime loads through its entries and its schema names the bad field (exit 2)", async () => {
  const good = await cli(["run", "strict", "--functions", "dist/shared", "--cluster", "real", "--kubeconfig", kubeconfig, "--input", '{"replicas":3}']);
  assert.equal(good.code, 0, good.stderr);
  assert.deepEqual(JSON.parse(good.stdout), { replicas: 3, oneState: true, marker: "podfn-shared:index" });
  const bad = await cli(["run", "strict", "--functions", "dist/shared", "--cluster", "real", "--kubeconfig", kubeconfig, "--input", '{"replicas":0}']);
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /replicas/);
});

test("an error class thrown by a function built with the runtime is the CLI's own", async () => {
  const { code, stderr } = await cli(["run", "strict", "--functions", "dist/shared", "--cluster", "real", "--kubeconfig", kubeconfig, "--input", '{"replicas":1,"refuse":true}']);
  assert.equal(code, 2, stderr);
  assert.match(stderr, /refused by a built function/);
});

test("a function built apart with its own zod is validated by the built CLI", async () => {
  const good = await cli(["run", "apart", "--functions", "own", "--cluster", "real", "--kubeconfig", kubeconfig, "--input", '{"count":4}']);
  assert.equal(good.code, 0, good.stderr);
  assert.deepEqual(JSON.parse(good.stdout), { count: 4 });
  const bad = await cli(["run", "apart", "--functions", "own", "--cluster", "real", "--kubeconfig", kubeconfig, "--input", '{"count":"four"}']);
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /count/);
});

test("zod's locales other than English load from their own files when a function asks for one; English is bundled and callable", async () => {
  const { code, stdout, stderr } = await cli(["run", "german", "--functions", "dist/shared", "--cluster", "real", "--kubeconfig", kubeconfig]);
  assert.equal(code, 0, stderr);
  const { z } = await import("zod");
  const text = (locale: typeof z.locales.de) => {
    const error = locale().localeError({ code: "invalid_type", expected: "string", input: 1, path: [], message: "" } as never);
    return typeof error === "string" ? error : error?.message;
  };
  assert.deepEqual(JSON.parse(stdout), { english: text(z.locales.en), message: text(z.locales.de), languages: Object.keys(z.locales).length });
  const sources = await Promise.all((await jsFiles(join(root, "pkg/dist"))).map((f) => readFile(f, "utf8")));
  assert.equal(sources.filter((s) => s.includes("Zeichen")).length, 0);
});

test("no worker thread code is bundled: pino's transports (thread-stream) are left out", async () => {
  const sources = await Promise.all((await jsFiles(join(root, "pkg/dist"))).map((f) => readFile(f, "utf8")));
  assert.equal(sources.filter((s) => s.includes("new Worker(")).length, 0);
  assert.equal(sources.filter((s) => s.includes("pino transports (a worker thread) are not part of podfn's build")).length, 1);
});

test("the built runtime compiles from the code cache the build made, and a cache V8 refuses only costs speed", async () => {
  const probe = (dir: string) =>
    node(["-e", `const l = require(${JSON.stringify(join(dir, "load.cjs"))}); const ok = typeof l.entry("index").defineFunction === "function"; console.log(JSON.stringify({ ok, rejected: l.cacheRejected() }));`]);
  const used = await probe(join(root, "pkg/dist/runtime"));
  assert.deepEqual(JSON.parse(used.stdout), { ok: true, rejected: false }, used.stderr);
  // A cache V8 refuses (here: this build's id, then garbage): the script compiles from source.
  const copy = join(root, "runtime-copy");
  await cp(join(root, "pkg/dist/runtime"), copy, { recursive: true });
  const cache = await readFile(join(copy, "podfn.cjs.cache"));
  await writeFile(join(copy, "podfn.cjs.cache"), Buffer.concat([cache.subarray(0, 36), Buffer.alloc(4096, 7)]));
  const refused = await probe(copy);
  assert.deepEqual(JSON.parse(refused.stdout), { ok: true, rejected: true }, refused.stderr);
  // The cache of another build is not even offered to V8 (which would take it for any source of
  // the same length): here the bundle names another build, its length unchanged.
  await writeFile(join(copy, "podfn.cjs.cache"), cache);
  const bundle = await readFile(join(copy, "podfn.cjs"), "latin1");
  await writeFile(join(copy, "podfn.cjs"), bundle.replace(/(\/\/# podfn-build )[0-9a-f-]{36}/, "$1" + "0".repeat(36)), "latin1");
  const otherBuild = await probe(copy);
  assert.deepEqual(JSON.parse(otherBuild.stdout), { ok: true }, otherBuild.stderr);
  await rm(join(copy, "podfn.cjs.cache"));
  const none = await probe(copy);
  assert.deepEqual(JSON.parse(none.stdout), { ok: true }, none.stderr);
});

test("import.meta.url, .dirname and .filename keep their meaning in a function compiled to CommonJS", async () => {
  const { code, stdout, stderr } = await cli(["run", "where", "--functions", "dist/shared", "--cluster", "real", "--kubeconfig", kubeconfig]);
  assert.equal(code, 0, stderr);
  assert.deepEqual(JSON.parse(stdout), { url: true, dirname: true, filename: true });
});

test("ES modules import the built entries by name: podfn, podfn/testing and zod through the shared entry", async () => {
  await writeFile(
    join(root, "pkg/own-import.mjs"),
    `import { defineFunction, ConfigError } from "podfn";
import { startCluster } from "podfn/testing";
import { z, object } from "./dist/runtime/shared-zod.js";
import zodDefault from "./dist/runtime/shared-zod.js";
console.log(JSON.stringify([typeof defineFunction, typeof ConfigError, typeof startCluster, typeof z.object, object === z.object, typeof zodDefault.string]));
`,
  );
  const { code, stdout, stderr } = await node(["own-import.mjs"]);
  assert.equal(code, 0, stderr);
  assert.deepEqual(JSON.parse(stdout), ["function", "function", "function", "function", true, "function"]);
});

test("the emulated API server is a script of its own: the runtime's bundle does not hold it, and it loads only when a cluster is started", async () => {
  const dist = join(root, "pkg/dist/runtime");
  // A function of cluster/apply.ts: in the emulator's script, not in the one every pod compiles.
  assert.match(await readFile(join(dist, "cluster.cjs"), "utf8"), /function appliedGvk\(/);
  assert.doesNotMatch(await readFile(join(dist, "podfn.cjs"), "utf8"), /appliedGvk/);
  const load = JSON.stringify(join(dist, "load.cjs"));
  const probe = `const l = require(${load}); const loaded = () => Object.keys(require.cache).some((f) => f.endsWith("cluster.cjs"));
l.entry("cli"); l.entry("index"); const before = loaded();
l.entry("testing").startCluster().then(async (c) => { await c.stop(); console.log(JSON.stringify({ before, after: loaded(), url: /^https:\\/\\/127\\.0\\.0\\.1:\\d+$/.test(c.url) })); });`;
  const { code, stdout, stderr } = await node(["-e", probe]);
  assert.equal(code, 0, stderr);
  assert.deepEqual(JSON.parse(stdout), { before: false, after: true, url: true });
});

test("podfn/testing's helpers reach the emulator through its script: the runtime's bundle holds no module of runtime/testing/cluster", async () => {
  // Its source map names every module the bundle holds; each of the emulator's would be source every pod keeps in its heap.
  const map = JSON.parse(await readFile(join(root, "pkg/dist/runtime/podfn.cjs.map"), "utf8")) as { sources: string[] };
  assert.ok(map.sources.some((source) => source.endsWith("runtime/testing/admission-conditions.ts")), "the helpers themselves are in the bundle");
  assert.deepEqual(map.sources.filter((source) => source.includes("runtime/testing/cluster/")), []);
});

test("under --enable-source-maps the runtime's own frames name runtime/*.ts lines (flag or NODE_OPTIONS), still in strict mode; without it, the cached script's", async () => {
  const load = JSON.stringify(join(root, "pkg/dist/runtime/load.cjs"));
  // loadConfig throws a ConfigError from runtime/config.ts for an unknown option.
  // A sloppy-mode function has own "caller" and "arguments": the bundle must stay strict either way.
  const probe = `const l = require(${load}); const strict = !Object.hasOwn(l.entry("index").defineFunction, "caller"); try { l.entry("index").loadConfig("run", ["--bogus"], {}); } catch (e) { console.log(JSON.stringify({ frame: e.stack.split("\\n")[1], rejected: l.cacheRejected(), strict })); }`;
  const flagged = await node(["--enable-source-maps", "-e", probe]);
  const viaEnv = await node(["-e", probe], { NODE_OPTIONS: "--enable-source-maps" });
  const plain = await node(["-e", probe]);
  for (const mapped of [flagged, viaEnv]) {
    const { frame, rejected, strict } = JSON.parse(mapped.stdout) as { frame: string; rejected?: boolean; strict: boolean };
    assert.match(frame, /at Object\.loadConfig \(.*runtime\/config\.ts:\d+:\d+\)$/, mapped.stderr);
    assert.equal(rejected, undefined, "no cache is offered when the loader compiles the script");
    assert.equal(strict, true, "the bundle runs in strict mode under source maps too");
  }
  const { frame, rejected, strict } = JSON.parse(plain.stdout) as { frame: string; rejected?: boolean; strict: boolean };
  assert.match(frame, /at Object\.loadConfig \(.*dist\/runtime\/podfn\.cjs:\d+:\d+\)$/, plain.stderr);
  assert.equal(rejected, false);
  assert.equal(strict, true);
});
