import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createKubeClient } from "../../runtime/kube/client.js";
import {
  KubeAlreadyExistsError,
  KubeApiError,
  KubeConflictError,
  KubeForbiddenError,
  KubeGoneError,
  KubeInvalidError,
  KubeNotFoundError,
  KubeUnauthorizedError,
  kubeApiError,
} from "../../runtime/kube/errors.js";
import { PodfnError } from "../../runtime/errors.js";
import { parseForbiddenMessage } from "../../runtime/kube/forbidden.js";
import { fixture, sendJson, startFakeApiServer } from "./helpers/fake-apiserver.js";
import type { FakeApiServer } from "./helpers/fake-apiserver.js";

function forbiddenMessage(name: string): string {
  return (fixture(name).response.body as { message: string }).message;
}

describe("the missing permission of a 403, from the real message forms", () => {
  const cases: [string, object][] = [
    ["sa-list-secrets", { apiGroups: [""], resources: ["secrets"], verbs: ["list"] }],
    ["sa-get-secret", { apiGroups: [""], resources: ["secrets"], verbs: ["get"], resourceNames: ["db-password"] }],
    ["sa-create-deployment", { apiGroups: ["apps"], resources: ["deployments"], verbs: ["create"] }],
    ["sa-scale-other-deployment", { apiGroups: ["apps"], resources: ["deployments/scale"], verbs: ["get"], resourceNames: ["api"] }],
    ["sa-update-statefulset-scale", { apiGroups: ["apps"], resources: ["statefulsets/scale"], verbs: ["update"], resourceNames: ["db"] }],
    ["sa-get-pod-log", { apiGroups: [""], resources: ["pods/log"], verbs: ["get"], resourceNames: ["worker-0"] }],
    ["sa-list-namespaces", { apiGroups: [""], resources: ["namespaces"], verbs: ["list"], namespace: "*" }],
    ["sa-get-node", { apiGroups: [""], resources: ["nodes"], verbs: ["get"], resourceNames: ["node-1"], namespace: "*" }],
    ["sa-list-jobs-all-namespaces", { apiGroups: ["batch"], resources: ["jobs"], verbs: ["list"], namespace: "*" }],
    ["sa-tokenreview", { apiGroups: ["authentication.k8s.io"], resources: ["tokenreviews"], verbs: ["create"], namespace: "*" }],
    ["sa-deletecollection-pods", { apiGroups: [""], resources: ["pods"], verbs: ["deletecollection"] }],
    ["sa-watch-configmaps", { apiGroups: [""], resources: ["configmaps"], verbs: ["watch"] }],
    ["sa-get-root-path", { apiGroups: [], resources: [], verbs: ["get"], nonResourceURLs: ["/"] }],
    ["sa-get-metrics-path", { apiGroups: [], resources: [], verbs: ["get"], nonResourceURLs: ["/metrics"] }],
  ];
  for (const [name, expected] of cases) {
    test(name, () => {
      const parsed = parseForbiddenMessage(forbiddenMessage(name));
      assert.ok(parsed);
      const { user, ...rule } = parsed;
      assert.equal(user, "system:serviceaccount:golden:robot");
      assert.deepEqual(rule, expected);
    });
  }

  test("the anonymous user's denial parses too", () => {
    assert.equal(parseForbiddenMessage(forbiddenMessage("anonymous-list-secrets"))?.user, "system:anonymous");
  });

  test("a 403 that is not an RBAC denial has no missing permission", () => {
    assert.equal(parseForbiddenMessage('pods "x" is forbidden: violates PodSecurity "restricted:latest"'), undefined);
  });
});

