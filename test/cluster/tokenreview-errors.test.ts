/**
 * A TokenReview of a refused ServiceAccount token says why in the real authenticator's words
 * (jwt.go, claims.go), as an in-pod peer check reading `status.error` sees on a real cluster:
 * the audiences, a deleted or recreated ServiceAccount, a deleted bound pod. Only a token no
 * authenticator recognises is "invalid bearer token".
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { clusterWithNamespaces, pod, type TestCluster } from "./helpers.js";

const REVIEWS = "/apis/authentication.k8s.io/v1/tokenreviews";

describe("TokenReview errors", () => {
  let t: TestCluster;
  before(async () => {
    t = await clusterWithNamespaces("tr");
  });
  after(() => t.close());

  const review = async (token: string, audiences?: string[]) =>
    (await t.send("POST", REVIEWS, { body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", spec: { token, ...(audiences ? { audiences } : {}) } } })).body.status as { authenticated?: boolean; error?: string };
  const mint = async (sa: string, body: Record<string, unknown> = {}) =>
    (await t.send("POST", `/api/v1/namespaces/tr/serviceaccounts/${sa}/token`, { body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { expirationSeconds: 600, ...body } } })).body.status.token as string;

  test("a TokenReview without a token is the registry's 400, in its words", async () => {
    const answer = await t.send("POST", REVIEWS, { body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", spec: {} } });
    assert.equal(answer.status, 400);
    assert.deepEqual(answer.body, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "token is required for TokenReview in authentication", reason: "BadRequest", code: 400 });
  });

  test("garbage is an invalid bearer token; a token for other audiences names both lists", async () => {
    assert.deepEqual(await review("garbage"), { user: {}, error: "invalid bearer token" });
    await t.send("POST", "/api/v1/namespaces/tr/serviceaccounts", { body: { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "vaulted" } } });
    const token = await mint("vaulted", { audiences: ["vault"] });
    assert.equal((await review(token)).error, 'token audiences ["vault"] is invalid for the target audiences ["https://kubernetes.default.svc.cluster.local"]');
    assert.equal((await review(token, ["vault"])).authenticated, true);
  });

  test("a deleted ServiceAccount's token: not found; a recreated one's: the UIDs named", async () => {
    await t.send("POST", "/api/v1/namespaces/tr/serviceaccounts", { body: { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "gone" } } });
    const token = await mint("gone");
    const oldUid = (await t.send("GET", "/api/v1/namespaces/tr/serviceaccounts/gone")).body.metadata.uid;
    assert.equal((await review(token)).authenticated, true);
    await t.send("DELETE", "/api/v1/namespaces/tr/serviceaccounts/gone");
    assert.equal((await review(token)).error, 'serviceaccounts "gone" not found');
    await t.send("POST", "/api/v1/namespaces/tr/serviceaccounts", { body: { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "gone" } } });
    const newUid = (await t.send("GET", "/api/v1/namespaces/tr/serviceaccounts/gone")).body.metadata.uid;
    assert.equal((await review(token)).error, `service account UID (${newUid}) does not match claim (${oldUid})`);
  });

  test("a token bound to a pod that was deleted has been invalidated", async () => {
    await t.send("POST", "/api/v1/namespaces/tr/serviceaccounts", { body: { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "bound" } } });
    const runner = pod("runner") as { spec: Record<string, unknown> };
    runner.spec.serviceAccountName = "bound";
    const created = await t.send("POST", "/api/v1/namespaces/tr/pods", { body: runner });
    const token = await mint("bound", { boundObjectRef: { kind: "Pod", apiVersion: "v1", name: "runner", uid: created.body.metadata.uid } });
    assert.equal((await review(token)).authenticated, true);
    await t.send("DELETE", "/api/v1/namespaces/tr/pods/runner");
    assert.equal((await review(token)).error, "service account token has been invalidated");
    const again = await t.send("POST", "/api/v1/namespaces/tr/pods", { body: runner });
    assert.equal((await review(token)).error, `pod UID (${again.body.metadata.uid}) does not match service account pod ref claim (${created.body.metadata.uid})`);
  });
});
