/**
 * SubjectAccessReview and LocalSubjectAccessReview are validated as 1.32's
 * ValidateSubjectAccessReview and ValidateLocalSubjectAccessReview do, and their 422s name their
 * own kind: a user or a group is required, exactly one attribute kind, a LocalSubjectAccessReview's
 * resourceAttributes.namespace must be its own (the URL's) and it takes no nonResourceAttributes,
 * and the metadata must be empty (but for managedFields, and a LocalSubjectAccessReview's namespace).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { testCluster, type TestCluster } from "./helpers.js";

const SAR = "/apis/authorization.k8s.io/v1/subjectaccessreviews";
const LSAR = "/apis/authorization.k8s.io/v1/namespaces/golden/localsubjectaccessreviews";
const SAR_PREFIX = 'SubjectAccessReview.authorization.k8s.io "" is invalid: ';
const LSAR_PREFIX = 'LocalSubjectAccessReview.authorization.k8s.io "" is invalid: ';

describe("SubjectAccessReview validation", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
    await t.send("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "golden" } } });
  });
  after(() => t.close());

  const review = (path: string, kind: string, spec: Record<string, unknown>, metadata?: Record<string, unknown>) =>
    t.send("POST", path, { body: { apiVersion: "authorization.k8s.io/v1", kind, ...(metadata ? { metadata } : {}), spec } });

  test("a SubjectAccessReview without a user or a group is refused, naming its own kind", async () => {
    const res = await review(SAR, "SubjectAccessReview", { resourceAttributes: { verb: "get", resource: "pods" } });
    assert.equal(res.status, 422, res.text);
    assert.equal(res.body.message, `${SAR_PREFIX}spec.user: Invalid value: "": at least one of user or group must be specified`);
    assert.deepEqual(res.body.details, {
      group: "authorization.k8s.io", kind: "SubjectAccessReview",
      causes: [{ reason: "FieldValueInvalid", message: 'Invalid value: "": at least one of user or group must be specified', field: "spec.user" }],
    });
    const grouped = await review(SAR, "SubjectAccessReview", { groups: ["system:masters"], resourceAttributes: { verb: "get", resource: "pods" } });
    assert.equal(grouped.status, 201, grouped.text);
    assert.equal(grouped.body.status.allowed, true);
  });

  test("the attribute kinds and the user are all checked, in ValidateSubjectAccessReviewSpec's order", async () => {
    const neither = await review(SAR, "SubjectAccessReview", {});
    assert.equal(neither.status, 422, neither.text);
    assert.equal(neither.body.message, `${SAR_PREFIX}[spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified, spec.user: Invalid value: "": at least one of user or group must be specified]`);
    const both = await review(SAR, "SubjectAccessReview", { user: "jane", resourceAttributes: { verb: "get", resource: "pods" }, nonResourceAttributes: { path: "/x", verb: "get" } });
    assert.equal(both.status, 422, both.text);
    assert.equal(both.body.message, `${SAR_PREFIX}spec.nonResourceAttributes: Invalid value: authorization.NonResourceAttributes{Path:"/x", Verb:"get"}: cannot be specified in combination with resourceAttributes`);
    const selector = await review(SAR, "SubjectAccessReview", { user: "jane", resourceAttributes: { verb: "list", resource: "pods", labelSelector: {} } });
    assert.equal(selector.status, 422, selector.text);
    assert.equal(selector.body.message, `${SAR_PREFIX}spec.resourceAttributes.labelSelector.requirements: Required value: when spec.resourceAttributes.labelSelector is specified, requirements or rawSelector is required`);
  });

  test("a LocalSubjectAccessReview's resourceAttributes.namespace must be its namespace, and it takes no nonResourceAttributes", async () => {
    const other = await review(LSAR, "LocalSubjectAccessReview", { user: "jane", resourceAttributes: { namespace: "other", verb: "get", resource: "pods" } });
    assert.equal(other.status, 422, other.text);
    assert.equal(other.body.message, `${LSAR_PREFIX}spec.resourceAttributes.namespace: Invalid value: "other": must match metadata.namespace`);
    assert.equal(other.body.details.kind, "LocalSubjectAccessReview");
    const none = await review(LSAR, "LocalSubjectAccessReview", { user: "jane", resourceAttributes: { verb: "get", resource: "pods" } });
    assert.equal(none.status, 422, none.text);
    assert.equal(none.body.message, `${LSAR_PREFIX}spec.resourceAttributes.namespace: Invalid value: "": must match metadata.namespace`);
    const nonResource = await review(LSAR, "LocalSubjectAccessReview", { nonResourceAttributes: { path: "/x", verb: "get" } });
    assert.equal(nonResource.status, 422, nonResource.text);
    assert.equal(nonResource.body.message, `${LSAR_PREFIX}[spec.user: Invalid value: "": at least one of user or group must be specified, spec.nonResourceAttributes: Invalid value: authorization.NonResourceAttributes{Path:"/x", Verb:"get"}: disallowed on this kind of request]`);
    const mismatch = await review(LSAR, "LocalSubjectAccessReview", { user: "jane", resourceAttributes: { namespace: "golden", verb: "get", resource: "pods" } }, { namespace: "other" });
    assert.equal(mismatch.status, 400, mismatch.text);
    assert.equal(mismatch.body.message, "the namespace of the provided object does not match the namespace sent on the request");
    const ok = await review(LSAR, "LocalSubjectAccessReview", { user: "jane", resourceAttributes: { namespace: "golden", verb: "get", resource: "pods" } });
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.body.status.allowed, false);
  });

  test("the metadata must be empty, a LocalSubjectAccessReview's but for its namespace, printed as Go's %#v of the ObjectMeta", async () => {
    const spec = { user: "jane", resourceAttributes: { namespace: "golden", verb: "get", resource: "pods" } };
    const named = await review(LSAR, "LocalSubjectAccessReview", spec, { name: "x", labels: { b: "2", a: "1" } });
    assert.equal(named.status, 422, named.text);
    const message = String(named.body.message);
    assert.ok(message.startsWith(`${LSAR_PREFIX}metadata: Invalid value: v1.ObjectMeta{Name:"x", GenerateName:"", Namespace:"golden", SelfLink:"", UID:"", ResourceVersion:"", Generation:0, CreationTimestamp:time.Date(1, time.January, 1, 0, 0, 0, 0, time.UTC), DeletionTimestamp:<nil>, DeletionGracePeriodSeconds:(*int64)(nil), Labels:map[string]string{"a":"1", "b":"2"}, Annotations:map[string]string(nil), OwnerReferences:[]v1.OwnerReference(nil), Finalizers:[]string(nil), ManagedFields:[]v1.ManagedFieldsEntry{v1.ManagedFieldsEntry{Manager:`), message);
    assert.match(message, /Operation:"Update", APIVersion:"authorization\.k8s\.io\/v1", Time:time\.Date\(\d+, time\.\w+, \d+, \d+, \d+, \d+, \d+, time\.UTC\), FieldsType:"FieldsV1", FieldsV1:\(\*v1\.FieldsV1\)\(0x[0-9a-f]+\), Subresource:""\}\}\}: must be empty except for namespace$/);
    assert.deepEqual(named.body.details.causes.map((c: { field: string }) => c.field), ["metadata"]);
    // Its namespace (the URL's, or the same sent), managedFields and empty fields are allowed.
    const empty = await review(LSAR, "LocalSubjectAccessReview", spec, { namespace: "golden", labels: {}, finalizers: [], creationTimestamp: null });
    assert.equal(empty.status, 201, empty.text);

    const sar = await review(SAR, "SubjectAccessReview", { user: "jane", resourceAttributes: { verb: "get", resource: "pods" } }, { generateName: "check-", annotations: { a: "b" } });
    assert.equal(sar.status, 422, sar.text);
    assert.match(String(sar.body.message), /^SubjectAccessReview\.authorization\.k8s\.io "" is invalid: metadata: Invalid value: v1\.ObjectMeta\{Name:"", GenerateName:"check-", Namespace:"", .*Annotations:map\[string\]string\{"a":"b"\}, .*: must be empty$/);
    // A cluster-scoped review's namespace is cleared by the create handler, not refused.
    const namespaced = await review(SAR, "SubjectAccessReview", { user: "jane", resourceAttributes: { verb: "get", resource: "pods" } }, { namespace: "golden" });
    assert.equal(namespaced.status, 201, namespaced.text);

    const self = await review("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", "SelfSubjectAccessReview", { nonResourceAttributes: { path: "/x", verb: "get" } }, { name: "me", creationTimestamp: "2024-03-05T06:07:08Z" });
    assert.equal(self.status, 422, self.text);
    assert.match(String(self.body.message), /^SelfSubjectAccessReview\.authorization\.k8s\.io "" is invalid: metadata: Invalid value: v1\.ObjectMeta\{Name:"me", .*CreationTimestamp:time\.Date\(2024, time\.March, 5, 6, 7, 8, 0, time\.Local\), DeletionTimestamp:<nil>, .*: must be empty$/);
  });
});
