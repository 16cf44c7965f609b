/**
 * A SelfSubjectAccessReview's spec as 1.32 answers it: resourceAttributes' fieldSelector and
 * labelSelector (AuthorizeWithSelectors) come back as sent; both attribute kinds at once is
 * 422 with the value rendered as field.Invalid renders a struct (Go's %#v).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createAuthorizer, ReviewRequestError, selfSubjectAccessReview } from "../../../runtime/testing/cluster/auth/index.js";
import { memorySource, ROBOT_USER } from "./helpers.js";

const authz = createAuthorizer(memorySource({}));

test("the selectors of resourceAttributes are echoed in the spec", () => {
  const review = selfSubjectAccessReview(ROBOT_USER, {
    spec: {
      resourceAttributes: {
        verb: "list", resource: "pods", namespace: "default",
        fieldSelector: { rawSelector: "metadata.name=foo" },
        labelSelector: { requirements: [{ key: "a", operator: "In", values: ["b"] }, { key: "c", operator: "Exists" }] },
      },
    },
  }, authz);
  assert.deepEqual(review.spec, {
    resourceAttributes: {
      namespace: "default", verb: "list", resource: "pods",
      fieldSelector: { rawSelector: "metadata.name=foo" },
      labelSelector: { requirements: [{ key: "a", operator: "In", values: ["b"] }, { key: "c", operator: "Exists" }] },
    },
  });
});

test("both attribute kinds: the Invalid value is Go's %#v of the struct", () => {
  assert.throws(
    () => selfSubjectAccessReview(ROBOT_USER, { spec: { resourceAttributes: { verb: "get", resource: "pods" }, nonResourceAttributes: { path: "/x", verb: "get" } } }, authz),
    (e: unknown) => {
      assert.ok(e instanceof ReviewRequestError);
      assert.equal(e.status.message, 'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.nonResourceAttributes: Invalid value: authorization.NonResourceAttributes{Path:"/x", Verb:"get"}: cannot be specified in combination with resourceAttributes');
      assert.equal(e.status.details?.causes?.[0]?.message, 'Invalid value: authorization.NonResourceAttributes{Path:"/x", Verb:"get"}: cannot be specified in combination with resourceAttributes');
      return true;
    },
  );
});
