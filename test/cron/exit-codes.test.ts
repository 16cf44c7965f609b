import { test } from "node:test";
import assert from "node:assert/strict";
import { EXIT_CODES, exitCodeFor } from "../../runtime/cron/exit-codes.js";
import { ConfigError, InputError, PodfnError, TimeoutError } from "../../runtime/errors.js";
import { LoadError } from "../../runtime/loader.js";
import { KubeApiError, KubeConnectionError, KubeForbiddenError, KubeNotFoundError, KubeTooManyRequestsError, KubeUnauthorizedError, NoCredentialsError } from "../../runtime/kube/errors.js";

function forbidden(verb: string, resource: string, group: string): KubeForbiddenError {
  const message = `${resource} is forbidden: User "system:serviceaccount:ns:sa" cannot ${verb} resource "${resource}" in API group "${group}" in the namespace "ns"`;
  return new KubeForbiddenError({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason: "Forbidden", code: 403 }, 403, {
    method: "GET",
    path: "/x",
  });
}

test("success exits 0", () => {
  assert.deepEqual(exitCodeFor({}), { code: 0, message: "ok" });
});

test("a handler error exits 1 with its message", () => {
  const decision = exitCodeFor({ error: new Error("boom") });
  assert.equal(decision.code, EXIT_CODES.handlerFailed);
  assert.match(decision.message, /boom/);
});

test("a rejection without a value (Promise.reject(), throw undefined or null) is a failure (1), not a success", () => {
  for (const error of [undefined, null]) {
    assert.deepEqual(exitCodeFor({ error }), { code: EXIT_CODES.handlerFailed, message: `the handler failed: it threw ${String(error)} (throw an Error to say why)` });
  }
});

test("an API server that could not answer (unreachable; 429, 503 or 504 after the retries) exits 5, also wrapped; a 500 or a timeout does not", () => {
  const status = (code: number, reason: string) => ({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "busy", reason, code });
  const request = { method: "GET", path: "/x" };
  const unavailable = [
    new KubeConnectionError("GET https://10.0.0.1/x: connection refused"),
    new KubeTooManyRequestsError(status(429, "TooManyRequests"), 429, request, 1),
    new KubeApiError(status(503, "ServiceUnavailable"), 503, request),
    new KubeApiError(status(504, "Timeout"), 504, request),
    new Error("cleanup failed", { cause: new KubeConnectionError("reset") }),
  ];
  for (const error of unavailable) {
    const decision = exitCodeFor({ error });
    assert.equal(decision.code, EXIT_CODES.kubeUnavailable, String(error));
    assert.match(decision.message, /^the Kubernetes API server could not answer \(retry later\): /);
  }
  assert.equal(exitCodeFor({ error: new KubeApiError(status(500, "InternalError"), 500, request) }).code, EXIT_CODES.handlerFailed);
  assert.equal(exitCodeFor({ error: Object.assign(new TimeoutError("f did not finish within 1000 ms"), { cause: new KubeConnectionError("slow") }) }).code, EXIT_CODES.timeout);
});

test("an eviction a PodDisruptionBudget refused (a 429 naming a DisruptionBudget cause) exits 5 to be retried, saying so in the server's words, not that the API server could not answer", () => {
  const message = "Cannot evict pod as it would violate the pod's disruption budget.";
  const status = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason: "TooManyRequests", code: 429, details: { causes: [{ reason: "DisruptionBudget", message: "The disruption budget web needs 1 healthy pods and has 1 currently" }] } };
  const refused = new KubeTooManyRequestsError(status, 429, { method: "POST", path: "/api/v1/namespaces/ns/pods/web-0/eviction" });
  for (const error of [refused, new Error("drain failed", { cause: refused })]) {
    const decision = exitCodeFor({ error });
    assert.equal(decision.code, EXIT_CODES.kubeUnavailable, String(error));
    assert.match(decision.message, /^an eviction was refused for now, a PodDisruptionBudget allowing no disruption \(retry later\): .*would violate the pod's disruption budget/);
  }
});

test("a Kubernetes error other than 403 is the handler's failure (1)", () => {
  const error = new KubeNotFoundError({ kind: "Status", message: "jobs.batch \"x\" not found", reason: "NotFound", code: 404 }, 404, { method: "GET", path: "/x" });
  assert.equal(exitCodeFor({ error }).code, 1);
});

