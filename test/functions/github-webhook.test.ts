import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { assertAgreesOnMutants, assertSeedsPass } from "../validate/agreement.js";

// own process: sets GITHUB_DEPLOYMENT and GITHUB_BRANCH, which the function reads once when it loads (scripts/run-tests.js).
// Read once when the module loads, as in a pod: set before the function is imported.
process.env.GITHUB_DEPLOYMENT = "web";
process.env.GITHUB_BRANCH = "release";

const { SECRETS, json, startHarness } = await import("./helpers/harness.js");
const { seedDeployment } = await import("./helpers/objects.js");
const { default: githubWebhook } = await import("../../functions/github-webhook.js");

const RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";

/** A delivery as GitHub sends it: JSON body signed with the webhook secret. */
function delivery(event: string | undefined, payload: unknown, secret: string = SECRETS["github-webhook-secret"]): RequestInit {
  const body = JSON.stringify(payload);
  const signature = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
  return { method: "POST", body, headers: { "content-type": "application/json", "x-hub-signature-256": signature, ...(event ? { "x-github-event": event } : {}) } };
}

describe("github-webhook", () => {
  let h: Awaited<ReturnType<typeof startHarness>>;
  let fn: Awaited<ReturnType<typeof h.deploy>>;
  before(async () => {
    h = await startHarness();
  });
  beforeEach(async () => {
    fn = await h.deploy("github-webhook");
    await seedDeployment(fn.admin, "web");
    await seedDeployment(fn.admin, "other");
  });
  after(() => h.stop());

  const restartedAt = async (name: string) => (await fn.admin.deployments.get(name)).spec?.template?.metadata?.annotations?.[RESTARTED_AT];

  test("may patch only the configured Deployment", () => {
    assert.deepEqual(fn.fn.permissions, [{ apiGroups: ["apps"], resources: ["deployments"], verbs: ["patch"], resourceNames: ["web"] }]);
  });

  test("answers GitHub's ping", async () => {
    const res = await fn.fetch("/github-webhook", delivery("ping", { zen: "Keep it logically awesome.", hook_id: 1 }));
    assert.equal(res.status, 200);
    assert.deepEqual(await json(res), { pong: true, zen: "Keep it logically awesome." });
  });

  test("restarts the configured Deployment on a push to the configured branch", async () => {
    const res = await fn.fetch("/github-webhook", delivery("push", { ref: "refs/heads/release", after: "abc123", repository: { full_name: "acme/web" } }));
    assert.equal(res.status, 200);
    assert.deepEqual(await json(res), { restarted: "web", namespace: fn.namespace, ref: "refs/heads/release", commit: "abc123" });
    assert.ok(await restartedAt("web"));
    assert.equal(await restartedAt("other"), undefined);
  });

  test("ignores pushes to other branches, branch deletions and other events with 202", async () => {
    for (const [event, payload, reason] of [
      ["push", { ref: "refs/heads/main" }, "refs/heads/main is not refs/heads/release"],
      ["push", { ref: "refs/heads/release", deleted: true }, "branch release was deleted"],
      ["issues", { action: "opened" }, 'event "issues" is not handled'],
    ] as const) {
      const res = await fn.fetch("/github-webhook", delivery(event, payload));
      assert.equal(res.status, 202);
      assert.deepEqual(await json(res), { ignored: true, reason });
    }
    assert.equal(await restartedAt("web"), undefined);
  });

  test("refuses a delivery signed with another secret, before doing anything", async () => {
    const res = await fn.fetch("/github-webhook", delivery("push", { ref: "refs/heads/release" }, "not-the-secret"));
    assert.equal(res.status, 403);
    assert.equal(await restartedAt("web"), undefined);
  });

  test("answers 400 naming the field when the payload has the wrong shape", async () => {
    const res = await fn.fetch("/github-webhook", delivery("push", { ref: 42 }));
    assert.equal(res.status, 400);
    const body = await json(res);
    assert.equal(body.error.code, "invalid_input");
    assert.deepEqual(body.error.issues.map((i: { path: string }) => i.path), ["ref"]);
    assert.equal(await restartedAt("web"), undefined);
  });

  test("with ?dryRun=true a push answers as if restarted and changes nothing", async () => {
    const res = await fn.fetch("/github-webhook?dryRun=true", delivery("push", { ref: "refs/heads/release", after: "abc123" }));
    assert.equal(res.status, 200);
    assert.equal((await json(res)).restarted, "web");
    assert.equal(await restartedAt("web"), undefined);
  });

  test("answers 400 when the X-GitHub-Event header is missing", async () => {
    const res = await fn.fetch("/github-webhook", delivery(undefined, { ref: "refs/heads/release" }));
    assert.equal(res.status, 400);
    assert.equal((await json(res)).error.code, "missing_event");
  });
});

// Its input compiles to the validation fast path, which must agree with zod on it.
const githubWebhookSeeds = [{}, { zen: "z", ref: "refs/heads/main", after: "abc", deleted: false, repository: { full_name: "a/b", id: 1 }, sender: { login: "x" } }];

test("github-webhook input (loose): every value the fast check accepts, zod accepts and returns unchanged", () => {
  assertAgreesOnMutants("github-webhook input (loose)", githubWebhook.input!, githubWebhookSeeds);
});

test("github-webhook input (loose): the valid seeds pass the fast check", () => {
  assertSeedsPass(githubWebhook.input!, githubWebhookSeeds);
});
