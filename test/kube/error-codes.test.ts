/**
 * Error codes as types: each class's `code` is its literal (`tsc --noEmit`, run first by
 * `npm test`, checks the typed lines and that each `@ts-expect-error` line is refused), and
 * `isKubeError` narrows a caught error to the class its code comes with.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Status } from "kubernetes-types/meta/v1.js";
import * as podfn from "podfn";
import { ConfigError, HttpError, KubeApiError, KubeConflictError, KubeConnectionError, KubeForbiddenError, KubeGoneError, KubeNotFoundError, OutputError, PodfnError, ShutdownError, TimeoutError, isKubeError } from "podfn";
import type { KubeErrorCode, PodfnErrorCode } from "podfn";
import { kubeApiError } from "../../runtime/kube/errors.js";

const request = { method: "GET", path: "/api/v1/namespaces/a/pods/x" };
const status = (code: number, reason: string, message = reason): Status => ({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", code, reason, message });

test("each error class's code is its own literal", () => {
  const notFound: "kube_not_found" = new KubeNotFoundError(status(404, "NotFound"), 404, request).code;
  const timeout: "timeout" = new TimeoutError("slow").code;
  const config: "config_invalid" = new ConfigError("bad").code;
  const output: "invalid_output" = new OutputError("fn", "total: expected a number").code;
  const shutdown: "shutting_down" = new ShutdownError("shutting down").code;
  assert.deepEqual([notFound, timeout, config, output, shutdown], ["kube_not_found", "timeout", "config_invalid", "invalid_output", "shutting_down"]);
  // @ts-expect-error: a conflict's code is kube_conflict
  const wrong: "kube_not_found" = new KubeConflictError(status(409, "Conflict"), 409, request).code;
  assert.equal(wrong, "kube_conflict");
  // @ts-expect-error: no such code
  const unknown: KubeErrorCode = "kube_notfound";
  const any: PodfnErrorCode = "kube_not_found";
  assert.ok(unknown && any);
});

test("isKubeError narrows to the class of the code, or any of the client's errors without one", async () => {
  const denied: unknown = kubeApiError(403, status(403, "Forbidden", 'pods "x" is forbidden: User "system:serviceaccount:a:b" cannot delete resource "pods" in API group "" in the namespace "a"'), request);
  assert.ok(isKubeError(denied, "kube_forbidden"));
  assert.deepEqual(denied.missingPermission?.verbs, ["delete"], "narrowed to KubeForbiddenError: no cast to read missingPermission");
  assert.equal(isKubeError(denied, "kube_not_found"), false);
  assert.equal(isKubeError(denied), true);

  const badRequest: unknown = kubeApiError(400, status(400, "BadRequest", "unable to parse requirement"), request);
  assert.ok(isKubeError(badRequest, "kube_bad_request"), "an answer without its own class is a KubeApiError of that code");
  assert.ok(badRequest instanceof KubeApiError);
  const statusCode: number = badRequest.statusCode;
  assert.equal(statusCode, 400);

  assert.ok(isKubeError(new KubeConnectionError("connection refused"), "kube_connection"));
  for (const other of [new HttpError(404, "kube_not_found", "not here"), new PodfnError("kube_not_found", "made up"), Object.assign(new Error("x"), { code: "kube_not_found" }), { code: "kube_not_found" }, undefined, null, "kube_not_found"]) {
    assert.equal(isKubeError(other, "kube_not_found"), false, String(other));
    assert.equal(isKubeError(other), false, String(other));
  }
});

test("a 410 whose Status names another reason is a KubeGoneError of code kube_gone", () => {
  const gone = kubeApiError(410, status(410, "SomethingElse"), request);
  assert.ok(gone instanceof KubeGoneError);
  assert.equal(gone.code, "kube_gone");
  assert.equal(kubeApiError(404, "<html>not found</html>", request).code, "kube_not_found");
});

test("the errors a function can meet are exported from podfn", () => {
  for (const name of ["OutputError", "ShutdownError", "TimeoutError", "InputError", "KubeNotFoundError", "KubeAlreadyExistsError", "KubeUnauthorizedError", "KubeForbiddenError", "isKubeError"]) {
    assert.equal(typeof (podfn as Record<string, unknown>)[name], "function", name);
  }
  assert.ok(new ShutdownError("x") instanceof PodfnError);
  assert.ok(new KubeForbiddenError(status(403, "Forbidden"), 403, request) instanceof KubeApiError);
});
