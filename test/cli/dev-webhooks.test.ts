/**
 * `podfn dev` on the embedded emulated cluster registers its admission webhooks with it, and
 * its reloads follow the functions: an edited webhook is called in its new version, a deleted
 * one's configuration is removed (the cluster no longer calls it), and a write made while a
 * reload swaps the versions is reviewed by one of them, never refused for want of a server.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startPodfn, type PodfnProcess } from "../e2e/helpers/processes.js";
import { createKubeClient, resolveCredentials, KubeApiError, KubeNotFoundError } from "../../runtime/kube/index.js";
import type { KubeClient } from "../../runtime/kube/api.js";
import { until } from "../helpers/until.js";
import { DEV_TMP } from "./dev-helpers.js";

/** A validating webhook refusing ConfigMaps without an owner label, with `message`. */
const ownerRequired = (message: string) => `import { defineFunction } from "podfn";
export default defineFunction({
  name: "owner-required",
  admission: { type: "validating", rules: [{ operations: ["CREATE"], resource: "configmaps" }], failurePolicy: "Fail" },
  handler: ({ trigger }) => (trigger.request.object?.metadata?.labels?.owner ? { allowed: true } : { allowed: false, code: 403, message: ${JSON.stringify(message)} }),
});
`;

const teamLabel = `import { defineFunction } from "podfn";
export default defineFunction({
  name: "team-label",
  admission: { type: "mutating", rules: [{ operations: ["CREATE"], resource: "configmaps" }], failurePolicy: "Ignore" },
  handler: ({ trigger }) => {
    const object = trigger.request.object!;
    return { allowed: true, object: { ...object, metadata: { ...object.metadata, labels: { ...object.metadata?.labels, team: "platform" } } } };
  },
});
`;

const VALIDATING = "owner-required.podfn.default.podfn.dev";

let dir: string;
let home: string;
let dev: PodfnProcess;
let kube: KubeClient;

before(async () => {
  await mkdir(DEV_TMP, { recursive: true });
  dir = await mkdtemp(join(DEV_TMP, "dev-webhooks-"));
  home = await mkdtemp(join(tmpdir(), "podfn-home-"));
  await writeFile(join(dir, "owner-required.ts"), ownerRequired("v1: needs an owner"));
  await writeFile(join(dir, "team-label.ts"), teamLabel);
  dev = startPodfn(["dev", "--port", "0", "--admission-port", "0", "--functions", dir], { HOME: home }, { cwd: home });
  await dev.waitFor(/admission webhook owner-required\S* registered/);
  await dev.waitFor(/admission webhook team-label\S* registered/);
  kube = createKubeClient({ credentials: await resolveCredentials({ kubeconfig: join(home, ".podfn/cluster/admin.kubeconfig"), serviceAccountDir: "/nonexistent", env: {} }) });
  await kube.namespaces.create({ metadata: { name: "team-a" } });
});

after(async () => {
  await kube?.close();
  await dev.stop();
  await rm(dir, { recursive: true, force: true });
  await rm(home, { recursive: true, force: true });
});

/** The message of the refusal of a ConfigMap without an owner label. */
async function refusal(): Promise<string> {
  const error = await kube.configMaps.create({ metadata: { generateName: "no-owner-" }, data: {} }, { namespace: "team-a" }).then(
    () => "created",
    (e: unknown) => e,
  );
  return error instanceof KubeApiError ? String(error.status.message) : String(error);
}

test("podfn dev's webhooks are called by the embedded cluster, and an edit is called in its new version", async () => {
  assert.equal(await refusal(), `admission webhook "${VALIDATING}" denied the request: v1: needs an owner`);
  await writeFile(join(dir, "owner-required.ts"), ownerRequired("v2: needs an owner"));
  let last = "";
  await until(async () => (last = await refusal()) === `admission webhook "${VALIDATING}" denied the request: v2: needs an owner`, "the edited webhook's refusal", 20_000).catch(() => assert.fail(`last refusal: ${last}\n${dev.output()}`));
});

test("a webhook function deleted has its configuration removed: the cluster calls it no more", async () => {
  const mutating = kube.resource({ group: "admissionregistration.k8s.io", version: "v1", resource: "mutatingwebhookconfigurations", namespaced: false, kind: "MutatingWebhookConfiguration" });
  await mutating.get("podfn.default");
  await rm(join(dir, "team-label.ts"));
  await until(() => mutating.get("podfn.default").then(() => false, (e: unknown) => e instanceof KubeNotFoundError), "the mutating configuration's removal", 20_000).catch(() => assert.fail(dev.output()));
  const created = await kube.configMaps.create({ metadata: { name: "owned", labels: { owner: "ops" } }, data: {} }, { namespace: "team-a" });
  assert.deepEqual(created.metadata?.labels, { owner: "ops" });
});

/**
 * A validating webhook for ConfigMaps labelled `hold: "yes"` that says it is reviewing (the file
 * `held`) and answers once the file `release` is there: a review in flight across a reload.
 */
const holding = (signals: string) => `import { existsSync, writeFileSync } from "node:fs";
import { defineFunction } from "podfn";
export default defineFunction({
  name: "hold",
  admission: { type: "validating", rules: [{ operations: ["CREATE"], resource: "configmaps" }], failurePolicy: "Fail", timeoutSeconds: 30, objectSelector: { matchLabels: { hold: "yes" } } },
  handler: async () => {
    writeFileSync(${JSON.stringify(join(signals, "held"))}, "");
    while (!existsSync(${JSON.stringify(join(signals, "release"))})) await new Promise((resolve) => setTimeout(resolve, 20));
    return { allowed: true };
  },
});
`;

test("a write made during a reload is reviewed, not refused: the new webhook server is registered before the old one stops", async () => {
  const signals = await mkdtemp(join(DEV_TMP, "dev-webhooks-signals-"));
  try {
    await writeFile(join(dir, "hold.ts"), holding(signals));
    await dev.waitFor(/admission webhook hold\S* registered/, 20_000);
    // A review in flight: the old version's server has it when the reload comes.
    const held = kube.configMaps.create({ metadata: { name: "held", labels: { owner: "ops", hold: "yes" } }, data: {} }, { namespace: "team-a" });
    held.catch(() => undefined);
    await until(() => existsSync(join(signals, "held")), "the held review to start", 20_000);
    const reloads = () => dev.output().split("change detected: reloading").length;
    const before = reloads();
    await writeFile(join(dir, "owner-required.ts"), ownerRequired("v3: needs an owner"));
    await until(() => reloads() > before, "the reload to begin", 20_000);
    // The old version's server is stopping (its review still running), the new one's not yet there under the old order.
    const during = await refusal();
    assert.match(during, new RegExp(`^admission webhook "${VALIDATING.replace(/\./g, "\\.")}" denied the request: v[23]: needs an owner$`), `${during}\n${dev.output()}`);
    await writeFile(join(signals, "release"), "");
    const created = await held;
    assert.equal(created.metadata?.name, "held");
    let last = "";
    await until(async () => (last = await refusal()) === `admission webhook "${VALIDATING}" denied the request: v3: needs an owner`, "the new version's refusal", 20_000).catch(() => assert.fail(`last refusal: ${last}\n${dev.output()}`));
  } finally {
    await writeFile(join(signals, "release"), "").catch(() => undefined);
    await rm(signals, { recursive: true, force: true });
  }
});
