/**
 * `podfn list` shows an admission webhook: its type, resources and operations, and "(Ignore)"; `--json` the whole trigger.
 * Of the test's own functions (fixtures/list: a webhook and a route), not the examples a project deletes.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { listCommand } from "../../runtime/commands/list.js";

const FUNCTIONS = new URL("./fixtures/list", import.meta.url).pathname;

async function list(...argv: string[]): Promise<string> {
  let stdout = "";
  const code = await listCommand.run({ argv: [...argv, "--functions", FUNCTIONS], env: {}, cwd: FUNCTIONS, stdout: (t) => void (stdout += t), stderr: () => {}, signal: new AbortController().signal });
  assert.equal(code, 0);
  return stdout;
}

test("podfn list shows the admission webhook in its column", async () => {
  const line = (await list()).split("\n").find((l) => l.startsWith("guard "));
  assert.match(line ?? "", /^guard +- +- +- +- +validating deployments\.apps CREATE,UPDATE \(Ignore\) +-$/);
});

test("podfn list --json gives the webhook with its defaults and path", async () => {
  const fn = (JSON.parse(await list("--json")) as { name: string; admission: unknown }[]).find((f) => f.name === "guard");
  assert.deepEqual(fn?.admission, {
    type: "validating",
    rules: [{ operations: ["CREATE", "UPDATE"], group: "apps", version: "v1", resource: "deployments", scope: "*" }],
    failurePolicy: "Ignore",
    timeoutSeconds: 5,
    sideEffects: "None",
    namespaceSelector: { matchLabels: { "podfn.dev/guarded": "true" } },
    path: "/admission/guard",
    deadlineMs: 4000,
  });
  const other = (JSON.parse(await list("--json")) as { name: string; admission: unknown }[]).find((f) => f.name === "plain");
  assert.equal(other?.admission, null);
});
