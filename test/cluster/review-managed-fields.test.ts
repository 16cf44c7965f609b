/**
 * The managedFields entry of a review's answer, as 1.32's field manager builds it for a create
 * (the Update of the decoded review over an empty one, by the type's schema): keys sorted, `.`
 * on a pointer struct the request created, atomic lists (a SubjectAccessReview's groups, a
 * TokenReview's audiences) owned whole, empty omitempty fields not owned.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { fixture, testCluster, type TestCluster } from "./helpers.js";

let t: TestCluster;
before(async () => {
  t = await testCluster({ port: 0 });
});
after(() => t.close());

/** The answer's single managedFields entry, its time left out (`fieldsV1` as JSON text, so key order counts). */
async function entryOf(path: string, body: unknown) {
  const answer = await t.send("POST", path, { body });
  assert.equal(answer.status, 201, answer.text);
  const [entry, ...more] = answer.body.metadata.managedFields;
  assert.equal(more.length, 0);
  return { operation: entry.operation, apiVersion: entry.apiVersion, fieldsType: entry.fieldsType, fieldsV1: JSON.stringify(entry.fieldsV1) };
}

test("sa-selfsubjectaccessreview-allowed: the recorded entry's fields", async () => {
  const recorded = fixture("sa-selfsubjectaccessreview-allowed");
  const expected = recorded.response.body.metadata.managedFields[0];
  assert.deepEqual(await entryOf(recorded.request.path, recorded.request.body), { operation: "Update", apiVersion: "authorization.k8s.io/v1", fieldsType: "FieldsV1", fieldsV1: JSON.stringify(expected.fieldsV1) });
});

test("a SubjectAccessReview's groups are one atomic field; an empty attribute is not owned", async () => {
  const body = { apiVersion: "authorization.k8s.io/v1", kind: "SubjectAccessReview", spec: { user: "bob", groups: ["g1", "g2"], resourceAttributes: { verb: "get", resource: "pods", group: "" } } };
  const entry = await entryOf("/apis/authorization.k8s.io/v1/subjectaccessreviews", body);
  assert.equal(entry.fieldsV1, JSON.stringify({ "f:spec": { "f:groups": {}, "f:resourceAttributes": { ".": {}, "f:resource": {}, "f:verb": {} }, "f:user": {} } }));
});

test("a TokenReview's audiences are one atomic field", async () => {
  const body = { apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", spec: { token: "x", audiences: ["a", "b"] } };
  const entry = await entryOf("/apis/authentication.k8s.io/v1/tokenreviews", body);
  assert.equal(entry.fieldsV1, JSON.stringify({ "f:spec": { "f:audiences": {}, "f:token": {} } }));
});
