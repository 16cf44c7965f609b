/**
 * Secrets of type kubernetes.io/service-account-token, as kube-controller-manager's tokens
 * controller (pkg/controller/serviceaccount/tokens_controller.go) keeps them: it fills `token`
 * (a legacy ServiceAccount JWT), `ca.crt` and `namespace` and records the account's uid; it
 * deletes one whose ServiceAccount is missing, and an account's ones when the account goes; a
 * token Secret deleted leaves its account's `secrets` list (removeSecretReference). The API
 * server authenticates the token while its Secret and ServiceAccount stand.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { clusterWithNamespaces, type TestCluster } from "./helpers.js";

const NS = "/api/v1/namespaces/legacy";
const WHO = "/apis/authentication.k8s.io/v1/selfsubjectreviews";
const REVIEW = { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" };

/** Polls `check` until it returns a value (the controller works after the write's answer). */
async function eventually<T>(check: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const got = await check();
    if (got !== undefined) return got;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error("condition not reached");
}

describe("legacy ServiceAccount token Secrets", () => {
  let t: TestCluster;
  before(async () => {
    t = await clusterWithNamespaces("legacy");
  });
  after(() => t.close());

  const tokenSecret = (name: string, account: string) => ({
    apiVersion: "v1", kind: "Secret", type: "kubernetes.io/service-account-token",
    metadata: { name, annotations: { "kubernetes.io/service-account.name": account } },
  });
  const b64 = (text: string) => Buffer.from(text).toString("base64");

  test("the tokens controller fills token, ca.crt and namespace and the account's uid; the token authenticates as the account", async () => {
    const sa = (await t.send("POST", `${NS}/serviceaccounts`, { body: { metadata: { name: "robot" } } })).body;
    const created = await t.send("POST", `${NS}/secrets`, { body: tokenSecret("robot-token", "robot") });
    assert.equal(created.status, 201, created.text);
    const filled = await eventually(async () => {
      const s = (await t.send("GET", `${NS}/secrets/robot-token`)).body;
      return s.data?.token ? s : undefined;
    });
    const ca = (await t.send("GET", `${NS}/configmaps/kube-root-ca.crt`)).body.data["ca.crt"];
    assert.equal(filled.data["ca.crt"], b64(ca));
    assert.equal(filled.data.namespace, b64("legacy"));
    assert.deepEqual(filled.metadata.annotations, { "kubernetes.io/service-account.name": "robot", "kubernetes.io/service-account.uid": sa.metadata.uid });
    const token = Buffer.from(filled.data.token, "base64").toString("utf8");
    const claims = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8"));
    assert.deepEqual(claims, {
      iss: "kubernetes/serviceaccount",
      "kubernetes.io/serviceaccount/namespace": "legacy",
      "kubernetes.io/serviceaccount/secret.name": "robot-token",
      "kubernetes.io/serviceaccount/service-account.name": "robot",
      "kubernetes.io/serviceaccount/service-account.uid": sa.metadata.uid,
      sub: "system:serviceaccount:legacy:robot",
    });
    const who = await t.send("POST", WHO, { body: REVIEW, token });
    assert.equal(who.status, 201, who.text);
    assert.equal(who.body.status.userInfo.username, "system:serviceaccount:legacy:robot");
    assert.deepEqual(who.body.status.userInfo.groups, ["system:serviceaccounts", "system:serviceaccounts:legacy", "system:authenticated"]);
    // The Secret is the token's lifetime: deleted, the token is refused.
    await t.send("DELETE", `${NS}/secrets/robot-token`);
    assert.equal((await t.send("POST", WHO, { body: REVIEW, token })).status, 401);
  });

  test("a token Secret of a missing ServiceAccount is deleted; an account's Secrets go with it", async () => {
    await t.send("POST", `${NS}/secrets`, { body: tokenSecret("orphan-token", "nobody") });
    await eventually(async () => ((await t.send("GET", `${NS}/secrets/orphan-token`)).status === 404 ? true : undefined));
    await t.send("POST", `${NS}/serviceaccounts`, { body: { metadata: { name: "temp" } } });
    await t.send("POST", `${NS}/secrets`, { body: tokenSecret("temp-token", "temp") });
    const token = await eventually(async () => (await t.send("GET", `${NS}/secrets/temp-token`)).body.data?.token as string | undefined);
    await t.send("DELETE", `${NS}/serviceaccounts/temp`);
    await eventually(async () => ((await t.send("GET", `${NS}/secrets/temp-token`)).status === 404 ? true : undefined));
    assert.equal((await t.send("POST", WHO, { body: REVIEW, token: Buffer.from(token, "base64").toString("utf8") })).status, 401);
  });

  test("a token Secret deleted is removed from its ServiceAccount's secrets by an update through the write path", async () => {
    const refs = [{ name: "kept" }, { name: "going-token" }, { name: "going-token" }];
    const sa = (await t.send("POST", `${NS}/serviceaccounts`, { body: { metadata: { name: "going" }, secrets: refs } })).body;
    await t.send("POST", `${NS}/secrets`, { body: tokenSecret("going-token", "going") });
    await eventually(async () => (await t.send("GET", `${NS}/secrets/going-token`)).body.data?.token as string | undefined);
    assert.equal((await t.send("DELETE", `${NS}/secrets/going-token`)).status, 200);
    const updated = await eventually(async () => {
      const got = (await t.send("GET", `${NS}/serviceaccounts/going`)).body;
      return got.secrets?.length === 1 ? got : undefined;
    });
    assert.equal(updated.metadata.uid, sa.metadata.uid);
    assert.deepEqual(updated.secrets, [{ name: "kept" }]);
    // An update removing fields only: no entry of its own, the creator's no longer owns the entry gone.
    assert.deepEqual(updated.metadata.managedFields.map((e: any) => [e.manager, Object.keys(e.fieldsV1["f:secrets"] ?? {})]), [["unknown", [".", 'k:{"name":"kept"}']]]);
    // The last reference gone, the list goes (omitempty).
    await t.send("POST", `${NS}/secrets`, { body: tokenSecret("kept", "going") });
    await eventually(async () => (await t.send("GET", `${NS}/secrets/kept`)).body.data?.token as string | undefined);
    await t.send("DELETE", `${NS}/secrets/kept`);
    await eventually(async () => ((await t.send("GET", `${NS}/serviceaccounts/going`)).body.secrets === undefined ? true : undefined));
  });

  test("a deleted token Secret naming another account's uid leaves the account's secrets as they are", async () => {
    await t.send("POST", `${NS}/serviceaccounts`, { body: { metadata: { name: "stays" }, secrets: [{ name: "foreign-token" }] } });
    const foreign = { ...tokenSecret("foreign-token", "stays"), data: { token: b64("x"), namespace: b64("legacy") } };
    foreign.metadata.annotations = { ...foreign.metadata.annotations, "kubernetes.io/service-account.uid": "00000000-0000-0000-0000-000000000000" } as any;
    await t.send("POST", `${NS}/secrets`, { body: foreign });
    // Its account (that uid) is missing: the controller deletes it, and the other account keeps its list.
    await eventually(async () => ((await t.send("GET", `${NS}/secrets/foreign-token`)).status === 404 ? true : undefined));
    assert.deepEqual((await t.send("GET", `${NS}/serviceaccounts/stays`)).body.secrets, [{ name: "foreign-token" }]);
  });
});
