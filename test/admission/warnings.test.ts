/**
 * A decision's warnings are answered so the API server can pass each on as a `Warning` header:
 * control characters (a line break, a tab, U+0085), which net.NewWarningHeader refuses (the
 * server would drop the whole warning), become one space per run; long ones are left for the
 * server to cut; empty ones go.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { decideReview } from "../../runtime/admission/decide.js";
import { captureLogs } from "../schedule/helpers.js";
import { fakeKube } from "../http/helpers.js";
import { loadedAdmission, reviewOf } from "./helpers.js";

const long = "x".repeat(5000);
const warn = loadedAdmission({
  name: "warn",
  admission: { type: "validating", rules: [{ operations: ["CREATE"], resource: "deployments.apps" }] },
  handler: () => ({ allowed: true, warnings: ["first line\nsecond line", "\ttabbed\r\n", "next\u0085line", "bell\u0007", "caf\u00e9 \u4e2d", "\n", long] }),
});

test("control characters in a warning become one space per run; the rest is kept as written", async () => {
  const answer = await decideReview(warn, reviewOf({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" } }), "r1", { kube: fakeKube().kube, logger: captureLogs().logger });
  const response = (answer.body as { response: { allowed: boolean; warnings?: string[] } }).response;
  assert.equal(response.allowed, true);
  assert.deepEqual(response.warnings, ["first line second line", "tabbed", "next line", "bell", "caf\u00e9 \u4e2d", long]);
});
