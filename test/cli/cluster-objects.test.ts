/**
 * `--cluster-objects`: the manifests of a folder (YAML documents and JSON, CRDs applied first
 * whatever the file order, other files ignored) are on the embedded emulated cluster when the
 * functions start, and a run says so; a file that is no manifest stops the start, named.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runPodfn } from "../e2e/helpers/processes.js";

const FIXTURE = join(import.meta.dirname, "fixtures", "custom-resources");

test("podfn run on the emulated cluster with --cluster-objects: the CRD and its resources are there, defaulted", async () => {
  const home = await mkdtemp(join(tmpdir(), "podfn-cluster-objects-"));
  try {
    const { code, output } = await runPodfn(["run", "count-backups", "--cluster", "emulated", "--functions", join(FIXTURE, "functions"), "--cluster-objects", join(FIXTURE, "objects"), "--log-level", "info"], { HOME: home });
    assert.equal(code, 0, output);
    assert.match(output, /"msg":"applied 3 object\(s\) from [^"]*objects to the embedded emulated cluster"/);
    assert.match(output, /"backups":\["nightly keep=7","weekly keep=30"\]/);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});

test("--cluster-objects: a file that is no manifest, or an object the server refuses, stops the run (exit 2), named", async () => {
  const dir = await mkdtemp(join(tmpdir(), "podfn-cluster-objects-bad-"));
  const run = (objects: string) => runPodfn(["run", "count-backups", "--cluster", "emulated", "--functions", join(FIXTURE, "functions"), "--cluster-objects", objects], { HOME: dir });
  try {
    await writeFile(join(dir, "bad.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\njust: text\n");
    const notManifest = await run(dir);
    assert.equal(notManifest.code, 2, notManifest.output);
    assert.match(notManifest.output, /bad\.yaml \(document 2\): not a Kubernetes object \(an object with apiVersion and kind\)/);
    assert.doesNotMatch(notManifest.output, /handler failed|"stack"/);
    await writeFile(join(dir, "bad.yaml"), "apiVersion: ops.example.com/v1\nkind: Backup\nmetadata: {name: b, namespace: default}\n");
    const refused = await run(join(dir, "bad.yaml"));
    assert.equal(refused.code, 2, refused.output);
    assert.match(refused.output, /--cluster-objects [^:]*bad\.yaml: Backup default\/b: cannot apply kind Backup: no matches for kind \\"Backup\\" in version \\"ops\.example\.com\/v1\\"/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("--cluster-objects: the server's warnings about them are logged (a CRD rule the emulated cluster does not evaluate)", async () => {
  const dir = await mkdtemp(join(tmpdir(), "podfn-cluster-objects-warn-"));
  try {
    await writeFile(
      join(dir, "gadgets.yaml"),
      [
        "apiVersion: apiextensions.k8s.io/v1",
        "kind: CustomResourceDefinition",
        "metadata: {name: gadgets.example.com}",
        "spec:",
        "  group: example.com",
        "  scope: Namespaced",
        "  names: {plural: gadgets, kind: Gadget}",
        "  versions:",
        "  - name: v1",
        "    served: true",
        "    storage: true",
        "    schema:",
        "      openAPIV3Schema:",
        "        type: object",
        "        properties:",
        "          spec: {type: object, properties: {limit: {type: string, x-kubernetes-validations: [{rule: \"isURL(self)\"}]}}}",
        "",
      ].join("\n"),
    );
    const objects = join(FIXTURE, "objects");
    for (const file of ["01-backup.yaml", "02-crd.json"]) await writeFile(join(dir, file), await readFile(join(objects, file)));
    const { code, output } = await runPodfn(["run", "count-backups", "--cluster", "emulated", "--functions", join(FIXTURE, "functions"), "--cluster-objects", dir, "--log-level", "info"], { HOME: dir });
    assert.equal(code, 0, output);
    assert.match(output, /"msg":"kube server warning: spec\.versions\[0\]\.schema\.openAPIV3Schema\.properties\[spec\]\.properties\[limit\]\.x-kubernetes-validations\[0\]\.rule: not evaluated by the emulated cluster/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
