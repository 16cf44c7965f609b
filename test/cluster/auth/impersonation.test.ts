/**
 * Impersonation headers (kubectl --as) as the real server reads them: allowed by the
 * `impersonate` verb, the request then runs as the impersonated user with its groups; refused
 * with the real 403 otherwise.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Agent, request } from "undici";
import { clusterWithNamespaces, type TestCluster } from "../helpers.js";

describe("impersonation", () => {
  let t: TestCluster;
  let robot: string;
  let agent: Agent;
  /** A request with impersonation headers (undici: repeated headers as arrays). */
  async function send(method: string, path: string, headers: Record<string, string | string[]>, token: string, body?: unknown) {
    const res = await request(`${t.cluster.url}${path}`, {
      method: method as "GET",
      headers: { authorization: `Bearer ${token}`, accept: "application/json", ...(body ? { "content-type": "application/json" } : {}), ...headers },
      ...(body ? { body: JSON.stringify(body) } : {}),
      dispatcher: agent,
    });
    const text = await res.body.text();
    return { status: res.statusCode, contentType: String(res.headers["content-type"]), headers: res.headers, text, body: text.startsWith("{") ? (JSON.parse(text) as any) : undefined };
  }
  const review = { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" };

  before(async () => {
    t = await clusterWithNamespaces("imp");
    agent = new Agent({ connect: { ca: t.cluster.caPem } });
    await t.send("POST", "/api/v1/namespaces/imp/serviceaccounts", { body: { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "robot" } } });
    robot = (await t.send("POST", "/api/v1/namespaces/imp/serviceaccounts/robot/token", { body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: {} } })).body.status.token;
  });
  after(async () => {
    await agent.close();
    await t.close();
  });

  test("the admin acting as a ServiceAccount gets its identity, groups and refusals", async () => {
    const as = { "impersonate-user": "system:serviceaccount:imp:robot" };
    const who = await send("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", as, t.cluster.adminToken, review);
    assert.equal(who.status, 201);
    assert.deepEqual(who.body.status.userInfo, { username: "system:serviceaccount:imp:robot", groups: ["system:serviceaccounts", "system:serviceaccounts:imp", "system:authenticated"] });
    const pods = await send("GET", "/api/v1/namespaces/imp/pods", as, t.cluster.adminToken);
    assert.equal(pods.status, 403);
    assert.equal(pods.body.message, 'pods is forbidden: User "system:serviceaccount:imp:robot" cannot list resource "pods" in API group "" in the namespace "imp"');
  });

  test("a user and groups: the groups given, and system:authenticated", async () => {
    const who = await send("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", { "impersonate-user": "alice", "impersonate-group": ["devs", "ops"] }, t.cluster.adminToken, review);
    assert.deepEqual(who.body.status.userInfo, { username: "alice", groups: ["devs", "ops", "system:authenticated"] });
  });

  test("without the impersonate verb: the real 403 naming what may not be impersonated", async () => {
    const refused = await send("GET", "/api/v1/namespaces/imp/pods", { "impersonate-user": "alice" }, robot);
    assert.equal(refused.status, 403);
    assert.deepEqual(refused.body, {
      kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", reason: "Forbidden", code: 403,
      message: 'users "alice" is forbidden: User "system:serviceaccount:imp:robot" cannot impersonate resource "users" in API group "" at the cluster scope',
      details: { name: "alice", kind: "users" },
    });
    assert.equal(refused.headers["x-content-type-options"], "nosniff", "the impersonation filter's forbidden() sets it");
    const asAccount = await send("GET", "/api/v1/namespaces/imp/pods", { "impersonate-user": "system:serviceaccount:imp:other" }, robot);
    assert.equal(asAccount.body.message, 'serviceaccounts "other" is forbidden: User "system:serviceaccount:imp:robot" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "imp"');
  });

  test("groups without a user: the filter's plain-text 500, as http.Error writes it", async () => {
    const bad = await send("GET", "/api/v1/namespaces/imp/pods", { "impersonate-group": "devs" }, t.cluster.adminToken);
    assert.equal(bad.status, 500);
    assert.equal(bad.contentType, "text/plain; charset=utf-8");
    assert.equal(bad.text, 'Internal Server Error: "/api/v1/namespaces/imp/pods": requested [{Group  devs    }] without impersonating a user\n');
  });

  test("extra keys unescape as a path does (the raw key kept when they do not); an invalid ServiceAccount name is a plain user", async () => {
    const who = await send("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", { "impersonate-user": "alice", "impersonate-extra-scopes%2Fread": "yes", "impersonate-extra-foo%zz": "v" }, t.cluster.adminToken, review);
    assert.equal(who.status, 201);
    assert.deepEqual(who.body.status.userInfo.extra, { "scopes/read": ["yes"], "foo%zz": ["v"] });
    const odd = await send("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", { "impersonate-user": "system:serviceaccount:Bad_NS:x" }, t.cluster.adminToken, review);
    assert.deepEqual(odd.body.status.userInfo, { username: "system:serviceaccount:Bad_NS:x", groups: ["system:authenticated"] });
  });
});
