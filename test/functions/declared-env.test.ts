/**
 * The examples declare in `env` every variable they read, so `podfn manifests` puts in their pods
 * the values their permissions were computed from: a Role naming Deployment `web` comes with
 * `GITHUB_DEPLOYMENT=web` in the pod that uses it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Deployment } from "kubernetes-types/apps/v1.js";
import type { Role } from "kubernetes-types/rbac/v1.js";

// Read once when the modules load, as in `podfn manifests`: set before they are imported.
const ENV = { GITHUB_DEPLOYMENT: "web", GITHUB_BRANCH: "release", ALERTMANAGER_ALLOWED_NAMESPACES: "ops", ALERTMANAGER_COOLDOWN_MINUTES: "5", OFFICE_HOURS_TIME_ZONE: "Europe/Paris" };
Object.assign(process.env, ENV);

const { resolveDefinition } = await import("../../runtime/definition-schema.js");
const { generateManifests } = await import("../../runtime/deploy/index.js");
const { isPodfnFunction } = await import("../../runtime/function.js");

const dir = new URL("../../functions/", import.meta.url);
const files = (await readdir(dir)).filter((f) => f.endsWith(".ts") && !f.startsWith("_") && !f.includes(".test."));

async function loadExample(file: string) {
  const mod = (await import(pathToFileURL(join(dir.pathname, file)).href)) as { default: unknown };
  assert.ok(isPodfnFunction(mod.default), file);
  const resolved = resolveDefinition(mod.default, file);
  assert.ok(resolved.ok, file);
  return resolved.fn;
}

test("every example declares in env each variable it reads from process.env", async () => {
  let read = 0;
  for (const file of files) {
    const source = await readFile(join(dir.pathname, file), "utf8");
    const names = [...source.matchAll(/process\.env\.([A-Z0-9_]+)/g)].map((m) => m[1]!);
    read += names.length;
    const fn = await loadExample(file);
    for (const name of names) assert.ok(fn.env.includes(name), `${file} reads ${name} but does not declare it in env`);
  }
  assert.ok(read >= 5, "the examples read their configuration from the environment");
});

test("github-webhook's pod gets the GITHUB_DEPLOYMENT its Role's resourceNames came from", async () => {
  const fn = await loadExample("github-webhook.ts");
  const objects = generateManifests([fn], { namespace: "ops", env: process.env }).flatMap((g) => g.objects);
  const role = objects.find((o) => o.kind === "Role") as Role;
  assert.deepEqual(role.rules?.find((r) => r.resources?.includes("deployments"))?.resourceNames, ["web"]);
  const env = (objects.find((o) => o.kind === "Deployment") as Deployment).spec!.template.spec!.containers[0]!.env ?? [];
  assert.deepEqual(env.filter((e) => e.name.startsWith("GITHUB_")), [
    { name: "GITHUB_BRANCH", value: "release" },
    { name: "GITHUB_DEPLOYMENT", value: "web" },
  ]);
});
