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

/** The 422 of a SelfSubjectAccessReview with `resourceAttributes`, or undefined when it is answered. */
function refusal(resourceAttributes: Record<string, unknown>) {
  try {
    selfSubjectAccessReview(ROBOT_USER, { spec: { resourceAttributes: { verb: "list", resource: "pods", namespace: "default", ...resourceAttributes } } }, authz);
    return undefined;
  } catch (e) {
    assert.ok(e instanceof ReviewRequestError);
    return e.status;
  }
}

const PREFIX = 'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: ';

test("a selector with both rawSelector and requirements, or neither, is refused as validateResourceAttributes words it", () => {
  assert.deepEqual(refusal({ fieldSelector: { rawSelector: "spec.nodeName=n1", requirements: [{ key: "spec.nodeName", operator: "In", values: ["n1"] }] } }), {
    kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure",
    message: `${PREFIX}spec.resourceAttributes.fieldSelector.rawSelector: Invalid value: "spec.nodeName=n1": may not specified at the same time as requirements`,
    reason: "Invalid",
    details: { group: "authorization.k8s.io", kind: "SelfSubjectAccessReview", causes: [{ reason: "FieldValueInvalid", message: 'Invalid value: "spec.nodeName=n1": may not specified at the same time as requirements', field: "spec.resourceAttributes.fieldSelector.rawSelector" }] },
    code: 422,
  });
  const neither = refusal({ labelSelector: {} });
  assert.equal(neither?.message, `${PREFIX}spec.resourceAttributes.labelSelector.requirements: Required value: when spec.resourceAttributes.labelSelector is specified, requirements or rawSelector is required`);
  assert.deepEqual(neither?.details?.causes, [{ reason: "FieldValueRequired", message: "Required value: when spec.resourceAttributes.labelSelector is specified, requirements or rawSelector is required", field: "spec.resourceAttributes.labelSelector.requirements" }]);
  assert.equal(refusal({ fieldSelector: null, labelSelector: { rawSelector: "a=b" } }), undefined, "a null selector is none");
});

test("field selector requirements need a key and values as their operator says; an unknown operator passes", () => {
  assert.equal(
    refusal({ fieldSelector: { requirements: [{ operator: "In", values: ["x"] }, { key: "a", operator: "NotIn" }, { key: "b", operator: "Exists", values: ["y"] }, { key: "c", operator: "Near" }] } })?.message,
    `${PREFIX}[spec.resourceAttributes.fieldSelector.requirements[0].key: Required value: must be specified, ` +
      "spec.resourceAttributes.fieldSelector.requirements[1].values: Required value: must be specified when `operator` is 'In' or 'NotIn', " +
      "spec.resourceAttributes.fieldSelector.requirements[2].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist']",
  );
});

test("label selector requirements: operator and values, then the key and each value as label rules; an unknown operator passes", () => {
  assert.equal(
    refusal({ labelSelector: { requirements: [{ key: "-a", operator: "DoesNotExist", values: ["v"] }, { key: "b", operator: "Near", values: ["not ok"] }] } })?.message,
    `${PREFIX}[spec.resourceAttributes.labelSelector.requirements[0].values: Forbidden: may not be specified when \`operator\` is 'Exists' or 'DoesNotExist', ` +
      `spec.resourceAttributes.labelSelector.requirements[0].key: Invalid value: "-a": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]'), ` +
      `spec.resourceAttributes.labelSelector.requirements[1].values[0]: Invalid value: "not ok": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')]`,
  );
});

test("both attribute kinds and a bad selector: every error in one 422, the spec's first", () => {
  assert.throws(
    () => selfSubjectAccessReview(ROBOT_USER, { spec: { resourceAttributes: { verb: "get", resource: "pods", fieldSelector: {} }, nonResourceAttributes: { path: "/x", verb: "get" } } }, authz),
    (e: unknown) => {
      assert.ok(e instanceof ReviewRequestError);
      assert.equal(
        e.status.message,
        `${PREFIX}[spec.nonResourceAttributes: Invalid value: authorization.NonResourceAttributes{Path:"/x", Verb:"get"}: cannot be specified in combination with resourceAttributes, ` +
          "spec.resourceAttributes.fieldSelector.requirements: Required value: when spec.resourceAttributes.fieldSelector is specified, requirements or rawSelector is required]",
      );
      return true;
    },
  );
});
