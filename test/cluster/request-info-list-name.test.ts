/**
 * The name a list or watch names through `fieldSelector=metadata.name=...`, as 1.32's
 * requestinfo.go finds it: only when every list option decodes, with fields.ParseSelector's
 * grammar (terms sorted, nothing trimmed, unescaped `=` refused). RBAC then authorizes the list
 * against `resourceNames`.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { resolveRequestInfo } from "../../runtime/testing/cluster/request-info.js";
import { clusterWithNamespaces } from "./helpers.js";

const nameOf = (query: string) => resolveRequestInfo("GET", "/api/v1/namespaces/a/pods", new URLSearchParams(query)).name;

describe("a list's name from its field selector", () => {
  test("fields.ParseSelector's grammar: == as =, escapes, the first term in sorted order, nothing trimmed", () => {
    assert.equal(nameOf("fieldSelector=metadata.name%3Dfoo"), "foo");
    assert.equal(nameOf("fieldSelector=metadata.name%3D%3Dfoo"), "foo");
    assert.equal(nameOf("fieldSelector=metadata.name%3Da%5C%2Cb"), "a,b");
    assert.equal(nameOf("fieldSelector=metadata.name%3Dfoo,metadata.name%3Dbar"), "bar");
    assert.equal(nameOf("fieldSelector=metadata.name%20%3Dfoo"), "");
    assert.equal(nameOf("fieldSelector=metadata.name%3D%20foo"), " foo");
    assert.equal(nameOf("fieldSelector=metadata.name!%3Dfoo"), "");
    assert.equal(nameOf("fieldSelector=metadata.name%3D.."), "");
  });

  test("no name when some list option does not decode", () => {
    assert.equal(nameOf("fieldSelector=metadata.name%3Dfoo%3Dx"), "", "an unescaped = in the value");
    assert.equal(nameOf("fieldSelector=metadata.name%3Dfoo&limit=abc"), "");
    assert.equal(nameOf("fieldSelector=metadata.name%3Dfoo&timeoutSeconds=1.5"), "");
    assert.equal(nameOf("fieldSelector=metadata.name%3Dfoo&labelSelector=a%3D("), "");
    assert.equal(nameOf("fieldSelector=metadata.name%3Dfoo&limit=2&labelSelector=a%3Db"), "foo");
    assert.equal(resolveRequestInfo("GET", "/api/v1/namespaces/a/pods", new URLSearchParams("watch=1&limit=x")).verb, "watch");
  });

  test("over HTTP: a list RBAC allows by resourceNames only is refused when its options do not all decode", async () => {
    const t = await clusterWithNamespaces("ln");
    try {
      await t.send("POST", "/api/v1/namespaces/ln/serviceaccounts", { body: { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "robot" } } });
      const token = (await t.send("POST", "/api/v1/namespaces/ln/serviceaccounts/robot/token", { body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { expirationSeconds: 3600 } } })).body.status.token;
      await t.send("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/ln/roles", { body: { metadata: { name: "foo-reader" }, rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["list"], resourceNames: ["foo"] }] } });
      await t.send("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/ln/rolebindings", { body: { metadata: { name: "foo-reader" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "foo-reader" }, subjects: [{ kind: "ServiceAccount", name: "robot", namespace: "ln" }] } });
      assert.equal((await t.send("GET", "/api/v1/namespaces/ln/pods?fieldSelector=metadata.name%3Dfoo", { token })).status, 200);
      const badLimit = await t.send("GET", "/api/v1/namespaces/ln/pods?fieldSelector=metadata.name%3Dfoo&limit=abc", { token });
      assert.equal(badLimit.status, 403);
      assert.equal(badLimit.body.message, 'pods is forbidden: User "system:serviceaccount:ln:robot" cannot list resource "pods" in API group "" in the namespace "ln"');
      assert.equal((await t.send("GET", "/api/v1/namespaces/ln/pods?fieldSelector=metadata.name%3Dfoo%3Dx", { token })).status, 403);
    } finally {
      await t.close();
    }
  });
});