describe("errors from the API server's Status bodies", () => {
  let server: FakeApiServer;
  let answer = fixture("sa-patch-job").response;
  before(async () => {
    server = await startFakeApiServer((_req, res) => sendJson(res, answer.status, answer.body));
  });
  after(() => server.close());

  test("a Forbidden patch says which permission is missing, copy-pasteable", async () => {
    answer = fixture("sa-scale-other-deployment").response;
    const kube = createKubeClient({ credentials: server.credentials(), retry: { retries: 0 } });
    const error = await kube.deployments.getScale("api").catch((e: unknown) => e);
    assert.ok(error instanceof KubeForbiddenError);
    assert.ok(error instanceof KubeApiError && error instanceof PodfnError);
    assert.equal(error.code, "kube_forbidden");
    assert.equal(error.statusCode, 403);
    assert.equal(error.reason, "Forbidden");
    assert.deepEqual(error.details, { name: "api", group: "apps", kind: "deployments" });
    assert.ok(
      error.message.endsWith('missing permission: { apiGroups: ["apps"], resources: ["deployments/scale"], verbs: ["get"], resourceNames: ["api"] }'),
      error.message,
    );
    assert.deepEqual(error.missingPermission?.resources, ["deployments/scale"]);
    await kube.close();
  });

  test("a Forbidden patch of a Job names verb patch", async () => {
    answer = fixture("sa-patch-job").response;
    const kube = createKubeClient({ credentials: server.credentials(), retry: { retries: 0 } });
    const error = await kube.jobs.patch("nightly", {}).catch((e: unknown) => e);
    assert.ok(error instanceof KubeForbiddenError);
    assert.match(error.message, /missing permission: \{ apiGroups: \["batch"\], resources: \["jobs"\], verbs: \["patch"\], resourceNames: \["nightly"\] \}$/);
    await kube.close();
  });

  const mapped: [string, new (...args: never[]) => KubeApiError, string][] = [
    ["delete-missing", KubeNotFoundError, "kube_not_found"],
    ["create-deployment-exists", KubeAlreadyExistsError, "kube_already_exists"],
    ["update-deployment-stale", KubeConflictError, "kube_conflict"],
    ["create-deployment-invalid", KubeInvalidError, "kube_invalid"],
    ["bad-token", KubeUnauthorizedError, "kube_unauthorized"],
  ];
  for (const [name, type, code] of mapped) {
    test(`${name} becomes ${type.name} (${code})`, () => {
      const { request, response } = fixture(name);
      const error = kubeApiError(response.status, response.body, request);
      assert.ok(error instanceof type);
      assert.equal(error.code, code);
      assert.equal(error.statusCode, response.status);
      assert.ok(error.message.includes((response.body as { message: string }).message));
    });
  }

  test("Invalid keeps the causes in details", () => {
    const { request, response } = fixture("create-deployment-invalid");
    const error = kubeApiError(response.status, response.body, request);
    assert.equal(error.details?.causes?.[0]?.field, "metadata.name");
  });

  test("410 Gone and reason Expired are KubeGoneError", () => {
    const summary = { method: "GET", path: "/api/v1/pods" };
    assert.ok(kubeApiError(410, { kind: "Status", reason: "Expired", code: 410, message: "too old resource version: 1 (5)" }, summary) instanceof KubeGoneError);
    assert.ok(kubeApiError(410, "gone", summary) instanceof KubeGoneError);
  });

  test("a body that is not a Status still gives a typed error", () => {
    const error = kubeApiError(404, "<html>not here</html>", { method: "GET", path: "/x" });
    assert.ok(error instanceof KubeNotFoundError);
    assert.equal(error.status.kind, "Status");
  });
});

test("a ServiceAccount denied in its own namespace gets a rule without one (the function's namespace); elsewhere the rule names it", () => {
  const denied = (ns: string, user = "system:serviceaccount:ops:robot") => parseForbiddenMessage(`configmaps is forbidden: User "${user}" cannot list resource "configmaps" in API group "" in the namespace "${ns}"`);
  assert.equal(denied("ops")!.namespace, undefined);
  assert.equal(denied("billing")!.namespace, "billing");
  assert.equal(denied("ops", "jane@example.com")!.namespace, "ops", "a person's rule names the namespace");
});
