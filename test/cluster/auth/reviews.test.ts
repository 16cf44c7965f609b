import { test } from "node:test";
import assert from "node:assert/strict";
import {
  ANONYMOUS_USER,
  createAuthenticator,
  createAuthorizer,
  createTokenIssuer,
  defaultRbacObjects,
  ReviewRequestError,
  selfSubjectAccessReview,
  selfSubjectReview,
  selfSubjectRulesReview,
  tokenReview,
} from "../../../runtime/testing/cluster/auth/index.js";
import { fixture, memorySource, ROBOT, ROBOT_USER } from "./helpers.js";

const RECORDED_AT = new Date("2026-11-28T20:28:38Z");

/** The recorded body without what the API server adds around a review (managedFields of the client's field manager). */
function withoutManagedFields(name: string): Record<string, unknown> {
  const body = structuredClone(fixture(name).response.body);
  delete (body.metadata as Record<string, unknown>).managedFields;
  return body;
}

/** MicroShift, where the recordings were made, binds one more discovery role than Kubernetes. */
function withoutMicroShiftRule(body: Record<string, unknown>): Record<string, unknown> {
  const status = body.status as { nonResourceRules: { nonResourceURLs: string[] }[] };
  status.nonResourceRules = status.nonResourceRules.filter((r) => !r.nonResourceURLs.includes("/.well-known"));
  return body;
}

function sortedNonResourceRules(body: unknown): unknown {
  const copy = structuredClone(body) as { status: { nonResourceRules: unknown[] } };
  copy.status.nonResourceRules.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  return copy;
}

function janitorSource() {
  return memorySource({
    ...defaultRbacObjects(),
    roles: [{ ...(fixture("create-role").response.body as object), metadata: { name: "job-janitor", namespace: "golden" } } as never],
    roleBindings: [{ ...(fixture("create-rolebinding").response.body as object), metadata: { name: "robot-janitor", namespace: "golden" } } as never],
  });
}

test("sa-selfsubjectreview: who am I answers the real body", () => {
  assert.equal(JSON.stringify(selfSubjectReview(ROBOT_USER, RECORDED_AT)), JSON.stringify(fixture("sa-selfsubjectreview").response.body));
});

test("a SelfSubjectReview of the anonymous user names it and its group", () => {
  assert.deepEqual(selfSubjectReview(ANONYMOUS_USER, RECORDED_AT).status, { userInfo: { username: "system:anonymous", groups: ["system:unauthenticated"] } });
});

test("sa-selfsubjectaccessreview-denied and -allowed: the real bodies before and after the binding", () => {
  const body = fixture("sa-selfsubjectaccessreview-denied").request.body;
  const before = selfSubjectAccessReview(ROBOT_USER, body, createAuthorizer(memorySource(defaultRbacObjects())));
  assert.equal(JSON.stringify(before), JSON.stringify(withoutManagedFields("sa-selfsubjectaccessreview-denied")));
  const after = selfSubjectAccessReview(ROBOT_USER, body, createAuthorizer(janitorSource()));
  assert.equal(JSON.stringify(after), JSON.stringify(withoutManagedFields("sa-selfsubjectaccessreview-allowed")));
});

test("a SelfSubjectAccessReview echoes attributes in the API's field order and checks non-resource paths", () => {
  const authz = createAuthorizer(memorySource(defaultRbacObjects()));
  const review = selfSubjectAccessReview(ROBOT_USER, { spec: { resourceAttributes: { name: "web", resource: "deployments", group: "apps", verb: "get", namespace: "golden", subresource: "scale", version: "v1" } } }, authz);
  assert.deepEqual(Object.keys(review.spec.resourceAttributes ?? {}), ["namespace", "verb", "group", "version", "resource", "subresource", "name"]);
  assert.deepEqual(review.status, { allowed: false });
  const paths = selfSubjectAccessReview(ROBOT_USER, { spec: { nonResourceAttributes: { verb: "get", path: "/api" } } }, authz);
  assert.deepEqual(paths.spec, { nonResourceAttributes: { path: "/api", verb: "get" } });
  assert.equal(paths.status?.allowed, true);
});

