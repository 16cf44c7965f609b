/**
 * Request attributes as the real RequestInfoResolver computes them, and the label selector
 * parser's grammar and messages.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { resolveRequestInfo } from "../../runtime/testing/cluster/request-info.js";
import { parseLabelSelector } from "../../runtime/testing/cluster/label-selector.js";

const info = (method: string, url: string) => {
  const u = new URL(url, "https://x");
  const r = resolveRequestInfo(method, u.pathname, u.searchParams);
  return { resourceRequest: r.resourceRequest, verb: r.verb, apiGroup: r.apiGroup, namespace: r.namespace, resource: r.resource, subresource: r.subresource, name: r.name };
};

describe("request info", () => {
  test("verbs from method, name and watch", () => {
    assert.deepEqual(info("GET", "/api/v1/namespaces/a/pods"), { resourceRequest: true, verb: "list", apiGroup: "", namespace: "a", resource: "pods", subresource: "", name: "" });
    assert.equal(info("GET", "/api/v1/namespaces/a/pods?watch=1").verb, "watch");
    assert.equal(info("GET", "/api/v1/namespaces/a/pods?watch=false").verb, "list");
    // As list options decode a bool: only 0 and false (any case) are false; any other value, empty too, is true.
    for (const [query, verb] of [["watch=FALSE", "list"], ["watch=0", "list"], ["watch=", "watch"], ["watch=abc", "watch"], ["watch=yes", "watch"], ["watch=1&watch=0", "watch"]]) {
      assert.equal(info("GET", `/api/v1/namespaces/a/pods?${query}`).verb, verb, query);
    }
    assert.equal(info("GET", "/api/v1/watch/namespaces/a/pods").verb, "watch");
    assert.equal(info("DELETE", "/api/v1/namespaces/a/pods").verb, "deletecollection");
    assert.equal(info("DELETE", "/api/v1/namespaces/a/pods/p").verb, "delete");
    assert.equal(info("PUT", "/apis/apps/v1/namespaces/a/deployments/d/scale").subresource, "scale");
    assert.equal(info("GET", "/api/v1/namespaces/a/pods?fieldSelector=metadata.name%3Dp").name, "p");
  });

  test("namespaces: the name is also the namespace; status is a subresource", () => {
    assert.deepEqual(info("GET", "/api/v1/namespaces/a"), { resourceRequest: true, verb: "get", apiGroup: "", namespace: "a", resource: "namespaces", subresource: "", name: "a" });
    assert.equal(info("PUT", "/api/v1/namespaces/a/status").subresource, "status");
    assert.equal(info("GET", "/api/v1/namespaces").namespace, "");
  });

  test("non-resource paths use the lowercased method", () => {
    for (const path of ["/", "/healthz", "/metrics", "/api", "/apis", "/api/v1", "/apis/apps/v1", "/version"]) {
      assert.equal(info("GET", path).resourceRequest, false, path);
      assert.equal(info("GET", path).verb, "get");
    }
    assert.equal(info("POST", "/metrics").verb, "post");
  });
});

describe("label selector parsing", () => {
  test("the grammar", () => {
    assert.deepEqual(parseLabelSelector("a=b,c!=d,e in (f,g),h notin (i),j,!k"), [
      { key: "a", op: "=", values: ["b"] },
      { key: "c", op: "!=", values: ["d"] },
      { key: "e", op: "in", values: ["f", "g"] },
      { key: "h", op: "notin", values: ["i"] },
      { key: "j", op: "exists", values: [] },
      { key: "k", op: "!", values: [] },
    ]);
  });

  test("the real parser's messages", () => {
    assert.throws(() => parseLabelSelector("app==x="), { message: "found '=', expected: ',' or 'end of string'" });
    assert.throws(() => parseLabelSelector("a in b"), { message: "unable to parse requirement: found 'b' expected: '('" });
    assert.throws(() => parseLabelSelector("a,"), { message: "found '', expected: identifier after ','" });
  });
});