test("a 401 exits 1 saying the API server refused the credentials and what to fix, even wrapped; not that the handler failed", () => {
  const refused = new KubeUnauthorizedError({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "Unauthorized", reason: "Unauthorized", code: 401 }, 401, { method: "GET", path: "/api/v1/namespaces/ns/pods" });
  for (const error of [refused, new Error("listing failed", { cause: refused })]) {
    const decision = exitCodeFor({ error });
    assert.equal(decision.code, EXIT_CODES.handlerFailed, String(error));
    assert.equal(
      decision.message,
      "the API server refused the credentials (GET /api/v1/namespaces/ns/pods: 401 Unauthorized): a token expired, revoked, or of a ServiceAccount deleted since, or credentials of another cluster; a token file or exec plugin was read again and the request tried once more. Fix the credentials (the kubeconfig, or the pod's ServiceAccount), not the handler",
    );
  }
});

test("bad input, configuration, loading and missing credentials exit 2 with the field named", () => {
  const input = exitCodeFor({ error: new InputError("invalid input: count: expected number", [{ path: "count", message: "expected number" }]) });
  assert.equal(input.code, 2);
  assert.match(input.message, /count: expected number/);
  assert.equal(exitCodeFor({ error: new ConfigError("--input: not valid JSON") }).code, 2);
  assert.equal(exitCodeFor({ error: new LoadError(["functions/x.ts: name: must be a DNS label"]) }).code, 2);
  assert.equal(exitCodeFor({ error: new NoCredentialsError(["in-cluster: no token"]) }).code, 2);
  // Two functions whose generated names meet (podfn manifests): the definitions need a change.
  assert.equal(exitCodeFor({ error: new PodfnError("manifest_name_conflict", 'function "a" and function "a-b" both need the CronJob "podfn-a-b-c"') }).code, 2);
});

test("a 403 exits 3 and names the missing permission, even wrapped in the handler's own error", () => {
  const direct = exitCodeFor({ error: forbidden("delete", "jobs", "batch") });
  assert.equal(direct.code, EXIT_CODES.forbidden);
  assert.match(direct.message, /\{ apiGroups: \["batch"\], resources: \["jobs"\], verbs: \["delete"\]/);
  const wrapped = exitCodeFor({ error: new Error("cleanup failed", { cause: new Error("step 2", { cause: forbidden("list", "pods", "") }) }) });
  assert.equal(wrapped.code, 3);
  assert.match(wrapped.message, /resources: \["pods"\], verbs: \["list"\]/);
  const aggregate = exitCodeFor({ error: new AggregateError([new Error("a"), forbidden("get", "nodes", "")]) });
  assert.equal(aggregate.code, 3);
});

test("a timeout exits 4, also when it is the cause of another error", () => {
  assert.equal(exitCodeFor({ error: new TimeoutError("slow did not finish within 20 ms") }).code, EXIT_CODES.timeout);
  assert.equal(exitCodeFor({ error: new Error("gave up", { cause: new TimeoutError("late") }) }).code, 4);
});

test("SIGINT exits 130 and SIGTERM 143, whatever the handler threw", () => {
  assert.equal(exitCodeFor({ signal: "SIGINT", error: new Error("aborted") }).code, 130);
  assert.equal(exitCodeFor({ signal: "SIGTERM", error: forbidden("list", "pods", "") }).code, 143);
});

test("a cause chain with a cycle still ends", () => {
  const a = new Error("a");
  const b = new Error("b", { cause: a });
  (a as { cause?: unknown }).cause = b;
  assert.equal(exitCodeFor({ error: a }).code, 1);
});

test("a thrown value whose reading throws (a cause or code getter, a revoked proxy, a message getter) exits 1: deciding never throws", () => {
  const badCause = new Error("real failure");
  Object.defineProperty(badCause, "cause", { get() { throw new Error("cause getter boom"); } });
  const decision = exitCodeFor({ error: badCause });
  assert.equal(decision.code, 1);
  assert.equal(decision.message, "the handler failed: real failure");
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  assert.equal(exitCodeFor({ error: proxy }).code, 1);
  const badCode = Object.assign(Object.create(PodfnError.prototype) as PodfnError, {});
  Object.defineProperty(badCode, "code", { get() { throw new Error("code getter boom"); } });
  assert.equal(exitCodeFor({ error: badCode }).code, 1);
  const badMessage = new Error("x");
  Object.defineProperty(badMessage, "message", { get() { throw new Error("message getter boom"); } });
  assert.equal(exitCodeFor({ error: badMessage }).code, 1);
});