test("a SelfSubjectAccessReview needs exactly one kind of attributes (422)", () => {
  const authz = createAuthorizer(memorySource({}));
  assert.throws(
    () => selfSubjectAccessReview(ROBOT_USER, { spec: {} }, authz),
    (err: unknown) =>
      err instanceof ReviewRequestError &&
      err.status.code === 422 &&
      err.status.message === 'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
  );
  assert.throws(() => selfSubjectAccessReview(ROBOT_USER, { spec: { resourceAttributes: {}, nonResourceAttributes: {} } }, authz), ReviewRequestError);
});

test("sa-selfsubjectrulesreview and -bound: the real rules before and after the binding", () => {
  const body = fixture("sa-selfsubjectrulesreview").request.body;
  const before = selfSubjectRulesReview(ROBOT_USER, body, createAuthorizer(memorySource(defaultRbacObjects())));
  const expectedBefore = withoutMicroShiftRule(fixture("sa-selfsubjectrulesreview").response.body);
  // The real server lists bindings in no fixed order; the recordings show two orders.
  assert.deepEqual(sortedNonResourceRules(before), sortedNonResourceRules(expectedBefore));
  assert.deepEqual(before.status?.resourceRules, (expectedBefore.status as { resourceRules: unknown }).resourceRules);

  const after = selfSubjectRulesReview(ROBOT_USER, body, createAuthorizer(janitorSource()));
  const expectedAfter = withoutMicroShiftRule(fixture("sa-selfsubjectrulesreview-bound").response.body);
  assert.equal(JSON.stringify(after), JSON.stringify(expectedAfter));
});

test("a SelfSubjectRulesReview needs a namespace (400)", () => {
  assert.throws(
    () => selfSubjectRulesReview(ROBOT_USER, { spec: {} }, createAuthorizer(memorySource({}))),
    (err: unknown) => err instanceof ReviewRequestError && err.status.code === 400 && err.status.message === "no namespace on request",
  );
});

test("admin-tokenreview and admin-tokenreview-invalid: the real bodies", async () => {
  const issuer = await createTokenIssuer();
  const authn = createAuthenticator({ issuer, adminToken: "admin", serviceAccountUid: () => ROBOT.uid });
  const { token } = await issuer.mint(ROBOT);
  const jti = String((await issuer.verify(token))?.claims.jti);

  const valid = await tokenReview({ apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", spec: { token } }, authn);
  const expected = withoutManagedFields("admin-tokenreview") as { spec: { token: string }; status: { user: { extra: Record<string, string[]> } } };
  expected.spec.token = token;
  expected.status.user.extra["authentication.kubernetes.io/credential-id"] = [`JTI=${jti}`];
  assert.equal(JSON.stringify(valid), JSON.stringify(expected));

  const invalid = await tokenReview(fixture("admin-tokenreview-invalid").request.body, authn);
  assert.equal(JSON.stringify(invalid), JSON.stringify(withoutManagedFields("admin-tokenreview-invalid")));
});

test("a TokenReview for other audiences answers only the accepted ones; none accepted is unauthenticated", async () => {
  const issuer = await createTokenIssuer();
  const authn = createAuthenticator({ issuer, adminToken: "admin", serviceAccountUid: () => ROBOT.uid });
  const { token } = await issuer.mint({ ...ROBOT, audiences: ["vault"] });
  const review = await tokenReview({ spec: { token, audiences: ["vault", "other"] } }, authn);
  assert.deepEqual(review.spec, { token, audiences: ["vault", "other"] });
  assert.equal(review.status?.authenticated, true);
  assert.deepEqual(review.status?.audiences, ["vault"]);
  assert.deepEqual((await tokenReview({ spec: { token } }, authn)).status, { user: {}, error: 'token audiences ["vault"] is invalid for the target audiences ["https://kubernetes.default.svc.cluster.local"]' });
  await assert.rejects(tokenReview({ spec: {} }, authn), ReviewRequestError);
});
