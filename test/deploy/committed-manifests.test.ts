import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { manifestsCommand } from "../../runtime/commands/manifests.js";

const ROOT = new URL("../../", import.meta.url).pathname;
const COMMITTED = join(ROOT, "deploy/manifests");

/** `podfn manifests --out DIR ...args` from the repository's root: its exit code and stderr. */
async function manifests(out: string, ...args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = "";
  const code = await manifestsCommand.run({ argv: ["--out", out, ...args], env: {}, cwd: ROOT, stdout: () => {}, stderr: (t) => void (stderr += t), signal: new AbortController().signal });
  return { code, stderr };
}

test("the committed deploy/manifests match what `podfn manifests` generates from functions/", async () => {
  const out = await mkdtemp(join(tmpdir(), "podfn-manifests-"));
  try {
    const { code, stderr } = await manifests(out);
    assert.equal(code, 0, stderr);
    // From functions/, the folder deploy/Dockerfile builds: no note of that; the moving default
    // image is noted first. (Which other notes come depends on the functions a project keeps:
    // warnings.test.ts and admission/manifests.test.ts pin each kind.)
    const notes = stderr.split("\n").filter(Boolean);
    assert.match(notes[0] ?? "", /^note: --image podfn:latest is a moving tag/, stderr);
    assert.doesNotMatch(stderr, /deploy\/Dockerfile builds/);
    const fresh = (await readdir(out)).sort();
    const committed = (await readdir(COMMITTED)).filter((f) => f.endsWith(".yaml")).sort();
    const stale = "deploy/manifests is stale: run `npm run manifests` and commit the result";
    assert.deepEqual(committed, fresh, stale);
    for (const file of fresh) {
      assert.equal(await readFile(join(COMMITTED, file), "utf8"), await readFile(join(out, file), "utf8"), `${file}: ${stale}`);
    }
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

test("manifests of another functions folder note that deploy/Dockerfile builds functions/", async () => {
  const out = await mkdtemp(join(tmpdir(), "podfn-manifests-"));
  try {
    const { code, stderr } = await manifests(out, "--functions", "test/cli/fixtures/custom-resources/functions", "--image", "registry.example.com/ops/podfn:1.0");
    assert.equal(code, 0, stderr);
    assert.match(stderr, /^note: these manifests grant what the functions in test\/cli\/fixtures\/custom-resources\/functions declare; deploy\/Dockerfile builds the functions in functions\/, so build the image from/m);
    // Its function lists backups.ops.example.com, whose scope nothing there declares: noted on stderr, as the other notes.
    assert.match(stderr, /^note: ServiceAccount default\/podfn-count-backups is granted backups\.ops\.example\.com in namespace default only \(permissions without namespace\): .*namespace: "\*" \(a ClusterRole\)/m);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});
