/**
 * responsewriters.Forbidden HTML-escapes (`&`, `<`, `>`) the sentence it words about the user and
 * the request, then appends the authorizer's reason as it is; NewForbidden's name is quoted
 * unescaped. Its answer, as the impersonation filter's, carries `X-Content-Type-Options: nosniff`.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { forbiddenStatus } from "../../../runtime/testing/cluster/auth/index.js";
import { clusterWithNamespaces } from "../helpers.js";
import { attrs, ROBOT_USER } from "./helpers.js";

test("the sentence is escaped, the reason and the name are not", () => {
  const status = forbiddenStatus(attrs({ ...ROBOT_USER, username: "a&b" }, { resource: "pods", name: "x<y>", namespace: "n>s" }), "RBAC: <why> & more");
  assert.equal(status.message, 'pods "x<y>" is forbidden: User "a&amp;b" cannot get resource "pods" in API group "" in the namespace "n&gt;s": RBAC: <why> & more');
  assert.equal(status.details?.name, "x<y>");
});

test("a non-resource path refused over HTTP comes back escaped", async () => {
  const t = await clusterWithNamespaces("esc");
  try {
    await t.send("POST", "/api/v1/namespaces/esc/serviceaccounts", { body: { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "robot" } } });
    const token = (await t.send("POST", "/api/v1/namespaces/esc/serviceaccounts/robot/token", { body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { expirationSeconds: 3600 } } })).body.status.token;
    const refused = await t.send("GET", "/metrics/%3Cb%3E&x", { token });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.message, 'forbidden: User "system:serviceaccount:esc:robot" cannot get path "/metrics/&lt;b&gt;&amp;x"');
    assert.equal(refused.headers["x-content-type-options"], "nosniff", "responsewriters.Forbidden sets it");
    const resource = await t.send("GET", "/api/v1/namespaces/esc/secrets", { token });
    assert.equal(resource.status, 403);
    assert.equal(resource.headers["x-content-type-options"], "nosniff");
  } finally {
    await t.close();
  }
});
