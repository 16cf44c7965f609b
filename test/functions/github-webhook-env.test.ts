/**
 * github-webhook declares in `env` the variables it reads, so `podfn manifests` puts in its pod
 * the values its permissions were computed from: a Role naming Deployment `web` comes with
 * `GITHUB_DEPLOYMENT=web` in the pod that uses it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Deployment } from "kubernetes-types/apps/v1.js";
import type { Role } from "kubernetes-types/rbac/v1.js";

// Read once when the module loads, as in `podfn manifests`: set before it is imported.
Object.assign(process.env, { GITHUB_DEPLOYMENT: "web", GITHUB_BRANCH: "release" });

const { resolveDefinition } = await import("../../runtime/definition-schema.js");
const { generateManifests } = await import("../../runtime/deploy/index.js");
const { default: githubWebhook } = await import("../../functions/github-webhook.js");

test("github-webhook's pod gets the GITHUB_DEPLOYMENT its Role's resourceNames came from", () => {
  const resolved = resolveDefinition(githubWebhook, "github-webhook.ts");
  assert.ok(resolved.ok);
  const objects = generateManifests([resolved.fn], { namespace: "ops", env: process.env }).flatMap((g) => g.objects);
  const role = objects.find((o) => o.kind === "Role") as Role;
  assert.deepEqual(role.rules?.find((r) => r.resources?.includes("deployments"))?.resourceNames, ["web"]);
  const env = (objects.find((o) => o.kind === "Deployment") as Deployment).spec!.template.spec!.containers[0]!.env ?? [];
  assert.deepEqual(env.filter((e) => e.name.startsWith("GITHUB_")), [
    { name: "GITHUB_BRANCH", value: "release" },
    { name: "GITHUB_DEPLOYMENT", value: "web" },
  ]);
});
