/**
 * Odd URLs as 1.32's requestinfo.go resolves them: splitPath keeps empty segments, a method
 * other than the REST ones has no verb, and a bare `watch` or `proxy` prefix is an error that
 * WithRequestInfo answers (before authentication) as responsewriters.InternalError's plain text.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { RequestInfoError, resolveRequestInfo } from "../../runtime/testing/cluster/request-info.js";
import { testCluster } from "./helpers.js";

const resolve = (method: string, path: string) => resolveRequestInfo(method, path, new URLSearchParams());

describe("odd URLs", () => {
  test("an empty segment is kept: namespaces//pods lists pods in no namespace", () => {
    const info = resolve("GET", "/api/v1/namespaces//pods");
    assert.deepEqual([info.verb, info.namespace, info.resource, info.name], ["list", "", "pods", ""]);
    const group = resolve("GET", "/apis/apps/v1/namespaces//deployments/web");
    assert.deepEqual([group.verb, group.namespace, group.resource, group.name], ["get", "", "deployments", "web"]);
  });

  test("a method other than POST, GET, HEAD, PUT, PATCH and DELETE has no verb on a resource", () => {
    assert.equal(resolve("OPTIONS", "/api/v1/namespaces/a/pods").verb, "");
    assert.equal(resolve("OPTIONS", "/healthz").verb, "options");
  });

  test("watch or proxy with nothing after it cannot be resolved", () => {
    for (const path of ["/api/v1/watch", "/api/v1/watch/", "/apis/apps/v1/proxy"]) {
      assert.throws(() => resolve("GET", path), (e: unknown) => e instanceof RequestInfoError && e.message === `unable to determine kind and namespace from url, ${path}`, path);
    }
  });

  test("over HTTP: the plain-text 500, whatever the credentials", async () => {
    const t = await testCluster();
    try {
      for (const token of [undefined, "not-a-valid-token"]) {
        const answer = await t.send("GET", "/api/v1/watch", { token });
        assert.equal(answer.status, 500);
        assert.equal(answer.headers["content-type"], "text/plain; charset=utf-8");
        assert.equal(answer.headers["x-content-type-options"], "nosniff");
        assert.equal(answer.text, 'Internal Server Error: "/api/v1/watch": failed to create RequestInfo: unable to determine kind and namespace from url, /api/v1/watch\n');
      }
    } finally {
      await t.close();
    }
  });
});
